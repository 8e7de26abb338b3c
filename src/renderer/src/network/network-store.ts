import { preprocessSteps } from '../../../digits/preprocess/strokes';
import type { Activations, LayerParameters } from '../../../shared/inspection';
import type { IpcError, Result } from '../../../shared/ipc/contract';
import type { StrokeStore } from '../drawing/stroke-store';
import { createLatestRunner } from '../prediction/latest-runner';
import type { LatestRunner } from '../prediction/latest-runner';

/**
 * A model's activations; `originalProbabilities` while a "break it" experiment is on (the
 * layers are then its copy's); `snapshot` when they are a snapshot's of its training timeline.
 */
export type ModelActivations = Activations & { modelId: string; originalProbabilities?: number[]; snapshot?: number };
/** A snapshot of a model's training timeline to look through instead of the model as saved. */
export interface SnapshotChoice {
  modelId: string;
  index: number;
}
export type InspectActivations = (pixels: Float32Array, snapshot?: SnapshotChoice) => Promise<Result<ModelActivations>>;
export type InspectParameters = (
  layer: number,
  id: string,
  snapshot?: number,
) => Promise<Result<LayerParameters & { modelId: string }>>;

/** Layers whose learned tensors the screen shows or its formulas read. */
const LEARNING_KINDS = new Set(['conv2d', 'dense', 'batch-norm']);

export interface NetworkState {
  /** The active model's every layer for `input`; undefined until the first answer. */
  activations: ModelActivations | undefined;
  /** The network input the activations answer (all zeros for a blank canvas). */
  input: Float32Array | undefined;
  /** Counts the drawing's changes: the drawing now on the canvas. */
  drawingVersion: number;
  /** Which drawing the activations answer, so the page can tell fresh from stale. */
  answeredVersion: number | undefined;
  /** The learned tensors of `modelId`'s conv, dense and batch norm layers, by layer index; loaded once per model (and snapshot). */
  parameters: { modelId: string; snapshot?: number; byLayer: ReadonlyMap<number, LayerParameters> } | undefined;
  /** The snapshot of the timeline looked through; undefined: the model as saved. */
  snapshot: SnapshotChoice | undefined;
  error: IpcError | undefined;
}

const BLANK = new Float32Array(784);

const EMPTY: NetworkState = {
  activations: undefined,
  input: undefined,
  drawingVersion: 0,
  answeredVersion: undefined,
  parameters: undefined,
  snapshot: undefined,
  error: undefined,
};

/**
 * The Network screen's data: follows the drawing, turns it into the network input with
 * the shared preprocessing (preprocessSteps, as live prediction does), and asks the
 * engine for every layer's activations, at most once a frame and only for the latest
 * drawing (a LatestRunner). An answer is shown unless a newer one already is. A blank
 * canvas is asked about too: its all-zero input still shows the layers. Each model's
 * parameters are asked for once, the first time its activations come back.
 *
 * It follows the drawing itself rather than PredictionStore's input: the screen shows the
 * probabilities from the activations, so while it shows, the engine answers one request
 * per drawing, not a prediction and then the activations.
 *
 * A drawing whose network input is the one last answered, for the same model, snapshot
 * and experiment, is not asked about again: the answer shown already is its answer. The
 * pen lifting where it last moved changes the drawing (the stroke ends) but no pixel, so
 * the screen is up to date as soon as the last move's answer lands, not one round trip later;
 * an input already being asked about waits for that answer. A drawing changed with the pen
 * up (the stroke ended, undo, clear) is asked about at once, beside a request still in
 * flight for a stroke's earlier points (LatestRunner's `overtake`), not after it.
 */
export class NetworkStore {
  private state: NetworkState = EMPTY;
  private readonly listeners = new Set<() => void>();
  private readonly runner: LatestRunner<number>;
  private shownVersion = -1;
  private parametersLoading: string | undefined;
  private parametersGeneration = 0;
  private stopFollowing: (() => void) | undefined;
  /** Bumped whenever the same input may get another answer: another model, an experiment, a snapshot. */
  private question = 0;
  /** The input the shown activations answer, and for which question. */
  private answered: { input: Float32Array; question: number } | undefined;
  /** The latest request, until it is answered. */
  private asking: { input: Float32Array; question: number; result: Promise<Result<ModelActivations>> } | undefined;

  constructor(
    private readonly drawing: Pick<StrokeStore, 'subscribe' | 'inputStrokes' | 'busy'>,
    private readonly api: {
      activations: InspectActivations;
      parameters: InspectParameters;
      onModelsChanged: (listener: () => void) => () => void;
    },
    options: { minIntervalMs?: number } = {},
  ) {
    this.runner = createLatestRunner((version) => this.run(version), { minIntervalMs: options.minIntervalMs ?? 16 });
  }

  /** Starts following the drawing and the active model; returns the stop function. */
  start(): () => void {
    this.stopFollowing?.();
    const stopDrawing = this.drawing.subscribe(() => this.refresh());
    const stopModels = this.api.onModelsChanged(() => this.askAgain());
    this.stopFollowing = () => {
      stopDrawing();
      stopModels();
      this.runner.cancelPending();
    };
    // The models may have changed while the screen was away.
    this.askAgain();
    return () => {
      this.stopFollowing?.();
      this.stopFollowing = undefined;
    };
  }

  /** Asks about the drawing as it is now (it changed). */
  refresh(): void {
    this.set({ ...this.state, drawingVersion: this.state.drawingVersion + 1 });
    this.runner.push(this.state.drawingVersion, { overtake: !this.drawing.busy });
  }

  /** Asks about the drawing even if its input was answered already (another model may be active). */
  private askAgain(): void {
    this.question++;
    this.refresh();
  }

  /**
   * The weights changed under the same model (a "break it" experiment began, changed or
   * ended): forgets its parameters, so they are asked for again with the layers.
   */
  reload(): void {
    this.parametersGeneration++;
    this.parametersLoading = undefined;
    this.set({ ...this.state, parameters: undefined });
    this.askAgain();
  }

  /**
   * Looks through a snapshot of the model's training timeline (or, with undefined, the
   * model as saved again): the layers and the parameters are asked for anew.
   */
  setSnapshot(snapshot: SnapshotChoice | undefined): void {
    const now = this.state.snapshot;
    if (now?.modelId === snapshot?.modelId && now?.index === snapshot?.index) return;
    this.state = { ...this.state, snapshot };
    this.reload();
  }

  /** Resolves once the latest drawing has its activations. */
  idle(): Promise<void> {
    return this.runner.idle();
  }

  getSnapshot = (): NetworkState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  private async run(version: number): Promise<void> {
    const input = preprocessSteps(this.drawing.inputStrokes())?.input ?? BLANK;
    const question = this.question;
    if (this.answered?.question === question && samePixels(this.answered.input, input)) {
      if (version < this.shownVersion) return;
      this.shownVersion = version;
      this.set({ ...this.state, answeredVersion: version });
      return;
    }
    const asking =
      this.asking?.question === question && samePixels(this.asking.input, input)
        ? this.asking
        : this.ask(input, question);
    const result = await asking.result;
    if (this.asking === asking) this.asking = undefined;
    if (version < this.shownVersion) return;
    this.shownVersion = version;
    if (!result.ok) {
      this.answered = undefined;
      this.set({ ...this.state, error: result.error });
      return;
    }
    const activations = result.value;
    this.answered = { input, question };
    this.set({ ...this.state, activations, input, answeredVersion: version, error: undefined });
    void this.loadParameters(activations);
  }

  private ask(input: Float32Array, question: number): NonNullable<NetworkStore['asking']> {
    this.asking = { input, question, result: this.api.activations(input, this.state.snapshot) };
    return this.asking;
  }

  private async loadParameters(activations: ModelActivations): Promise<void> {
    const { modelId, snapshot } = activations;
    const key = `${modelId}:${snapshot ?? ''}`;
    const shown = this.state.parameters;
    if ((shown?.modelId === modelId && shown.snapshot === snapshot) || this.parametersLoading === key) return;
    this.parametersLoading = key;
    const generation = this.parametersGeneration;
    const byLayer = new Map<number, LayerParameters>();
    for (const layer of activations.layers) {
      if (!LEARNING_KINDS.has(layer.kind)) continue;
      const result = await this.api.parameters(layer.index, modelId, snapshot);
      if (this.parametersLoading !== key || generation !== this.parametersGeneration) return;
      if (!result.ok) {
        this.parametersLoading = undefined;
        this.set({ ...this.state, error: result.error });
        return;
      }
      byLayer.set(layer.index, result.value);
    }
    this.parametersLoading = undefined;
    this.set({ ...this.state, parameters: { modelId, snapshot, byLayer } });
  }

  private set(next: NetworkState): void {
    this.state = next;
    for (const listener of [...this.listeners]) listener();
  }
}

function samePixels(a: Float32Array, b: Float32Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
