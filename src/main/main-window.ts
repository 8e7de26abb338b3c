import { join } from 'node:path';
import { app, BrowserWindow } from 'electron';
import icon from '../../resources/icon.png?asset';
import { windowOptions } from './window';

let mainWindow: BrowserWindow | null = null;

function createMainWindow(appUrl: string): BrowserWindow {
  const preload = join(import.meta.dirname, '..', 'preload', 'index.cjs');
  const window = new BrowserWindow(windowOptions(preload, process.platform === 'linux' ? icon : undefined));
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = null;
  });
  void window.loadURL(appUrl);
  mainWindow = window;
  return window;
}

/** Opens the one main window, reopens it from the dock (macOS) and focuses it when a second copy starts. */
export function setupMainWindow(appUrl: string): void {
  createMainWindow(appUrl);
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createMainWindow(appUrl);
  });
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
}
