import { app } from 'electron';
import { electronDialogs } from './dialogs';
import { engineEntryPath } from './engine-entry';
import { electronSpawn } from './engine/electron-spawn';
import { EngineHost } from '../backend/engine/engine-host';
import { appLocations } from '../backend/paths';
import type { Backend } from '../backend/services/backend';
import { createBackend } from '../backend/services/backend';
import type { KeyValueStore } from '../backend/store/key-value';

/** The services, with their Electron parts plugged in: utility process, electron-store, native dialogs. */
export function setupBackend(store: KeyValueStore): Backend {
  const { resourcesDir, mnistDir } = appLocations(app.getAppPath());
  const engineHost = new EngineHost({
    spawn: electronSpawn,
    entryPath: engineEntryPath,
    env: { TEGAKI_MNIST_DIR: mnistDir },
  });
  const backend = createBackend({
    userDataDir: app.getPath('userData'),
    resourcesDir,
    engineHost,
    store,
    dialogs: electronDialogs,
    mnistDir,
  });
  app.on('will-quit', () => void backend.dispose());
  return backend;
}
