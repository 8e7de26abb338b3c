import type { Hyperparameters } from '../../../shared/hyperparameters';
import type { IpcError, Result } from '../../../shared/ipc/contract';
import { preset } from '../../../shared/presets';
import type { PresetName } from '../../../shared/presets';
import type { StepRecord, StepSession } from '../../../shared/step-mode';

export interface StepApi {
  start(hyperparameters: Hyperparameters): Promise<Result<StepSession>>;
  next(): Promise<Result<StepRecord>>;
}

/** Which network step mode trains: one of the notes' (a preset), or the one set up on the Train form. */
export type StepNetwork = PresetName | 'train-form';

/** The notes' networks, both well inside step mode's parameter limit. */
export const NOTES_NETWORKS: readonly PresetName[] = ['seed-classic', 'seed-layered'];

/** Losses kept for the screen's list of recent steps. */
const LOSSES_KEPT = 20;

export interface StepState {
  /** The network Start trains. */
  network: StepNetwork;
  /** The Train form's hyperparameters, once "Step through this network" sent them. */
  formHyperparameters: Hyperparameters | undefined;
  /** The network of the session (or of the Start in flight). */
  stepping: StepNetwork | undefined;
  /** The network the engine is stepping; absent until Start. */
  session: StepSession | undefined;
  /** The last step's record. */
  record: StepRecord | undefined;
  /** The recent steps' losses, oldest first. */
  losses: { step: number; loss: number }[];
  busy: boolean;
  error: IpcError | undefined;
}

type Run = Pick<StepState, 'session' | 'record' | 'losses' | 'busy' | 'error'>;
const NO_RUN: Run = { session: undefined, record: undefined, losses: [], busy: false, error: undefined };

/**
 * Step mode on the Network screen: Start sets up a run in the engine from the chosen
 * hyperparameters' seed; Step takes one mini-batch and keeps its record. One request at a
 * time: a Step pressed while one is out is ignored, so steps are never skipped or doubled.
 */
export class StepStore {
  private state: StepState = {
    ...NO_RUN,
    network: 'seed-classic',
    formHyperparameters: undefined,
    stepping: undefined,
  };
  private readonly listeners = new Set<() => void>();

  constructor(private readonly api: StepApi) {}

  getSnapshot = (): StepState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  /** Chooses the network the next Start trains. */
  choose(network: StepNetwork): void {
    if (network === 'train-form' && !this.state.formHyperparameters) return;
    this.set({ ...this.state, network });
  }

  /** Starts (again) the chosen network from its seed. */
  async start(): Promise<void> {
    const { network, formHyperparameters } = this.state;
    const hyperparameters = network === 'train-form' ? formHyperparameters : preset(network);
    if (this.state.busy || !hyperparameters) return;
    this.set({ ...this.state, ...NO_RUN, busy: true, stepping: network });
    const result = await this.api.start(hyperparameters);
    this.set({
      ...this.state,
      ...NO_RUN,
      session: result.ok ? result.value : undefined,
      error: result.ok ? undefined : result.error,
    });
  }

  /** Chooses the Train form's network (its hyperparameters as read) and starts it. */
  async stepThrough(formHyperparameters: Hyperparameters): Promise<void> {
    if (this.state.busy) return;
    this.set({ ...this.state, formHyperparameters, network: 'train-form' });
    await this.start();
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
