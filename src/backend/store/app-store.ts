import { z } from 'zod';
import { modelIdSchema, modelMetricsSchema } from '../../shared/ipc/contract';
import type { KeyValueStore } from './key-value';

/**
 * The app's one typed store (after caprine's config.ts): a zod schema for every key,
 * numbered migrations run on open, used from the main process only. It sits on a
 * KeyValueStore so the same code runs over electron-store and over a JSON file.
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

export class AppStore {
  constructor(
    private readonly backing: KeyValueStore,
    private readonly onInvalid: (key: StoreKey, problem: string) => void = () => undefined,
    migrationList: readonly Migration[] = migrations,
  ) {
    const stored = backing.get('schemaVersion');
    let version = typeof stored === 'number' ? stored : 0;
    for (const migration of migrationList) {
      if (migration.version <= version) continue;
      migration.migrate(backing);
      version = migration.version;
      backing.set('schemaVersion', version);
    }
  }

  /** The stored value, or the key's default if what is stored breaks the schema (reported, not thrown). */
  get<K extends StoreKey>(key: K): StoreValue<K> {
    const raw = this.backing.get(key);
    if (raw === undefined) return structuredClone(defaults[key]);
    const parsed = storeSchema[key].safeParse(raw);
    if (parsed.success) return parsed.data as StoreValue<K>;
    this.onInvalid(key, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    return structuredClone(defaults[key]);
  }

  set<K extends StoreKey>(key: K, value: StoreValue<K>): void {
    this.backing.set(key, storeSchema[key].parse(value));
  }
}
