import type { PreprocessSteps } from '../../../digits/preprocess/strokes';
import { preprocessSteps } from '../../../digits/preprocess/strokes';
import type { IpcError, Result } from '../../../shared/ipc/contract';
import type { StrokeStore } from '../drawing/stroke-store';
import { createLatestRunner } from './latest-runner';
import type { LatestRunner } from './latest-runner';

/** Below this top probability the panel says the network is unsure. */
export const LOW_CONFIDENCE = 0.6;
/** At most one prediction per animation frame. */
export const PREDICT_INTERVAL_MS = 16;

export interface Prediction {
  probabilities: readonly number[];
  top: number;
  confidence: number;
  lowConfidence: boolean;
  /** The model says the drawing is not a digit at all (digits/rejection.ts); the probabilities are still its guess. */
  notADigit: boolean;
  /** Which drawing this answers (see PredictionStore.drawingVersion). */
  drawingVersion: number;
}

export interface PredictionState {
  /** The 784 floats the network saw (or will see); all zeros for a blank canvas. */
  input: Float32Array;
  /** How `input` was made, step by step (the same pass); undefined for a blank canvas. */
  steps: PreprocessSteps | undefined;
  /** Undefined for a blank canvas, and until the first answer. */
  prediction: Prediction | undefined;
  error: IpcError | undefined;
}

export type Predict = (pixels: Float32Array) => Promise<Result<{ probabilities: number[]; notADigit?: boolean }>>;

export function toPrediction(probabilities: readonly number[], drawingVersion = 0, notADigit = false): Prediction {
  let top = 0;
  for (let i = 1; i < probabilities.length; i++) if (probabilities[i] > probabilities[top]) top = i;
  const confidence = probabilities[top];
  return { probabilities, top, confidence, lowConfidence: confidence < LOW_CONFIDENCE, notADigit, drawingVersion };
}

const BLANK = new Float32Array(784);

/**
 * Live prediction: follows the drawing, turns it into the network input with the shared
 * preprocessing, and asks the active model through a LatestRunner (at most one request
 * per frame, the last drawing always predicted). An answer that comes back after the
 * canvas was cleared is ignored.
 */
export class PredictionStore {
  private state: PredictionState = { input: BLANK, steps: undefined, prediction: undefined, error: undefined };
  private readonly listeners = new Set<() => void>();
  private readonly runner: LatestRunner<number>;
  /** Bumped whenever the canvas becomes blank, so late answers are recognised. */
  private generation = 0;
  private unsubscribeDrawing: (() => void) | undefined;
  /**
   * Counts the drawings asked about, so the page can show whether the bars answer the
   * drawing on screen or an earlier one (and tests can time pointer-up to fresh bars).
   */
  private version = 0;

  constructor(
    private readonly drawing: StrokeStore,
    private readonly predict: Predict,
    options: { minIntervalMs?: number } = {},
  ) {
    this.runner = createLatestRunner((generation) => this.run(generation), {
      minIntervalMs: options.minIntervalMs ?? PREDICT_INTERVAL_MS,
    });
  }

  /** Starts following the drawing; returns the stop function. */
  start(): () => void {
    this.unsubscribeDrawing?.();
    this.unsubscribeDrawing = this.drawing.subscribe(() => this.refresh());
    this.refresh();
    return () => {
      this.unsubscribeDrawing?.();
      this.unsubscribeDrawing = undefined;
      this.runner.cancelPending();
    };
  }

  /** Predicts the current drawing again (say, after the active model changed). */
  refresh(): void {
    this.version++;
    if (this.isBlank()) {
      this.generation++;
      this.runner.cancelPending();
      if (this.state.prediction || this.state.error || this.state.input !== BLANK)
        this.set({ input: BLANK, steps: undefined, prediction: undefined, error: undefined });
      return;
    }
    this.runner.push(this.generation);
  }

  /** The version of the drawing now on the canvas; a prediction is fresh when it answers this one. */
  get drawingVersion(): number {
    return this.version;
  }

  /** Resolves once the latest drawing has its answer. */
  idle(): Promise<void> {
    return this.runner.idle();
  }

  getSnapshot = (): PredictionState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  private isBlank(): boolean {
    const { strokes, active } = this.drawing.getSnapshot();
    return strokes.length === 0 && active === undefined;
  }

  private async run(generation: number): Promise<void> {
    if (generation !== this.generation) return;
    const version = this.version;
    const steps = preprocessSteps(this.drawing.inputStrokes());
    const input = steps?.input ?? BLANK;
    this.set({ ...this.state, input, steps });
    const result = await this.predict(input);
    if (generation !== this.generation || this.isBlank()) return;
    if (result.ok)
      this.set({
        input,
        steps,
        prediction: toPrediction(result.value.probabilities, version, result.value.notADigit),
        error: undefined,
      });
    else this.set({ input, steps, prediction: undefined, error: result.error });
  }

  private set(next: PredictionState): void {
    this.state = next;
    for (const listener of [...this.listeners]) listener();
  }
}
