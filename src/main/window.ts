import type { BrowserWindowConstructorOptions } from 'electron';
import { MIN_WINDOW_SIZE, WINDOW_SIZE } from '../shared/window-size';
import { APP_INDEX_URL, APP_SCHEME } from './app-scheme';

/**
 * The main window's options. Pure, and with only a type import from Electron, so the
 * security-critical flags are checked by a plain Node test.
 */
export function windowOptions(preloadPath: string, icon?: string): BrowserWindowConstructorOptions {
  return {
    ...WINDOW_SIZE,
    minWidth: MIN_WINDOW_SIZE.width,
    minHeight: MIN_WINDOW_SIZE.height,
    title: 'Tegaki',
    // Shown on 'ready-to-show' so the user never sees an empty white frame.
    show: false,
    autoHideMenuBar: true,
    ...(icon === undefined ? {} : { icon }),
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  };
}

/**
 * Where the renderer lives: the Vite dev server while developing (electron-vite sets
 * ELECTRON_RENDERER_URL), otherwise the built page on the app:// scheme (app-protocol.ts).
 */
export function rendererUrl(devServerUrl: string | undefined): string {
  return devServerUrl || APP_INDEX_URL;
}

/**
 * Whether `url` is one of the app's own pages: for the built app, app://<its host>/ with
 * no user or port; while developing, the dev server's http(s) origin. Never a file URL
 * (with or without a host: the app is not served from disk) nor any other scheme. A
 * custom scheme's URL has the origin "null", so origins are compared for http(s) only.
 */
export function isAppUrl(url: string, appUrl: string): boolean {
  let candidate: URL;
  let app: URL;
  try {
    candidate = new URL(url);
    app = new URL(appUrl);
  } catch {
    return false;
  }
  if (candidate.protocol !== app.protocol || candidate.username !== '' || candidate.password !== '') return false;
  if (app.protocol === `${APP_SCHEME}:`) return candidate.host === app.host && app.host !== '';
  if (app.protocol === 'http:' || app.protocol === 'https:') return candidate.origin === app.origin;
  return false;
}
