import type { Hyperparameters } from '../../../shared/hyperparameters';
import type { IpcError, Result } from '../../../shared/ipc/contract';
import type { StepRecord, StepSession } from '../../../shared/step-mode';

export interface StepApi {
  start(hyperparameters: Hyperparameters): Promise<Result<StepSession>>;
  next(): Promise<Result<StepRecord>>;
}

/** Losses kept for the screen's list of recent steps. */
const LOSSES_KEPT = 20;

export interface StepState {
  /** The network the engine is stepping; absent until Start. */
  session: StepSession | undefined;
  /** The last step's record. */
  record: StepRecord | undefined;
  /** The recent steps' losses, oldest first. */
  losses: { step: number; loss: number }[];
  busy: boolean;
  error: IpcError | undefined;
}

const EMPTY: StepState = { session: undefined, record: undefined, losses: [], busy: false, error: undefined };

/**
 * Step mode on the Network screen: Start sets up a run in the engine from the chosen
 * hyperparameters' seed; Step takes one mini-batch and keeps its record. One request at a
 * time: a Step pressed while one is out is ignored, so steps are never skipped or doubled.
 */
export class StepStore {
  private state: StepState = EMPTY;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly api: StepApi) {}

  getSnapshot = (): StepState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  async start(hyperparameters: Hyperparameters): Promise<void> {
    if (this.state.busy) return;
    this.set({ ...EMPTY, busy: true });
    const result = await this.api.start(hyperparameters);
    this.set({ ...EMPTY, session: result.ok ? result.value : undefined, error: result.ok ? undefined : result.error });
  }

  async next(): Promise<void> {
    if (this.state.busy || !this.state.session) return;
    this.set({ ...this.state, busy: true, error: undefined });
    const result = await this.api.next();
    if (!result.ok) {
      // The engine lost the run (it restarted): Start again.
      const lost = result.error.code === 'not-found';
      this.set({ ...this.state, busy: false, error: result.error, session: lost ? undefined : this.state.session });
      return;
    }
    const { step, loss } = result.value;
    const losses = [...this.state.losses, { step, loss }].slice(-LOSSES_KEPT);
    this.set({ ...this.state, record: result.value, losses, busy: false });
  }

  private set(next: StepState): void {
    this.state = next;
    for (const listener of [...this.listeners]) listener();
  }
}
