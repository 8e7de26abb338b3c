import { z } from 'zod';
import { modelIdSchema, modelMetricsSchema } from '../../shared/ipc/contract';
import { importedFromSchema } from '../../shared/model-metadata';
import type { KeyValueStore } from './key-value';

/**
 * The app's one typed store (after caprine's config.ts): a zod schema for every key,
 * numbered migrations run on open, used from the main process only. It sits on a
 * KeyValueStore (a JSON file in the user-data folder, json-file-store.ts). It recovers
 * instead of resetting: what fails its schema is set aside in a file beside the store,
 * one model entry at a time, and the rest is kept.
 */

export const DEFAULT_MODEL_ID = 'default';

export const modelEntrySchema = z.object({
  id: modelIdSchema,
  name: z.string(),
  /** File name inside `<userData>/models/`. */
  fileName: z.string().regex(/^[a-z0-9-]+\.tgk$/),
  createdAt: z.string(),
  source: z.enum(['trained', 'imported']),
  architecture: z.string(),
  /** Kept loose: an index must stay readable if the hyperparameter schema grows. */
  hyperparameters: z.record(z.string(), z.unknown()).optional(),
  metrics: modelMetricsSchema.optional(),
  /** A model trained elsewhere: where it came from. Dropped, not the entry, when it does not fit. */
  importedFrom: importedFromSchema.optional().catch(undefined),
});
export type ModelEntry = z.infer<typeof modelEntrySchema>;

export const modelIndexSchema = z.object({
  models: z.array(modelEntrySchema),
  /** A model id, or DEFAULT_MODEL_ID for the built-in model. */
  activeId: z.string(),
});
export type ModelIndex = z.infer<typeof modelIndexSchema>;

export const windowBoundsSchema = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(100),
  height: z.number().int().min(100),
  maximized: z.boolean(),
});
export type WindowBounds = z.infer<typeof windowBoundsSchema>;

export const storeSchema = {
  schemaVersion: z.number().int().min(0),
  modelIndex: modelIndexSchema,
  windowBounds: windowBoundsSchema.optional(),
} as const;
export type StoreKey = keyof typeof storeSchema;
export type StoreValue<K extends StoreKey> = z.infer<(typeof storeSchema)[K]>;

const defaults: { [K in StoreKey]: StoreValue<K> } = {
  schemaVersion: 0,
  modelIndex: { models: [], activeId: DEFAULT_MODEL_ID },
  windowBounds: undefined,
};

export interface Migration {
  version: number;
  description: string;
  migrate(store: KeyValueStore): void;
}

/** In order; each runs once, when the stored schemaVersion is below its version. */
export const migrations: Migration[] = [
  {
    version: 1,
    description: 'create the model index with the built-in model active',
    migrate: (store) => {
      if (store.get('modelIndex') === undefined) store.set('modelIndex', defaults.modelIndex);
    },
  },
];

/** The store was written by a newer Tegaki: opening it would mean overwriting what this one cannot read. */
export class StoreVersionError extends Error {
  constructor(
    readonly storedVersion: number,
    readonly knownVersion: number,
  ) {
    super(
      `Tegaki's settings were saved by a newer version of Tegaki (store schema ${storedVersion}; this version knows up to ${knownVersion}). ` +
        'They have been left untouched: install the newer Tegaki again, or move the settings file away to start afresh.',
    );
    this.name = 'StoreVersionError';
  }
}

/** What a stored value that fails its schema becomes: the part that is still good, and what was set aside. */
interface Recovered<V> {
  value: V;
  rejected: { value: unknown; problem: string }[];
}

const describeProblem = (error: z.ZodError): string => error.issues.map((i) => `${i.path.join('.') || '(value)'}: ${i.message}`).join('; ');

/** One entry at a time, so one bad model entry never costs the others their place in the list. */
function recoverModelIndex(raw: unknown): Recovered<ModelIndex> {
  const object = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : undefined;
  if (!object || !Array.isArray(object.models)) {
    return { value: structuredClone(defaults.modelIndex), rejected: [{ value: raw, problem: 'not a model index' }] };
  }
  const rejected: Recovered<ModelIndex>['rejected'] = [];
  const models: ModelEntry[] = [];
  for (const entry of object.models) {
    const parsed = modelEntrySchema.safeParse(entry);
    if (!parsed.success) rejected.push({ value: entry, problem: describeProblem(parsed.error) });
    else if (models.some((m) => m.id === parsed.data.id || m.fileName === parsed.data.fileName)) {
      rejected.push({ value: entry, problem: 'a second entry with the same id or file' });
    } else models.push(parsed.data);
  }
  const activeId = typeof object.activeId === 'string' ? object.activeId : DEFAULT_MODEL_ID;
  if (typeof object.activeId !== 'string') rejected.push({ value: { activeId: object.activeId }, problem: 'activeId: not a string' });
  return { value: { models, activeId }, rejected };
}

function recoverWhole<K extends StoreKey>(key: K, raw: unknown): Recovered<StoreValue<K>> {
  const parsed = storeSchema[key].safeParse(raw);
  if (parsed.success) return { value: parsed.data as StoreValue<K>, rejected: [] };
  return { value: structuredClone(defaults[key]), rejected: [{ value: raw, problem: describeProblem(parsed.error) }] };
}

function recover<K extends StoreKey>(key: K, raw: unknown): Recovered<StoreValue<K>> {
  return key === 'modelIndex' ? (recoverModelIndex(raw) as Recovered<StoreValue<K>>) : recoverWhole(key, raw);
}

/** The newest schema version the migrations know. */
const latestVersion = (list: readonly Migration[]): number => list.reduce((latest, m) => Math.max(latest, m.version), 0);

export class AppStore {
  /**
   * Opens the store: refuses one written by a newer Tegaki (StoreVersionError, the file left
   * as it is), backs the raw store up beside it before a migration first rewrites it, runs
   * the migrations, and checks every key, setting aside what fails its schema (one bad model
   * entry at a time) instead of resetting the key. `notify` hears of each recovery.
   */
  constructor(
    private readonly backing: KeyValueStore,
    private readonly notify: (message: string) => void = () => undefined,
    migrationList: readonly Migration[] = migrations,
  ) {
    if (backing.setAside) notify(`${backing.setAside.reason}. It was set aside as ${backing.setAside.path}, and Tegaki opened with default settings.`);
    const stored = backing.get('schemaVersion');
    const known = latestVersion(migrationList);
    if (typeof stored === 'number' && stored > known) throw new StoreVersionError(stored, known);
    let version = typeof stored === 'number' && Number.isInteger(stored) && stored >= 0 ? stored : 0;
    const pending = migrationList.filter((m) => m.version > version);
    try {
      if (pending.length > 0 && Object.keys(backing.all()).length > 0) backing.keepAside(`backup-v${version}`, backing.all());
      for (const migration of pending) {
        migration.migrate(backing);
        version = migration.version;
        backing.set('schemaVersion', version);
      }
    } catch (error) {
      // A disk too full for the settings file must not stop the app from opening: nothing
      // on disk changed (the writer leaves the old file), and the next change writes again.
      if (!isDiskFull(error)) throw error;
      notify('Tegaki could not write its settings file because the disk is full; it opened with the settings it had, and will save them at the next change once there is room.');
    }
    for (const key of Object.keys(storeSchema) as StoreKey[]) this.read(key);
  }

  /** The stored value; one that breaks the schema is repaired first (see the constructor), never thrown. */
  get<K extends StoreKey>(key: K): StoreValue<K> {
    return this.read(key);
  }

  set<K extends StoreKey>(key: K, value: StoreValue<K>): void {
    this.backing.set(key, storeSchema[key].parse(value));
  }

  private read<K extends StoreKey>(key: K): StoreValue<K> {
    const raw = this.backing.get(key);
    if (raw === undefined) return structuredClone(defaults[key]);
    const parsed = storeSchema[key].safeParse(raw);
    if (parsed.success) return parsed.data as StoreValue<K>;
    const { value, rejected } = recover(key, raw);
    if (rejected.length === 0) return value;
    // The bad part goes to a file beside the store before the good part is written back.
    const aside = this.backing.keepAside(`rejected-${key}`, rejected);
    this.backing.set(key, value);
    const count = rejected.length === 1 ? 'one stored entry' : `${rejected.length} stored entries`;
    this.notify(`Tegaki could not read ${count} of ${key} (${rejected.map((r) => r.problem).join('; ')}); set aside in ${aside}, the rest kept.`);
    return value;
  }
}

/** The atomic writer's "the disk is full" failure (ENOSPC or EDQUOT underneath). */
function isDiskFull(error: unknown): boolean {
  const code = ((error as Error)?.cause as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT' || /the disk is full/.test(String((error as Error)?.message));
}
