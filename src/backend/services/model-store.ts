import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { sweepTempFilesSync, writeFileAtomicSync } from '../../digits/io/atomic-write';
import { decodeModelFile, encodeModelFile, modelDigest, readModelFileBytes, saveModelFile } from '../../digits/io/model-file';
import { SNAPSHOT_FILE_EXTENSION, saveSnapshotFile } from '../../digits/io/snapshot-file';
import type { ModelFileContent } from '../../digits/io/model-file';
import { modelToOnnx } from '../../digits/io/onnx/export-onnx';
import { modelMetadataFor } from '../../digits/io/model-metadata';
import { digitModelProblem } from '../../digits/io/saved-model';
import type { ModelTrial } from '../../digits/io/saved-model';
import type { TrainedModel } from '../../engine-process/protocol';
import type { NamedTensor } from '../../engine/model/sequential';
import { describeArchitecture } from '../../engine/training/architecture';
import type { ModelSummary } from '../../shared/ipc/contract';
import { MAX_MODEL_NAME, modelIdSchema } from '../../shared/ipc/contract';
import type { Hyperparameters } from '../../shared/hyperparameters';
import type { ModelFormat, ModelMetadata } from '../../shared/model-metadata';
import type { AppStore, ModelEntry, ModelIndex } from '../store/app-store';
import { DEFAULT_MODEL_ID } from '../store/app-store';
import { ServiceError } from './errors';
import { EVALUATION_FILE_EXTENSION } from './evaluation-file';

export const DEFAULT_MODEL_FILE = 'default-model.tgk';

export interface ModelStoreOptions {
  /** Models live in `<userDataDir>/models/`. */
  userDataDir: string;
  /** Holds the shipped default-model.tgk (read-only). */
  resourcesDir: string;
  store: AppStore;
  log?: (line: string) => void;
  /**
   * Decodes a model file's bytes and runs it once (tryModelBytes) where a hostile file
   * cannot take the app down: in the app, the engine process (EngineHost.tryModel).
   * `source` is the file's name, which an ONNX model without one of its own is named after.
   */
  tryModel: (bytes: Uint8Array, source?: string) => Promise<ModelTrial>;
}

/**
 * The user's models: files in the user-data folder (written atomically) and an index in
 * the app store, including which model is active. The built-in default lives in
 * resources/, is always listed and can be neither renamed nor deleted. Every change
 * either completes or leaves files and index as they were. Loading the active model's
 * weights for predictions is ActiveModel's job (active-model.ts), not this store's.
 */
export class ModelStore {
  readonly modelsDir: string;
  readonly defaultModelPath: string;
  private readonly listeners = new Set<() => void>();
  private defaultInfo: Promise<ModelSummary> | undefined;
  private readonly log: (line: string) => void;

  constructor(private readonly options: ModelStoreOptions) {
    this.modelsDir = join(options.userDataDir, 'models');
    this.defaultModelPath = join(options.resourcesDir, DEFAULT_MODEL_FILE);
    this.log = options.log ?? (() => undefined);
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
    const withTimelines = await Promise.all(user.map(async (m) => ({ ...m, ...(await this.timelineBytes(m.id)) })));
    return builtIn ? [{ ...builtIn, active: index.activeId === DEFAULT_MODEL_ID }, ...withTimelines] : withTimelines;
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

  /**
   * Where the model `id`'s evaluation on the test set is kept (evaluation-file.ts), in
   * the models folder for the built-in model too, whose own folder may be read-only.
   */
  evaluationPathOf(id: string): string {
    return join(this.modelsDir, `${id}${EVALUATION_FILE_EXTENSION}`);
  }

  /**
   * Where the model `id`'s training timeline is kept (digits/io/snapshot-file.ts): a
   * sidecar beside its file, so the model file itself stays one set of weights.
   */
  snapshotsPathOf(id: string): string {
    return join(this.modelsDir, `${id}${SNAPSHOT_FILE_EXTENSION}`);
  }

  /** Deletes the model's training timeline, keeping the model; false when it had none. */
  async deleteSnapshots(id: string): Promise<boolean> {
    this.assertWritable(id, 'changed');
    this.entry(id);
    const had = (await this.timelineBytes(id)).timelineBytes !== undefined;
    await rm(this.snapshotsPathOf(id), { force: true });
    if (had) this.update((index) => index);
    return had;
  }

  /** The id the index names as active, or the default's when that model is gone. */
  activeId(): string {
    const index = this.index();
    return index.models.some((e) => e.id === index.activeId) ? index.activeId : DEFAULT_MODEL_ID;
  }

  /** Records `id` as the active model; ActiveModel checks that its file loads first. */
  markActive(id: string): void {
    if (id !== DEFAULT_MODEL_ID) this.entry(id);
    this.update((index) => ({ ...index, activeId: id }));
  }

  /** The model file of `id`, decoded and checked (its metadata by the schema); invalid-model if it cannot be read. */
  async read(id: string): Promise<ModelFileContent> {
    const path = this.pathOf(id);
    try {
      return decodeModelFile(new Uint8Array(await readFile(path)), basename(path));
    } catch (error) {
      throw new ServiceError('invalid-model', `the model file could not be read: ${reasonOf(error)}`);
    }
  }

  /** Saves a freshly trained model and lists it; it does not become active by itself. */
  async addTrained(trained: TrainedModel, name?: string): Promise<ModelSummary> {
    const architecture = describeArchitecture(trained.spec);
    const entry: ModelEntry = {
      id: newModelId(),
      name: name ?? `${architecture}, ${(trained.test.accuracy * 100).toFixed(2)}%`,
      fileName: '',
      createdAt: new Date().toISOString(),
      source: 'trained',
      architecture,
      hyperparameters: trained.hyperparameters,
      metrics: { testAccuracy: trained.test.accuracy, testLoss: trained.test.loss },
    };
    entry.fileName = `${entry.id}.tgk`;
    const metadata = modelMetadataFor(trained, { name: entry.name, personal: trained.personal, createdAt: new Date(entry.createdAt) });
    const path = join(this.modelsDir, entry.fileName);
    await mkdir(this.modelsDir, { recursive: true, mode: 0o700 });
    const bytes = encodeModelFile({ spec: trained.spec, metadata, tensors: trained.tensors });
    // Before the model is listed, so a listener of 'models:changed' finds its timeline.
    if (trained.snapshots?.length) this.saveTimeline(entry.id, modelDigest(bytes), trained.snapshots);
    try {
      writeFileAtomicSync(path, bytes);
      await this.commit(path, (index) => ({ ...index, models: [...index.models, entry] }));
    } catch (error) {
      await rm(this.snapshotsPathOf(entry.id), { force: true });
      throw error;
    }
    return { ...summarize(entry, this.index().activeId), ...(await this.timelineBytes(entry.id)) };
  }

  /** A timeline is a bonus: one that cannot be written is said in the log, and the model is saved without it. */
  private saveTimeline(id: string, digest: string, snapshots: NonNullable<TrainedModel['snapshots']>): void {
    try {
      saveSnapshotFile(this.snapshotsPathOf(id), { modelDigest: digest, snapshots });
    } catch (error) {
      this.log(`[models] the training snapshots of ${id} were not saved: ${reasonOf(error)}`);
    }
  }

  /** What the model's timeline file takes on disk, when it has one. */
  private async timelineBytes(id: string): Promise<{ timelineBytes?: number }> {
    if (id === DEFAULT_MODEL_ID) return {};
    return stat(this.snapshotsPathOf(id)).then(
      ({ size }) => ({ timelineBytes: size }),
      () => ({}),
    );
  }

  /**
   * Saves model `sourceId` with other weights (a "break it" experiment's, same spec) as a new
   * model named `name`. It keeps what still holds of the file (hyperparameters, the
   * person's drawings' part, the temperature) and drops what the weights no longer earn
   * (metrics, training history, the "not a digit" threshold).
   */
  async addEdited(sourceId: string, tensors: NamedTensor[], name: string): Promise<ModelSummary> {
    const { spec, metadata } = await this.read(sourceId);
    const entry: ModelEntry = {
      id: newModelId(),
      name,
      fileName: '',
      createdAt: new Date().toISOString(),
      source: 'trained',
      architecture: describeArchitecture(spec),
      hyperparameters: metadata.hyperparameters,
    };
    entry.fileName = `${entry.id}.tgk`;
    const { hyperparameters, personal, calibration } = metadata;
    const path = join(this.modelsDir, entry.fileName);
    await mkdir(this.modelsDir, { recursive: true, mode: 0o700 });
    await saveModelFile(path, { spec, metadata: { name, createdAt: entry.createdAt, hyperparameters, personal, calibration }, tensors });
    await this.commit(path, (index) => ({ ...index, models: [...index.models, entry] }));
    return summarize(entry, this.index().activeId);
  }

  async rename(id: string, name: string): Promise<ModelSummary> {
    this.assertWritable(id, 'renamed');
    this.entry(id);
    this.update((index) => ({ ...index, models: index.models.map((e) => (e.id === id ? { ...e, name } : e)) }));
    return this.summary(id);
  }

  /** Removes a model, its file, its saved evaluation and its timeline; if it was active, the default takes over. */
  async delete(id: string): Promise<void> {
    this.assertWritable(id, 'deleted');
    const path = this.pathOf(id);
    this.update((index) => ({
      models: index.models.filter((e) => e.id !== id),
      activeId: index.activeId === id ? DEFAULT_MODEL_ID : index.activeId,
    }));
    await rm(path, { force: true });
    await rm(this.evaluationPathOf(id), { force: true });
    await rm(this.snapshotsPathOf(id), { force: true });
  }

  /** Writes a copy of the model file to `destination` (atomically): the file itself, or the model as ONNX. */
  async exportTo(id: string, destination: string, format: ModelFormat = 'tegaki'): Promise<string> {
    const bytes = format === 'onnx' ? modelToOnnx(await this.read(id)) : await readFile(this.pathOf(id));
    await mkdir(dirname(destination), { recursive: true });
    writeFileAtomicSync(destination, bytes);
    return destination;
  }

  async importFile(path: string): Promise<ModelSummary> {
    let bytes: Uint8Array;
    try {
      bytes = await readModelFileBytes(path);
    } catch (error) {
      throw new ServiceError('invalid-model', `${basename(path)} could not be read: ${reasonOf(error)}`);
    }
    return this.importBytes(bytes, basename(path));
  }

  /**
   * Adds a model file, Tegaki's or ONNX, after checking it completely: format, checksum,
   * limits, shapes, one forward pass, and that it classifies 28x28 images into 10 digits.
   * A bad file is refused with the reason, and neither the folder nor the index changes.
   */
  async importBytes(bytes: Uint8Array, fileName = 'imported.tgk'): Promise<ModelSummary> {
    const trial = await this.tryFile(bytes, fileName);
    const id = newModelId();
    const entry = importedEntry(trial, fileName, id, `${id}.tgk`);
    const path = join(this.modelsDir, entry.fileName);
    await mkdir(this.modelsDir, { recursive: true, mode: 0o700 });
    // An ONNX file is stored as the Tegaki file it was converted to (tryModelBytes).
    writeFileAtomicSync(path, trial.modelFile ?? bytes);
    await this.commit(path, (index) => ({ ...index, models: [...index.models, entry] }));
    return summarize(entry, this.index().activeId);
  }

  /**
   * Brings the index and the models folder back into agreement at start-up, after a crash
   * or a hand-edited folder: temp files of interrupted saves are removed; a model file the
   * index does not list (a crash between its rename and the index write) comes back as an
   * imported model; a listed model whose file is gone is dropped. An orphan that is not a
   * usable model is renamed `<file>.unreadable` so it is reported once; a saved evaluation
   * of no listed model is removed. Returns what the person should be told.
   */
  async reconcile(): Promise<string[]> {
    const notices: string[] = [];
    const swept = sweepTempFilesSync(this.modelsDir);
    if (swept.length > 0) this.log(`[models] removed ${swept.length} temp file(s) of interrupted saves: ${swept.join(', ')}`);
    let files: string[];
    try {
      files = await readdir(this.modelsDir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      files = [];
    }
    const index = this.index();
    const listed = new Set(index.models.map((e) => e.fileName));
    const missing = index.models.filter((e) => !files.includes(e.fileName));
    const recovered: ModelEntry[] = [];
    for (const file of files.filter((f) => extname(f) === '.tgk' && !listed.has(f))) {
      const stem = basename(file, '.tgk');
      const keepsName = modelIdSchema.safeParse(stem).success && !index.models.some((e) => e.id === stem);
      const id = keepsName ? stem : newModelId();
      try {
        const entry = importedEntry(await this.tryFile(await readModelFileBytes(join(this.modelsDir, file)), file), file, id, `${id}.tgk`);
        if (!keepsName) await rename(join(this.modelsDir, file), join(this.modelsDir, entry.fileName));
        recovered.push(entry);
      } catch (error) {
        await rename(join(this.modelsDir, file), join(this.modelsDir, `${file}.unreadable`)).catch(() => undefined);
        notices.push(`${file} in the models folder is not a usable model (${reasonOf(error)}); it was renamed ${file}.unreadable.`);
      }
    }
    const gone = new Set(missing.map((e) => e.id));
    const kept = new Set([DEFAULT_MODEL_ID, ...index.models.filter((e) => !gone.has(e.id)).map((e) => e.id), ...recovered.map((e) => e.id)]);
    // Saved evaluations of models no longer listed (gone by hand, or a crash mid-delete) are only copies.
    for (const extension of [EVALUATION_FILE_EXTENSION, SNAPSHOT_FILE_EXTENSION]) {
      for (const file of files.filter((f) => extname(f) === extension && !kept.has(basename(f, extension)))) {
        await rm(join(this.modelsDir, file), { force: true });
      }
    }
    if (missing.length === 0 && recovered.length === 0) return notices;
    this.update((current) => ({
      models: [...current.models.filter((e) => !gone.has(e.id)), ...recovered],
      activeId: gone.has(current.activeId) ? DEFAULT_MODEL_ID : current.activeId,
    }));
    for (const entry of missing) notices.push(`The model "${entry.name}" was removed from the list: its file ${entry.fileName} is missing.`);
    if (recovered.length > 0) {
      const names = recovered.map((e) => `"${e.name}"`).join(', ');
      notices.push(`Found ${recovered.length} model file(s) missing from the list (an interrupted save); listed again as imported: ${names}.`);
    }
    return notices;
  }

  /**
   * A model file from outside, decoded and run once by options.tryModel (the engine
   * process), not here: a model that could still misbehave costs that process, which
   * restarts for the next job. Any failure is invalid-model with its reason.
   */
  private async tryFile(bytes: Uint8Array, fileName: string): Promise<ModelTrial> {
    try {
      return await this.options.tryModel(bytes, fileName);
    } catch (error) {
      if ((error as { code?: unknown }).code === 'engine-crashed') {
        throw new ServiceError(
          'invalid-model',
          `${fileName} was refused: the engine process stopped while trying it (${reasonOf(error)}). Nothing was added.`,
        );
      }
      // The decoder names the file too; once is enough.
      const reason = reasonOf(error);
      const detail = reason.startsWith(`${fileName}: `) ? reason.slice(fileName.length + 2) : reason;
      throw new ServiceError('invalid-model', `${fileName} is not a usable Tegaki model: ${detail}`);
    }
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

  private defaultSummary(): Promise<ModelSummary> {
    this.defaultInfo ??= readFile(this.defaultModelPath).then((bytes) => {
      const { spec, metadata } = decodeModelFile(bytes);
      return {
        id: DEFAULT_MODEL_ID,
        name: 'Built-in model',
        createdAt: metadata.createdAt ?? '1970-01-01T00:00:00.000Z',
        source: 'default' as const,
        active: false,
        architecture: describeArchitecture(spec),
        hyperparameters: metadata.hyperparameters,
        metrics: summaryMetrics(metadata),
        importedFrom: metadata.importedFrom,
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

/** The index entry of a model file that was tried (ModelStore.tryFile); invalid-model if it does not read 28x28 images into 10 digits. */
function importedEntry(decoded: ModelTrial, fileName: string, id: string, storedName: string): ModelEntry {
  const problem = digitModelProblem(decoded);
  if (problem) throw new ServiceError('invalid-model', `${fileName} ${problem}`);
  const { metadata } = decoded;
  return {
    id,
    name: metadata.name?.trim().slice(0, MAX_MODEL_NAME) || basename(fileName, extname(fileName)),
    fileName: storedName,
    createdAt: new Date().toISOString(),
    source: 'imported',
    architecture: describeArchitecture(decoded.spec),
    hyperparameters: metadata.hyperparameters,
    metrics: summaryMetrics(metadata),
    importedFrom: metadata.importedFrom,
  };
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
    importedFrom: entry.importedFrom,
  };
}

function newModelId(): string {
  return `m-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

export function reasonOf(error: unknown): string {
  if ((error as NodeJS.ErrnoException)?.code === 'ENOENT') return 'the file is missing';
  return error instanceof Error ? error.message : String(error);
}
