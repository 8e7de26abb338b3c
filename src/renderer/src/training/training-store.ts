import type { TegakiApi } from '../../../shared/ipc/api';
import type { EventOf, IpcError, ModelSummary, RequestOf, Result } from '../../../shared/ipc/contract';
import type { LossPoint } from './loss-series';
import { appendLossPoint } from './loss-series';

export type ProgressEvent = EventOf<'training:progress'>;
export type EpochEvent = EventOf<'training:epoch'>;
export type DoneEvent = EventOf<'training:done'>;
export type ErrorEvent = EventOf<'training:error'>;
export type StartRequest = RequestOf<'training:start'>;

/**
 * idle → starting → running ⇄ cancelling → done | failed | cancelled, and from any of
 * the last three back to starting with the next job.
 */
export type TrainingStatus = 'idle' | 'starting' | 'running' | 'cancelling' | 'done' | 'failed' | 'cancelled';

/** The person's answer to "use the new model for predictions?". */
export type ActivationStatus = 'asking' | 'activating' | 'activated' | 'kept' | 'failed';

export interface TrainingState {
  status: TrainingStatus;
  /** The job being followed; kept after it ends, so its late events are recognised and ignored. */
  jobId: string | undefined;
  /** What was asked for; undefined for a job this page did not start (say, before a reload). */
  request: StartRequest | undefined;
  progress: ProgressEvent | undefined;
  lossCurve: readonly LossPoint[];
  epochs: readonly EpochEvent[];
  result: DoneEvent | undefined;
  /** Why the job failed, or why it could not start (busy, invalid payload...). */
  error: IpcError | undefined;
  activation: { model: ModelSummary; status: ActivationStatus; error?: string } | undefined;
  /** While a 'Save again' of a model whose save failed ('save-failed') is on its way. */
  savingAgain: boolean;
}

export type TrainingAction =
  | { type: 'start-requested'; request: StartRequest }
  | { type: 'start-accepted'; jobId: string }
  | { type: 'start-refused'; error: IpcError }
  | { type: 'progress'; event: ProgressEvent }
  | { type: 'epoch'; event: EpochEvent }
  | { type: 'done'; event: DoneEvent }
  | { type: 'error'; event: ErrorEvent }
  | { type: 'cancel-requested' }
  | { type: 'cancel-refused' }
  | { type: 'activation'; status: ActivationStatus; error?: string }
  | { type: 'save-again-requested' }
  | { type: 'saved-again'; event: DoneEvent }
  | { type: 'save-again-failed'; error: IpcError };

export const initialTrainingState: TrainingState = {
  status: 'idle',
  jobId: undefined,
  request: undefined,
  progress: undefined,
  lossCurve: [],
  epochs: [],
  result: undefined,
  error: undefined,
  activation: undefined,
  savingAgain: false,
};

export const isTrainingActive = (status: TrainingStatus): boolean =>
  status === 'starting' || status === 'running' || status === 'cancelling';

/** The job trained but its model could not be written; the backend keeps it for 'Save again'. */
export const canSaveAgain = (state: TrainingState): boolean =>
  state.status === 'failed' && state.error?.code === 'save-failed' && state.jobId !== undefined;

/**
 * Which job an event belongs to decides what it does: the followed job's events update
 * it; while a start is on its way its first event names the job; a job nobody here
 * started (the page was reloaded while it ran) is adopted on its first progress, so it
 * can still be watched and cancelled. Anything else is stale and ignored.
 */
function follows(state: TrainingState, jobId: string, adoptable: boolean): 'same' | 'adopt' | 'ignore' {
  if (state.jobId === jobId) return isTrainingActive(state.status) ? 'same' : 'ignore';
  if (state.status === 'starting' && state.jobId === undefined) return 'same';
  if (!isTrainingActive(state.status) && adoptable) return 'adopt';
  return 'ignore';
}

/** Every state change of a training job, as a pure function so it is tested without a backend. */
export function reduceTraining(state: TrainingState, action: TrainingAction): TrainingState {
  switch (action.type) {
    case 'start-requested':
      return { ...initialTrainingState, status: 'starting', request: action.request };
    case 'start-accepted':
      // Its first event may have named the job already (events and the reply race).
      if (state.jobId !== undefined || !isTrainingActive(state.status)) return state;
      return { ...state, jobId: action.jobId, status: state.status === 'starting' ? 'running' : state.status };
    case 'start-refused':
      return state.status === 'starting' ? { ...state, status: 'failed', error: action.error } : state;
    case 'progress': {
      const { event } = action;
      const relation = follows(state, event.jobId, true);
      if (relation === 'ignore') return state;
      const base =
        relation === 'adopt'
          ? { ...initialTrainingState, status: 'running' as const, jobId: event.jobId }
          : { ...state, jobId: event.jobId, status: state.status === 'starting' ? ('running' as const) : state.status };
      const lossCurve =
        event.loss === null ? base.lossCurve : appendLossPoint(base.lossCurve, { step: event.step, loss: event.loss });
      return { ...base, progress: event, lossCurve };
    }
    case 'epoch': {
      const { event } = action;
      if (follows(state, event.jobId, false) === 'ignore') return state;
      // One record per epoch: a repeated epoch replaces the earlier one.
      const epochs = [...state.epochs.filter((e) => e.epoch !== event.epoch), event].sort((a, b) => a.epoch - b.epoch);
      return { ...state, jobId: event.jobId, epochs };
    }
    case 'done': {
      const { event } = action;
      if (follows(state, event.jobId, false) === 'ignore') return state;
      return finished(state, event);
    }
    case 'save-again-requested':
      return canSaveAgain(state) && !state.savingAgain ? { ...state, savingAgain: true } : state;
    case 'saved-again':
      return canSaveAgain(state) && state.jobId === action.event.jobId ? finished(state, action.event) : state;
    case 'save-again-failed':
      return state.savingAgain ? { ...state, savingAgain: false, error: action.error } : state;
    case 'error': {
      const { event } = action;
      if (follows(state, event.jobId, false) === 'ignore') return state;
      const cancelled = event.error.code === 'cancelled';
      return {
        ...state,
        jobId: event.jobId,
        status: cancelled ? 'cancelled' : 'failed',
        error: cancelled ? undefined : event.error,
      };
    }
    case 'cancel-requested':
      return state.status === 'running' || state.status === 'starting' ? { ...state, status: 'cancelling' } : state;
    case 'cancel-refused':
      return state.status === 'cancelling' ? { ...state, status: 'running' } : state;
    case 'activation':
      return state.activation
        ? { ...state, activation: { ...state.activation, status: action.status, error: action.error } }
        : state;
  }
}

/** A job that ended with its model saved: by its 'training:done', or by a 'Save again' that worked. */
function finished(state: TrainingState, event: DoneEvent): TrainingState {
  return {
    ...state,
    jobId: event.jobId,
    status: 'done',
    result: event,
    // The trainer always reports a job's last step, but a page that picked the job up
    // late (reloaded mid-job) may not have seen it: a finished job reads complete.
    progress: state.progress && {
      ...state.progress,
      step: state.progress.totalSteps,
      epoch: state.progress.totalEpochs,
      etaSeconds: 0,
    },
    error: undefined,
    savingAgain: false,
    // A model that is already active (it cannot be yet, but the backend decides) needs no question.
    activation: event.model.active ? undefined : { model: event.model, status: 'asking' },
  };
}

type TrainingApi = Pick<TegakiApi, 'training'> & { models: Pick<TegakiApi['models'], 'setActive'> };

/**
 * The training job the app follows, outside React: it listens to the backend's events
 * for as long as the app runs, so a job keeps its progress and curves while the person
 * draws on another tab, and the screen shows it again when they come back.
 */
export class TrainingStore {
  private state: TrainingState = initialTrainingState;
  private readonly listeners = new Set<() => void>();
  private readonly doneListeners = new Set<(model: ModelSummary) => void>();
  private readonly unsubscribers: (() => void)[];

  constructor(private readonly api: TrainingApi) {
    this.unsubscribers = [
      api.training.onProgress((event) => this.dispatch({ type: 'progress', event })),
      api.training.onEpoch((event) => this.dispatch({ type: 'epoch', event })),
      api.training.onDone((event) => this.finish({ type: 'done', event })),
      api.training.onError((event) => this.dispatch({ type: 'error', event })),
    ];
  }

  getSnapshot = (): TrainingState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  /** Called with the saved model when the followed job finishes. */
  onDone(listener: (model: ModelSummary) => void): () => void {
    this.doneListeners.add(listener);
    return () => {
      this.doneListeners.delete(listener);
    };
  }

  async start(request: StartRequest): Promise<void> {
    if (isTrainingActive(this.state.status)) return;
    this.dispatch({ type: 'start-requested', request });
    const result = await this.api.training.start(request);
    if (result.ok) this.dispatch({ type: 'start-accepted', jobId: result.value.jobId });
    else this.dispatch({ type: 'start-refused', error: result.error });
  }

  /** Asks the engine to stop; the job ends with a 'cancelled' error event, which sets the status. */
  async cancel(): Promise<void> {
    const { status, jobId } = this.state;
    if (status !== 'running' && status !== 'starting') return;
    this.dispatch({ type: 'cancel-requested' });
    const result = await this.api.training.cancel(jobId);
    // Not cancelled: the job had just finished, and its done or error event is on its way.
    if (!result.ok || !result.value.cancelled) this.dispatch({ type: 'cancel-refused' });
  }

  /** Writes again the model whose save failed (the backend kept it); on success the job ends as if saved the first time. */
  async saveAgain(): Promise<void> {
    const { jobId } = this.state;
    if (!canSaveAgain(this.state) || this.state.savingAgain || jobId === undefined) return;
    this.dispatch({ type: 'save-again-requested' });
    const result = await this.api.training.saveAgain(jobId);
    if (result.ok) this.finish({ type: 'saved-again', event: result.value });
    else this.dispatch({ type: 'save-again-failed', error: result.error });
  }

  /** The person's answer to "use the new model for predictions?". */
  async answerActivation(makeActive: boolean): Promise<Result<unknown>> {
    const asked = this.state.activation;
    if (!asked || (asked.status !== 'asking' && asked.status !== 'failed')) return { ok: true, value: undefined };
    if (!makeActive) {
      this.dispatch({ type: 'activation', status: 'kept' });
      return { ok: true, value: undefined };
    }
    this.dispatch({ type: 'activation', status: 'activating' });
    const result = await this.api.models.setActive(asked.model.id);
    this.dispatch(
      result.ok
        ? { type: 'activation', status: 'activated' }
        : { type: 'activation', status: 'failed', error: result.error.message },
    );
    return result;
  }

  dispose(): void {
    for (const unsubscribe of this.unsubscribers) unsubscribe();
  }

  /** A job's model is saved: the state moves on, and the done listeners hear of it once. */
  private finish(action: Extract<TrainingAction, { type: 'done' | 'saved-again' }>): void {
    const before = this.state;
    this.dispatch(action);
    if (this.state !== before) for (const listener of [...this.doneListeners]) listener(action.event.model);
  }

  private dispatch(action: TrainingAction): void {
    const next = reduceTraining(this.state, action);
    if (next === this.state) return;
    this.state = next;
    for (const listener of [...this.listeners]) listener();
  }
}
