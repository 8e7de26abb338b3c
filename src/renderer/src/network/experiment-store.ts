import type { ExperimentEdit } from '../../../shared/experiment';
import { EXPERIMENT_LIMITS } from '../../../shared/experiment';
import type { IpcError, ModelSummary, ResponseOf, Result } from '../../../shared/ipc/contract';
import type { NetworkState } from './network-store';

export type ExperimentAnswer = ResponseOf<'network:experiment'>;

export interface ExperimentApi {
  experiment(edits: ExperimentEdit[], pixels: Float32Array, testSize: number): Promise<Result<ExperimentAnswer>>;
  restore(): Promise<Result<ResponseOf<'network:restore'>>>;
  saveExperiment(name: string): Promise<Result<ModelSummary>>;
}

/** How many test images the accuracy is measured on: the first 1,000 (a second or so) or all 10,000. */
export const EXPERIMENT_TEST_SIZES = [EXPERIMENT_LIMITS.defaultTestSize, EXPERIMENT_LIMITS.testSize] as const;

export interface ExperimentState {
  /** The edits on, in the order they apply; empty: the model as it is. */
  edits: ExperimentEdit[];
  testSize: number;
  /** The engine's answer for `edits` (absent while none has come, or with no edits). */
  result: ExperimentAnswer | undefined;
  /** A request is out: the controls wait for it. */
  busy: boolean;
  error: IpcError | undefined;
  /** The model the last "Save as new model" wrote. */
  saved: ModelSummary | undefined;
}

const EMPTY: ExperimentState = {
  edits: [],
  testSize: EXPERIMENT_LIMITS.defaultTestSize,
  result: undefined,
  busy: false,
  error: undefined,
  saved: undefined,
};

/**
 * "Break it" on the Network screen: the edits the person made, sent whole to the engine
 * each time one is added or removed (the engine applies them to a copy of the model's
 * weights), and the answer. After each change the Network store asks again, so the
 * layers shown are the broken copy's. Restore forgets every edit, here and in the backend.
 * An experiment belongs to a model: when another becomes active, it is restored.
 */
export class ExperimentStore {
  private state: ExperimentState = EMPTY;
  private readonly listeners = new Set<() => void>();
  /** Counts requests, so an answer to an older list of edits is dropped. */
  private sent = 0;

  constructor(
    private readonly api: ExperimentApi,
    private readonly network: {
      getSnapshot(): NetworkState;
      subscribe(listener: () => void): () => void;
      reload(): void;
    },
  ) {}

  /** Follows the Network store's model; returns the stop function. */
  start(): () => void {
    return this.network.subscribe(() => {
      const modelId = this.network.getSnapshot().activations?.modelId;
      const on = this.state.result?.modelId;
      if (on !== undefined && modelId !== undefined && modelId !== on) void this.restore();
    });
  }

  getSnapshot = (): ExperimentState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  /** Adds an edit (a unit already off is not switched off twice) and measures the experiment. */
  add(edit: ExperimentEdit): Promise<void> {
    const { edits } = this.state;
    if (edits.length >= EXPERIMENT_LIMITS.edits) return Promise.resolve();
    if (edit.kind !== 'weight-noise' && edits.some((e) => JSON.stringify(e) === JSON.stringify(edit))) {
      return Promise.resolve();
    }
    return this.measure([...edits, edit]);
  }

  remove(index: number): Promise<void> {
    const edits = this.state.edits.filter((_, i) => i !== index);
    return edits.length === 0 ? this.restore() : this.measure(edits);
  }

  /** Measures again on `testSize` test images. */
  setTestSize(testSize: number): Promise<void> {
    this.set({ ...this.state, testSize });
    return this.state.edits.length > 0 ? this.measure(this.state.edits) : Promise.resolve();
  }

  /** The model exactly as its file has it: the backend forgets the edits, and the layers are asked for again. */
  async restore(): Promise<void> {
    const request = ++this.sent;
    this.set({ ...this.state, edits: [], result: undefined, busy: true, error: undefined });
    const result = await this.api.restore();
    if (request !== this.sent) return;
    this.set({ ...this.state, busy: false, error: result.ok ? undefined : result.error });
    this.network.reload();
  }

  /** Saves the broken model as a new model (it does not become active). */
  async save(name: string): Promise<void> {
    this.set({ ...this.state, busy: true, error: undefined, saved: undefined });
    const result = await this.api.saveExperiment(name);
    this.set({
      ...this.state,
      busy: false,
      error: result.ok ? undefined : result.error,
      saved: result.ok ? result.value : undefined,
    });
  }

  private async measure(edits: ExperimentEdit[]): Promise<void> {
    const request = ++this.sent;
    this.set({ ...this.state, edits, busy: true, error: undefined, saved: undefined });
    const input = this.network.getSnapshot().input ?? new Float32Array(784);
    const result = await this.api.experiment(edits, input, this.state.testSize);
    if (request !== this.sent) return;
    if (!result.ok) {
      // The edit was refused: the experiment stays as it was before it.
      const before = this.state.result?.edits ?? [];
      this.set({ ...this.state, edits: before, busy: false, error: result.error });
      return;
    }
    this.set({ ...this.state, result: result.value, busy: false });
    this.network.reload();
  }

  private set(next: ExperimentState): void {
    this.state = next;
    for (const listener of [...this.listeners]) listener();
  }
}
