/**
 * The little a typed store needs from its backing file: electron-store in the app
 * (electron-store.ts), a JSON file in plain Node (json-file-store.ts).
 */
export interface KeyValueStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
}
