import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { writeFileAtomicSync } from '../../digits/io/atomic-write';
import { decodeModelFile, saveModelFile } from '../../digits/io/model-file';
import { modelMetadataFor } from '../../digits/io/model-metadata';
import { loadModel } from '../../digits/io/saved-model';
import { Sequential } from '../../engine/model/sequential';
import type { TrainedModel } from '../../engine-process/protocol';
import { describeArchitecture } from '../../engine/training/architecture';
import type { EventOf, ModelSummary } from '../../shared/ipc/contract';
import { MAX_MODEL_NAME } from '../../shared/ipc/contract';
import type { Hyperparameters } from '../../shared/hyperparameters';
import type { ModelMetadata } from '../../shared/model-metadata';
import type { AppStore, ModelEntry, ModelIndex } from '../store/app-store';
import { DEFAULT_MODEL_ID } from '../store/app-store';
import { ServiceError } from './errors';

export const DEFAULT_MODEL_FILE = 'default-model.tgk';
const INPUT_SIZE = 784;
const CLASSES = 10;

export interface ModelStoreOptions {
  /** Models live in `<userDataDir>/models/`. */
  userDataDir: string;
  /** Holds the shipped default-model.tgk (read-only). */
  resourcesDir: string;
  store: AppStore;
  /** Something the user must see: e.g. their model was unreadable and the default took over. */
  notify?: (notice: EventOf<'notice'>) => void;
}

interface LoadedModel {
  summary: ModelSummary;
  model: Sequential;
  path: string;
}

/**
 * The user's models: files in the user-data folder (written atomically by the model
 * file module) and an index in the app store. The built-in default lives in resources/,
 * is always listed and can be neither renamed nor deleted. Every change either
 * completes or leaves files and index as they were.
 */
export class ModelStore {
  readonly modelsDir: string;
  readonly defaultModelPath: string;
  private readonly listeners = new Set<() => void>();
  private loaded: LoadedModel | undefined;
  private defaultInfo: Promise<ModelSummary> | undefined;

  constructor(private readonly options: ModelStoreOptions) {
    this.modelsDir = join(options.userDataDir, 'models');
    this.defaultModelPath = join(options.resourcesDir, DEFAULT_MODEL_FILE);
  }

  /** Called after every change to the list or the active model. */
  onChanged(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The default first, then the user's models, newest first. */
  async list(): Promise<ModelSummary[]> {
    const index = this.index();
    const user = [...index.models].sort((a, b) => b.createdAt.localeCompare(a.createdAt)).map((e) => summarize(e, index.activeId));
    const builtIn = await this.defaultSummary().catch(() => undefined);
    return builtIn ? [{ ...builtIn, active: index.activeId === DEFAULT_MODEL_ID }, ...user] : user;
  }

  async summary(id: string): Promise<ModelSummary> {
    const found = (await this.list()).find((m) => m.id === id);
    if (!found) throw new ServiceError('not-found', `there is no model "${id}"`);
    return found;
  }

  /** The model file of `id`. */
  pathOf(id: string): string {
    if (id === DEFAULT_MODEL_ID) return this.defaultModelPath;
    return join(this.modelsDir, this.entry(id).fileName);
  }

  /** Saves a freshly trained model and lists it; it does not become active by itself. */
  async addTrained(trained: TrainedModel, name?: string): Promise<ModelSummary> {
    const createdAt = new Date().toISOString();
    const entry: ModelEntry = {
      id: newModelId(),
      name: name ?? `${describeArchitecture(trained.spec)}, ${(trained.test.accuracy * 100).toFixed(2)}%`,
      fileName: '',
      createdAt,
      source: 'trained',
      architecture: describeArchitecture(trained.spec),
      hyperparameters: trained.hyperparameters,
      metrics: { testAccuracy: trained.test.accuracy, testLoss: trained.test.loss },
    };
    entry.fileName = `${entry.id}.tgk`;
    const metadata = modelMetadataFor(trained, { name: entry.name, personal: trained.personal, createdAt: new Date(createdAt) });
    const path = join(this.modelsDir, entry.fileName);
    await mkdir(this.modelsDir, { recursive: true });
    await saveModelFile(path, { spec: trained.spec, metadata, tensors: trained.tensors });
    await this.commit(path, (index) => ({ ...index, models: [...index.models, entry] }));
    return summarize(entry, this.index().activeId);
  }

  async rename(id: string, name: string): Promise<ModelSummary> {
    this.assertWritable(id, 'renamed');
    this.entry(id);
    this.update((index) => ({ ...index, models: index.models.map((e) => (e.id === id ? { ...e, name } : e)) }));
    return this.summary(id);
  }

  /** Removes a model and its file; if it was active, the default takes over. */
  async delete(id: string): Promise<void> {
    this.assertWritable(id, 'deleted');
    const path = this.pathOf(id);
    this.update((index) => ({
      models: index.models.filter((e) => e.id !== id),
      activeId: index.activeId === id ? DEFAULT_MODEL_ID : index.activeId,
    }));
    if (this.loaded?.summary.id === id) this.loaded = undefined;
    await rm(path, { force: true });
  }

  /** Makes `id` the model that classifies drawings; refused if its file cannot be read. */
  async setActive(id: string): Promise<ModelSummary> {
    const path = this.pathOf(id);
    const model = await this.read(path);
    this.update((index) => ({ ...index, activeId: id }));
    const summary = await this.summary(id);
    this.loaded = { summary, model, path };
    return summary;
  }

  /** The active model, loaded. An unreadable user model hands over to the default, with a notice. */
  async active(): Promise<LoadedModel> {
    const index = this.index();
    const id = index.models.some((e) => e.id === index.activeId) ? index.activeId : DEFAULT_MODEL_ID;
    if (this.loaded?.summary.id === id) return { ...this.loaded, summary: await this.summary(id) };
    if (id !== DEFAULT_MODEL_ID) {
      const path = this.pathOf(id);
      try {
        const model = await this.read(path);
        this.loaded = { summary: await this.summary(id), model, path };
        return this.loaded;
      } catch (error) {
        const name = this.entry(id).name;
        this.update((current) => ({ ...current, activeId: DEFAULT_MODEL_ID }));
        this.options.notify?.({
          level: 'warning',
          message: `The model "${name}" could not be read (${reasonOf(error)}). Tegaki switched to the built-in default model; the file was left as it is.`,
        });
      }
    }
    let model: Sequential;
    try {
      model = await this.read(this.defaultModelPath);
    } catch (error) {
      throw new ServiceError('not-found', `the built-in default model could not be read (${reasonOf(error)})`);
    }
    this.loaded = { summary: await this.summary(DEFAULT_MODEL_ID), model, path: this.defaultModelPath };
    return this.loaded;
  }

  /** Writes a copy of the model file to `destination` (atomically). */
  async exportTo(id: string, destination: string): Promise<string> {
    const bytes = await readFile(this.pathOf(id));
    await mkdir(dirname(destination), { recursive: true });
    writeFileAtomicSync(destination, bytes);
    return destination;
  }

  async importFile(path: string): Promise<ModelSummary> {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(path);
    } catch (error) {
      throw new ServiceError('invalid-model', `${basename(path)} could not be read: ${reasonOf(error)}`);
    }
    return this.importBytes(bytes, basename(path));
  }

  /**
   * Adds a model file after checking it completely: format, checksum, shapes, and that it
   * classifies 28x28 images into 10 digits. A bad file is refused with the reason, and
   * neither the folder nor the index changes.
   */
  async importBytes(bytes: Uint8Array, fileName = 'imported.tgk'): Promise<ModelSummary> {
    let decoded: ReturnType<typeof decodeModelFile>;
    let model: Sequential;
    try {
      decoded = decodeModelFile(bytes);
      model = Sequential.fromWeights(decoded.spec, decoded.tensors);
    } catch (error) {
      throw new ServiceError('invalid-model', `${fileName} is not a usable Tegaki model: ${reasonOf(error)}`);
    }
    if (decoded.spec.inputSize !== INPUT_SIZE || model.classes !== CLASSES) {
      throw new ServiceError(
        'invalid-model',
        `${fileName} takes ${decoded.spec.inputSize} inputs and gives ${model.classes} classes; Tegaki needs ${INPUT_SIZE} and ${CLASSES}`,
      );
    }
    const { metadata } = decoded;
    const id = newModelId();
    const entry: ModelEntry = {
      id,
      name: metadata.name?.trim().slice(0, MAX_MODEL_NAME) || basename(fileName, extname(fileName)),
      fileName: `${id}.tgk`,
      createdAt: new Date().toISOString(),
      source: 'imported',
      architecture: describeArchitecture(decoded.spec),
      hyperparameters: metadata.hyperparameters,
      metrics: summaryMetrics(metadata),
    };
    const path = join(this.modelsDir, entry.fileName);
    await mkdir(this.modelsDir, { recursive: true });
    writeFileAtomicSync(path, bytes);
    await this.commit(path, (index) => ({ ...index, models: [...index.models, entry] }));
    return summarize(entry, this.index().activeId);
  }

  private index(): ModelIndex {
    return this.options.store.get('modelIndex');
  }

  private entry(id: string): ModelEntry {
    const found = this.index().models.find((e) => e.id === id);
    if (!found) throw new ServiceError('not-found', `there is no model "${id}"`);
    return found;
  }

  private assertWritable(id: string, what: string): void {
    if (id === DEFAULT_MODEL_ID) throw new ServiceError('read-only', `the built-in default model cannot be ${what}`);
  }

  private update(change: (index: ModelIndex) => ModelIndex): void {
    this.options.store.set('modelIndex', change(this.index()));
    for (const listener of this.listeners) listener();
  }

  /** Indexes a file just written; if the index cannot be written, the file goes again. */
  private async commit(path: string, change: (index: ModelIndex) => ModelIndex): Promise<void> {
    try {
      this.update(change);
    } catch (error) {
      await rm(path, { force: true });
      throw error;
    }
  }

  private async read(path: string): Promise<Sequential> {
    try {
      return (await loadModel(path)).model;
    } catch (error) {
      throw new ServiceError('invalid-model', reasonOf(error));
    }
  }

  private defaultSummary(): Promise<ModelSummary> {
    this.defaultInfo ??= readFile(this.defaultModelPath).then((bytes) => {
      const decoded = decodeModelFile(bytes);
      const { metadata } = decoded;
      return {
        id: DEFAULT_MODEL_ID,
        name: 'Built-in model',
        createdAt: metadata.createdAt ?? '1970-01-01T00:00:00.000Z',
        source: 'default' as const,
        active: false,
        architecture: describeArchitecture(decoded.spec),
        hyperparameters: metadata.hyperparameters,
        metrics: summaryMetrics(metadata),
      };
    });
    this.defaultInfo.catch(() => (this.defaultInfo = undefined));
    return this.defaultInfo;
  }
}

/** What lists show of a file's metrics: accuracy and loss on MNIST's test set. */
function summaryMetrics(metadata: ModelMetadata): ModelSummary['metrics'] {
  return metadata.metrics && { testAccuracy: metadata.metrics.testAccuracy, testLoss: metadata.metrics.testLoss };
}

function summarize(entry: ModelEntry, activeId: string): ModelSummary {
  return {
    id: entry.id,
    name: entry.name,
    createdAt: entry.createdAt,
    source: entry.source,
    active: entry.id === activeId,
    architecture: entry.architecture,
    hyperparameters: entry.hyperparameters as Hyperparameters | undefined,
    metrics: entry.metrics,
  };
}

function newModelId(): string {
  return `m-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

function reasonOf(error: unknown): string {
  if ((error as NodeJS.ErrnoException)?.code === 'ENOENT') return 'the file is missing';
  return error instanceof Error ? error.message : String(error);
}
