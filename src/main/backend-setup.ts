import { app } from 'electron';
import { electronDialogs } from './dialogs';
import { engineEntryPath, gradientWorkerPath } from './engine-entry';
import { electronSpawn } from './engine/electron-spawn';
import { EngineHost } from '../backend/engine/engine-host';
import { appLocations } from '../backend/paths';
import type { Backend } from '../backend/services/backend';
import { createBackend } from '../backend/services/backend';
import { createElectronKeyValueStore } from './store/electron-store';

/**
 * The services, with their Electron parts plugged in: utility process, native dialogs,
 * electron-store's settings file in the user-data folder. Throws StoreVersionError when a newer Tegaki
 * wrote the settings. Quitting waits (bounded) for saves in flight.
 */
export function setupBackend(): Backend {
  const userDataDir = app.getPath('userData');
  const { resourcesDir, mnistDir } = appLocations(app.getAppPath());
  const engineHost = new EngineHost({
    spawn: electronSpawn,
    entryPath: engineEntryPath,
    env: { TEGAKI_MNIST_DIR: mnistDir, TEGAKI_GRADIENT_WORKER: gradientWorkerPath },
  });
  const backend = createBackend({
    userDataDir,
    resourcesDir,
    engineHost,
    store: createElectronKeyValueStore(userDataDir),
    dialogs: electronDialogs,
    mnistDir,
  });
  let disposed = false;
  app.on('will-quit', (event) => {
    if (disposed) return;
    // Hold the quit until a model being written is on disk (dispose bounds the wait), then quit for real.
    event.preventDefault();
    disposed = true;
    void backend.dispose().finally(() => app.quit());
  });
  return backend;
}
