import { describe, expect, it } from 'vitest';
import { isAppUrl, rendererUrl, windowOptions } from '../../src/main/window';

describe('windowOptions', () => {
  const options = windowOptions('/app/out/preload/index.cjs');

  it('isolates and sandboxes the renderer with no Node access', () => {
    expect(options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('loads the given preload and stays hidden until ready to show', () => {
    expect(options.webPreferences?.preload).toBe('/app/out/preload/index.cjs');
    expect(options.show).toBe(false);
    expect(options.minWidth).toBe(1024);
    expect(options.minHeight).toBe(700);
  });
});

describe('isAppUrl', () => {
  const built = rendererUrl(undefined);

  it('points the built app at its page on the app:// scheme, never file://', () => {
    expect(built).toBe('app://tegaki/index.html');
  });

  it('accepts app://tegaki/ pages with any path, hash or query', () => {
    expect(isAppUrl(`${built}#/settings`, built)).toBe(true);
    expect(isAppUrl(`${built}?tab=train`, built)).toBe(true);
    expect(isAppUrl('app://tegaki/assets/index.js', built)).toBe(true);
  });

  it('refuses file URLs, with a host or without, and anything not app://tegaki', () => {
    expect(isAppUrl('file:///app/out/renderer/index.html', built)).toBe(false);
    expect(isAppUrl('file://evil.example/app/out/renderer/index.html', built)).toBe(false);
    expect(isAppUrl('file:///etc/passwd', built)).toBe(false);
    expect(isAppUrl('app://other/index.html', built)).toBe(false);
    expect(isAppUrl('app://tegaki:1234/index.html', built)).toBe(false);
    expect(isAppUrl('app://user@tegaki/index.html', built)).toBe(false);
    expect(isAppUrl('evil://tegaki/index.html', built)).toBe(false);
    expect(isAppUrl('https://tegaki/index.html', built)).toBe(false);
    expect(isAppUrl('https://example.com/', built)).toBe(false);
  });

  it('accepts only the dev server origin while developing', () => {
    const dev = rendererUrl('http://localhost:5173/');
    expect(isAppUrl('http://localhost:5173/src/App.tsx', dev)).toBe(true);
    expect(isAppUrl('http://localhost:5174/', dev)).toBe(false);
    expect(isAppUrl('file:///app/out/renderer/index.html', dev)).toBe(false);
    expect(isAppUrl('app://tegaki/index.html', dev)).toBe(false);
  });

  it('rejects what is not a URL', () => {
    expect(isAppUrl('not a url', built)).toBe(false);
  });
});
