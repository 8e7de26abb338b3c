import { app, type WebContents } from 'electron';
import { isAppUrl } from './window';

/**
 * Locks every web contents down before it loads anything: no navigation away from the
 * app's own pages, no new windows, no <webview>, and every permission request refused
 * (the app needs no camera, microphone, notifications or geolocation).
 * Call before the app is ready: `app.enableSandbox` must precede it.
 */
export function setupSecurity(appUrl: string): void {
  app.enableSandbox();
  app.on('web-contents-created', (_event, contents) => lockDown(contents, appUrl));
}

function lockDown(contents: WebContents, appUrl: string): void {
  const blockForeign = (event: { preventDefault(): void }, url: string): void => {
    if (!isAppUrl(url, appUrl)) event.preventDefault();
  };
  contents.on('will-navigate', blockForeign);
  contents.on('will-redirect', blockForeign);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));

  contents.session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  contents.session.setPermissionCheckHandler(() => false);
}
