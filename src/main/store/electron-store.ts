import { dirname, join } from 'node:path';
import ElectronStore from 'electron-store';
import { syncFolder, writeFileAtomicSync } from '../../digits/io/atomic-write';
import { readJsonObjectFile } from '../../backend/store/json-file-store';
import type { KeyValueStore } from '../../backend/store/key-value';

/** The settings file's name in the user-data folder (electron-store adds `.json`). */
export const SETTINGS_NAME = 'tegaki';

/**
 * The app's KeyValueStore: electron-store's JSON file in the user-data folder, owner-only
 * (configFileMode 0o600). Schema, migrations and per-entry recovery live in app-store.ts,
 * so they run in plain Node too.
 *
 * electron-store throws from its constructor on a file that is not JSON, which would
 * leave the app without a window: the file is read first with the same function the
 * plain-Node store uses, and an unreadable one is set aside before electron-store opens.
 * electron-store writes through its own temp file, fsync and rename (the `atomically`
 * package); the folder is fsynced after each of its writes here, so a settings change is
 * as durable as a file from digits/io/atomic-write.ts.
 */
export function createElectronKeyValueStore(userDataDir: string): KeyValueStore {
  const { setAside } = readJsonObjectFile(join(userDataDir, `${SETTINGS_NAME}.json`));
  const store = new ElectronStore<Record<string, unknown>>({
    name: SETTINGS_NAME,
    cwd: userDataDir,
    accessPropertiesByDotNotation: false,
    configFileMode: 0o600,
    clearInvalidConfig: false,
  });
  return {
    get: (key) => store.get(key),
    set(key, value) {
      store.set(key, value);
      syncFolder(dirname(store.path));
    },
    all: () => ({ ...store.store }),
    keepAside(label, value) {
      const path = `${store.path}.${label}-${Date.now()}.json`;
      writeFileAtomicSync(path, `${JSON.stringify(value, null, 2)}\n`);
      return path;
    },
    setAside,
  };
}
