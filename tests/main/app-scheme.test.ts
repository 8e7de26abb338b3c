import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_INDEX_URL, appFilePath } from '../../src/main/app-scheme';

// The app:// protocol's path resolution, in plain Node; app-protocol.ts only hands its
// answer to Electron's protocol.handle and net.fetch, which cannot run here.
const rendererDir = resolve('/app/out/renderer');

describe('appFilePath: which file an app:// request may read', () => {
  it('serves the index page and files inside the built renderer', () => {
    expect(appFilePath(APP_INDEX_URL, rendererDir)).toBe(join(rendererDir, 'index.html'));
    expect(appFilePath('app://tegaki/', rendererDir)).toBe(join(rendererDir, 'index.html'));
    expect(appFilePath('app://tegaki/assets/index-abc.js?v=1#x', rendererDir)).toBe(join(rendererDir, 'assets', 'index-abc.js'));
    expect(appFilePath('app://tegaki/assets/a%20b.css', rendererDir)).toBe(join(rendererDir, 'assets', 'a b.css'));
  });

  it('keeps a literal ../ inside: the URL parser clamps dot segments at the root', () => {
    expect(appFilePath('app://tegaki/../main/index.js', rendererDir)).toBe(join(rendererDir, 'main', 'index.js'));
    expect(appFilePath('app://tegaki/assets/../../../package.json', rendererDir)).toBe(join(rendererDir, 'package.json'));
    expect(appFilePath('app://tegaki/%2e%2e/%2e%2e/package.json', rendererDir)).toBe(join(rendererDir, 'package.json'));
    expect(appFilePath('app://tegaki/..', rendererDir)).toBe(join(rendererDir, 'index.html'));
  });

  it('refuses every path that would leave the renderer folder once decoded (path traversal)', () => {
    for (const url of [
      'app://tegaki/..%2fmain%2findex.js',
      'app://tegaki/assets/..%2f..%2f..%2fpackage.json',
      'app://tegaki/..%5c..%5cpackage.json',
      'app://tegaki/%2fetc%2fpasswd',
      'app://tegaki/C:%5cWindows%5cwin.ini',
      'app://tegaki/assets/%00.js',
      'app://tegaki/%E0%A4%A',
    ]) {
      expect(appFilePath(url, rendererDir), url).toBeUndefined();
    }
  });

  it('refuses another scheme, another host, a port or a user', () => {
    expect(appFilePath('app://other/index.html', rendererDir)).toBeUndefined();
    expect(appFilePath('app://tegaki:8080/index.html', rendererDir)).toBeUndefined();
    expect(appFilePath('app://user@tegaki/index.html', rendererDir)).toBeUndefined();
    expect(appFilePath('file:///app/out/renderer/index.html', rendererDir)).toBeUndefined();
    expect(appFilePath('https://tegaki/index.html', rendererDir)).toBeUndefined();
    expect(appFilePath('not a url', rendererDir)).toBeUndefined();
  });
});
