import { app } from 'electron';
import { setupMainWindow } from './main-window';
import { setupSecurity } from './security';
import { rendererUrl } from './window';

const appUrl = rendererUrl(app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL, import.meta.dirname);

function onReady(): void {
  setupMainWindow(appUrl);
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  setupSecurity(appUrl);
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.whenReady().then(onReady, (error: unknown) => {
    console.error('Tegaki failed to start:', error);
    app.quit();
  });
}
