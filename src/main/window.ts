import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserWindowConstructorOptions } from 'electron';

/**
 * The main window's options. Pure, and with only a type import from Electron, so the
 * security-critical flags are checked by a plain Node test.
 */
export function windowOptions(preloadPath: string, icon?: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 800,
    minWidth: 1024,
    minHeight: 700,
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
 * ELECTRON_RENDERER_URL), otherwise the built page beside the main bundle.
 */
export function rendererUrl(devServerUrl: string | undefined, mainBundleDir: string): string {
  if (devServerUrl) return devServerUrl;
  return pathToFileURL(join(mainBundleDir, '..', 'renderer', 'index.html')).href;
}

/**
 * Whether `url` is one of the app's own pages: same origin as the dev server, or the very
 * same file as the built page (any query or hash). Everything else is somebody else's.
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
  if (app.protocol === 'file:') {
    return candidate.protocol === 'file:' && candidate.pathname === app.pathname;
  }
  return candidate.origin === app.origin;
}
