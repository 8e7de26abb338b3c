import { app, dialog } from 'electron';
import { builtRendererDir, registerAppScheme, setupAppProtocol } from './app-protocol';
import { setupBackend } from './backend-setup';
import { setupIpc } from './ipc';
import { currentMainWindow, setupMainWindow } from './main-window';
import { setupMenu } from './menu';
import { setupSecurity } from './security';
import type { Backend } from '../backend/services/backend';
import { StoreVersionError } from '../backend/store/app-store';
import { rendererUrl } from './window';

const appUrl = rendererUrl(app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL);

/** One setup per feature, in order: the IPC handlers and the app:// files exist before the page that uses them loads. */
function onReady(): void {
  setupAppProtocol(builtRendererDir(import.meta.dirname));
  setupMenu();
  let backend: Backend;
  try {
    // A corrupt settings file is set aside inside (the page hears of it via 'notices:startup').
    backend = setupBackend();
  } catch (error) {
    if (!(error instanceof StoreVersionError)) throw error;
    // Settings a newer Tegaki wrote are refused, not overwritten.
    dialog.showErrorBox('Tegaki', error.message);
    app.quit();
    return;
  }
  setupIpc(backend, appUrl, () => currentMainWindow()?.webContents);
  setupMainWindow(appUrl, backend.appStore);
}

// A separate profile for tests and side-by-side runs; must be set before the instance lock,
// which is per user-data folder.
if (process.env.TEGAKI_USER_DATA) app.setPath('userData', process.env.TEGAKI_USER_DATA);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  registerAppScheme();
  setupSecurity(appUrl);
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.whenReady().then(onReady, (error: unknown) => {
    console.error('Tegaki failed to start:', error);
    app.quit();
  });
}
