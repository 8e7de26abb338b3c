import ElectronStore from 'electron-store';
import type { KeyValueStore } from '../../backend/store/key-value';

/**
 * The app's KeyValueStore: electron-store's atomic JSON file in the user-data folder.
 * Schema and migrations live in app-store.ts so that they run in plain Node too.
 */
export function createElectronKeyValueStore(): KeyValueStore {
  const store = new ElectronStore<Record<string, unknown>>({ name: 'tegaki', accessPropertiesByDotNotation: false });
  return {
    get: (key) => store.get(key),
    set: (key, value) => store.set(key, value),
  };
}
