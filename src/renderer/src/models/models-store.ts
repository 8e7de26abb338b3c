import type { ModelSummary } from '../../../shared/ipc/contract';
import type { TegakiApi } from '../../../shared/ipc/api';

export interface ModelsState {
  models: readonly ModelSummary[];
  loaded: boolean;
  error: string | undefined;
}

/** The model list as the main process last announced it (models:changed). */
export class ModelsStore {
  private state: ModelsState = { models: [], loaded: false, error: undefined };
  private readonly listeners = new Set<() => void>();
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly api: Pick<TegakiApi, 'models'>) {}

  /** Loads the list and follows changes; idempotent. */
  start(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.api.models.onChanged(({ models }) => this.set({ models, loaded: true, error: undefined }));
    void this.refresh();
  }

  async refresh(): Promise<void> {
    const result = await this.api.models.list();
    if (result.ok) this.set({ models: result.value, loaded: true, error: undefined });
    else this.set({ ...this.state, loaded: true, error: result.error.message });
  }

  active(): ModelSummary | undefined {
    return this.state.models.find((m) => m.active);
  }

  getSnapshot = (): ModelsState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  private set(next: ModelsState): void {
    this.state = next;
    for (const listener of [...this.listeners]) listener();
  }
}
