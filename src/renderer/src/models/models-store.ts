import type { ModelSummary, Result } from '../../../shared/ipc/contract';
import type { TegakiApi } from '../../../shared/ipc/api';
import type { ModelFormat } from '../../../shared/model-metadata';

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

  /**
   * The actions on a model. Each answers with the main process's Result and, when it
   * changed something, reloads the list (models:changed may arrive later over the bridge).
   */
  setActive(id: string): Promise<Result<ModelSummary>> {
    return this.reloadAfter(this.api.models.setActive(id));
  }

  rename(id: string, name: string): Promise<Result<ModelSummary>> {
    return this.reloadAfter(this.api.models.rename(id, name));
  }

  remove(id: string): Promise<Result<{ deleted: true }>> {
    return this.reloadAfter(this.api.models.delete(id));
  }

  /** Saves a copy of the model: its Tegaki file, or the model as ONNX. */
  exportModel(id: string, format: ModelFormat = 'tegaki'): Promise<Result<{ path: string | null }>> {
    return this.api.models.export(id, format);
  }

  /** A model file's bytes, Tegaki's or ONNX; a file that is not a usable model is refused and the list stays as it was. */
  importFile(file: { fileName: string; bytes: Uint8Array }): Promise<Result<{ model: ModelSummary | null }>> {
    return this.reloadAfter(this.api.models.import(file));
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

  private async reloadAfter<T>(action: Promise<Result<T>>): Promise<Result<T>> {
    const result = await action;
    if (result.ok) await this.refresh();
    return result;
  }

  private set(next: ModelsState): void {
    this.state = next;
    for (const listener of [...this.listeners]) listener();
  }
}
