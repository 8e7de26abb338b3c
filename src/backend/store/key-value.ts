/**
 * The little a typed store needs from its backing file: a JSON file in the user-data
 * folder (json-file-store.ts), in the app and in plain Node alike.
 */
export interface KeyValueStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  /** Everything stored, as it is on disk, for a backup. */
  all(): Record<string, unknown>;
  /** Writes `value` to a file beside the store, named with `label`, and returns that file's path. */
  keepAside(label: string, value: unknown): string;
  /** Set when the file could not be read at all and was moved aside: where it went and why. */
  readonly setAside?: { path: string; reason: string };
}
