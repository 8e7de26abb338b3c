import type { IpcError, Result } from '../../../shared/ipc/contract';
import { createLatestRunner } from '../prediction/latest-runner';
import type { LatestRunner } from '../prediction/latest-runner';
import type { PredictionStore } from '../prediction/prediction-store';

export interface ExplanationState {
  enabled: boolean;
  /** Gradient x input for `label`, 784 floats; undefined while off, blank or not yet answered. */
  attribution: Float32Array | undefined;
  /** The class explained: the model's top class for `input`. */
  label: number | undefined;
  /** The network input the map explains, so a stale map can be told from a fresh one. */
  input: Float32Array | undefined;
  error: IpcError | undefined;
}

export type Explain = (pixels: Float32Array) => Promise<Result<{ label: number; attribution: Float32Array }>>;

const OFF: ExplanationState = {
  enabled: false,
  attribution: undefined,
  label: undefined,
  input: undefined,
  error: undefined,
};

/**
 * The heat map's data: while switched on, follows the prediction's network input and asks
 * the engine which pixels pushed toward the top class, at most once a frame and always
 * for the latest drawing (the same LatestRunner as live prediction). Off, it asks nothing.
 */
export class ExplanationStore {
  private state: ExplanationState = OFF;
  private readonly listeners = new Set<() => void>();
  private readonly runner: LatestRunner<Float32Array>;
  private unsubscribe: (() => void) | undefined;
  /** The input last handed to the runner, so repeated snapshots of one drawing ask once. */
  private requested: Float32Array | undefined;

  constructor(
    private readonly prediction: Pick<PredictionStore, 'subscribe' | 'getSnapshot'>,
    private readonly explain: Explain,
    options: { minIntervalMs?: number } = {},
  ) {
    this.runner = createLatestRunner((input) => this.run(input), { minIntervalMs: options.minIntervalMs ?? 16 });
  }

  setEnabled(enabled: boolean): void {
    if (enabled === this.state.enabled) return;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.runner.cancelPending();
    this.requested = undefined;
    if (!enabled) {
      this.set(OFF);
      return;
    }
    this.set({ ...OFF, enabled: true });
    this.unsubscribe = this.prediction.subscribe(() => this.follow());
    this.follow();
  }

  toggle(): void {
    this.setEnabled(!this.state.enabled);
  }

  /** Resolves once the latest input has its map. */
  idle(): Promise<void> {
    return this.runner.idle();
  }

  getSnapshot = (): ExplanationState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  private follow(): void {
    const { input, prediction } = this.prediction.getSnapshot();
    if (!prediction) {
      // A blank canvas (or no answer yet): no map rather than a stale one.
      this.runner.cancelPending();
      this.requested = undefined;
      if (this.state.attribution || this.state.error) this.set({ ...OFF, enabled: true });
      return;
    }
    if (input === this.requested) return;
    this.requested = input;
    this.runner.push(input);
  }

  private async run(input: Float32Array): Promise<void> {
    if (!this.state.enabled) return;
    const result = await this.explain(input);
    if (!this.state.enabled || this.prediction.getSnapshot().input !== input) return;
    if (result.ok)
      this.set({
        enabled: true,
        attribution: result.value.attribution,
        label: result.value.label,
        input,
        error: undefined,
      });
    else this.set({ ...this.state, attribution: undefined, label: undefined, input, error: result.error });
  }

  private set(next: ExplanationState): void {
    this.state = next;
    for (const listener of [...this.listeners]) listener();
  }
}
