import { loadModel } from '../../digits/io/saved-model';
import type { Sequential } from '../../engine/model/sequential';
import type { EventOf, ModelSummary } from '../../shared/ipc/contract';
import type { ModelRejection } from '../../shared/model-metadata';
import { DEFAULT_MODEL_ID } from '../store/app-store';
import { ServiceError } from './errors';
import type { ModelStore } from './model-store';
import { reasonOf } from './model-store';

export interface LoadedModel {
  summary: ModelSummary;
  model: Sequential;
  /** When it says "not a digit" (digits/rejection.ts); absent: it never does. */
  rejection?: ModelRejection;
  path: string;
}

/**
 * The active model, loaded once and kept for inference: every prediction and
 * explanation runs on it here, in the backend, since one forward pass takes far less
 * than a frame. Which model is active is the model store's to keep; this only caches
 * its weights, and drops them when the store's active model changes.
 */
export class ActiveModel {
  private loaded: LoadedModel | undefined;

  constructor(
    private readonly models: ModelStore,
    /** Something the user must see: their model was unreadable and the default took over. */
    private readonly notify?: (notice: EventOf<'notice'>) => void,
  ) {
    models.onChanged(() => {
      if (this.loaded && this.loaded.summary.id !== models.activeId()) this.loaded = undefined;
    });
  }

  /** Makes `id` the model that classifies drawings; refused if its file cannot be read. */
  async set(id: string): Promise<ModelSummary> {
    const path = this.models.pathOf(id);
    const { model, rejection } = await read(path);
    this.models.markActive(id);
    const summary = await this.models.summary(id);
    this.loaded = { summary, model, rejection, path };
    return summary;
  }

  /** The active model, loaded. An unreadable user model hands over to the default, with a notice. */
  async get(): Promise<LoadedModel> {
    const id = this.models.activeId();
    if (this.loaded?.summary.id === id) return { ...this.loaded, summary: await this.models.summary(id) };
    if (id !== DEFAULT_MODEL_ID) {
      const path = this.models.pathOf(id);
      try {
        const { model, rejection } = await read(path);
        this.loaded = { summary: await this.models.summary(id), model, rejection, path };
        return this.loaded;
      } catch (error) {
        const { name } = await this.models.summary(id);
        this.models.markActive(DEFAULT_MODEL_ID);
        this.notify?.({
          level: 'warning',
          message: `The model "${name}" could not be read (${reasonOf(error)}). Tegaki switched to the built-in default model; the file was left as it is.`,
        });
      }
    }
    const path = this.models.defaultModelPath;
    let fromFile: Awaited<ReturnType<typeof read>>;
    try {
      fromFile = await read(path);
    } catch (error) {
      throw new ServiceError('not-found', `the built-in default model could not be read (${reasonOf(error)})`);
    }
    this.loaded = { summary: await this.models.summary(DEFAULT_MODEL_ID), ...fromFile, path };
    return this.loaded;
  }
}

async function read(path: string): Promise<{ model: Sequential; rejection?: ModelRejection }> {
  try {
    const { model, metadata } = await loadModel(path);
    return { model, rejection: metadata.rejection };
  } catch (error) {
    throw new ServiceError('invalid-model', reasonOf(error));
  }
}
