import { join } from 'node:path';
import { app, BrowserWindow, screen } from 'electron';
import icon from '../../resources/icon.png?asset';
import { AppStore } from '../backend/store/app-store';
import { restoredBounds } from './window-bounds';
import { windowOptions } from './window';

let mainWindow: BrowserWindow | null = null;

/** The main window, if open: IPC events go to it. */
export function currentMainWindow(): BrowserWindow | null {
  return mainWindow;
}

function createMainWindow(appUrl: string, store: AppStore): BrowserWindow {
  const preload = join(import.meta.dirname, '..', 'preload', 'index.cjs');
  const options = windowOptions(preload, process.platform === 'linux' ? icon : undefined);
  const saved = store.get('windowBounds');
  const minimum = { width: options.minWidth ?? 0, height: options.minHeight ?? 0 };
  const bounds = restoredBounds(saved, screen.getAllDisplays().map((d) => d.workArea), minimum);
  const window = new BrowserWindow({ ...options, ...bounds });
  window.once('ready-to-show', () => {
    if (saved?.maximized) window.maximize();
    window.show();
  });
  rememberBounds(window, store);
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = null;
  });
  void window.loadURL(appUrl);
  mainWindow = window;
  return window;
}

/** Saves size, position and maximised state whenever they settle, and on close. */
function rememberBounds(window: BrowserWindow, store: AppStore): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const save = (): void => {
    clearTimeout(timer);
    if (window.isDestroyed() || window.isMinimized() || window.isFullScreen()) return;
    const { x, y, width, height } = window.getNormalBounds();
    try {
      store.set('windowBounds', { x, y, width, height, maximized: window.isMaximized() });
    } catch (error) {
      // A full disk must not turn closing the window into an uncaught exception; the old bounds stay.
      console.warn(`Tegaki could not remember the window's size: ${(error as Error).message}`);
    }
  };
  const later = (): void => {
    clearTimeout(timer);
    timer = setTimeout(save, 500);
  };
  window.on('resize', later);
  window.on('move', later);
  window.on('maximize', save);
  window.on('unmaximize', save);
  window.on('close', save);
}

/** Opens the one main window, reopens it from the dock (macOS) and focuses it when a second copy starts. */
export function setupMainWindow(appUrl: string, store: AppStore): void {
  createMainWindow(appUrl, store);
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createMainWindow(appUrl, store);
  });
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
}
