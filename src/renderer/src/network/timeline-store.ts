import type { IpcError, ModelSummary, ResponseOf, Result } from '../../../shared/ipc/contract';
import type { SnapshotPoint } from '../../../shared/timeline';
import type { SnapshotChoice } from './network-store';

export interface TimelineApi {
  list(id: string): Promise<Result<ResponseOf<'timeline:list'>>>;
  delete(id: string): Promise<Result<ResponseOf<'timeline:delete'>>>;
}

export interface TimelineState {
  /** The model whose timeline this is: the active one. */
  modelId: string | undefined;
  /** Its snapshots in order; empty when it kept none. */
  snapshots: readonly SnapshotPoint[];
  bytes: number;
  /**
   * The snapshot looked through; undefined: the model as saved, which the slider shows at
   * its last position (the last snapshot is the final weights, before the temperature).
   */
  index: number | undefined;
  loading: boolean;
  error: IpcError | undefined;
}

const EMPTY: TimelineState = { modelId: undefined, snapshots: [], bytes: 0, index: undefined, loading: false, error: undefined };

/**
 * The training timeline on the Network screen: the active model's snapshots, and which one
 * the screen looks through (the Network store asks the engine for that snapshot's layers,
 * filters and prediction). It follows the active model: another model, or the same one's
 * timeline deleted, starts again at the model as saved.
 */
export class TimelineStore {
  private state: TimelineState = EMPTY;
  private readonly listeners = new Set<() => void>();
  /** Counts list requests, so an answer for a model no longer active is dropped. */
  private asked = 0;
  private followed: string | undefined;

  constructor(
    private readonly api: TimelineApi,
    private readonly network: { setSnapshot(snapshot: SnapshotChoice | undefined): void },
    private readonly models: { getSnapshot(): { models: readonly ModelSummary[] }; subscribe(listener: () => void): () => void },
  ) {}

  /** Follows the active model and its timeline; returns the stop function. */
  start(): () => void {
    const follow = (): void => {
      const active = this.models.getSnapshot().models.find((m) => m.active);
      const key = active ? `${active.id}:${active.timelineBytes ?? 0}` : undefined;
      if (key === this.followed) return;
      this.followed = key;
      void this.load(active?.id);
    };
    const stop = this.models.subscribe(follow);
    follow();
    return () => {
      stop();
      this.followed = undefined;
    };
  }

  getSnapshot = (): TimelineState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  /** Looks through snapshot `index`; the last one is the model as saved. */
  select(index: number): void {
    const { modelId, snapshots } = this.state;
    if (modelId === undefined || snapshots.length === 0) return;
    const clamped = Math.max(0, Math.min(snapshots.length - 1, Math.round(index)));
    const chosen = clamped === snapshots.length - 1 ? undefined : clamped;
    this.set({ ...this.state, index: chosen });
    this.network.setSnapshot(chosen === undefined ? undefined : { modelId, index: chosen });
  }

  /** Deletes the model's timeline (the model stays) and goes back to the model as saved. */
  async deleteTimeline(): Promise<void> {
    const { modelId } = this.state;
    if (modelId === undefined) return;
    this.network.setSnapshot(undefined);
    this.set({ ...this.state, index: undefined, loading: true });
    const result = await this.api.delete(modelId);
    if (!result.ok) {
      this.set({ ...this.state, loading: false, error: result.error });
      return;
    }
    await this.load(modelId);
  }

  private async load(modelId: string | undefined): Promise<void> {
    const request = ++this.asked;
    this.network.setSnapshot(undefined);
    // The same model's list again (the screen shown anew) keeps the one it had until the answer.
    const kept = modelId === this.state.modelId ? { snapshots: this.state.snapshots, bytes: this.state.bytes } : {};
    this.set({ ...EMPTY, ...kept, modelId, loading: modelId !== undefined });
    if (modelId === undefined) return;
    const result = await this.api.list(modelId);
    if (request !== this.asked) return;
    this.set(
      result.ok
        ? { ...EMPTY, modelId, snapshots: result.value.snapshots, bytes: result.value.bytes }
        : { ...EMPTY, modelId, error: result.error },
    );
  }

  private set(next: TimelineState): void {
    this.state = next;
    for (const listener of [...this.listeners]) listener();
  }
}
