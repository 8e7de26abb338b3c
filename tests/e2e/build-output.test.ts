import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// Checks the output of `electron-vite build`. In the e2e project, whose global setup
// builds the app first, so it always checks a fresh build and never depends on an
// earlier `npm run build` (a fresh clone's `npm test` has none).
const out = resolve(import.meta.dirname, '..', '..', 'out');

describe('the electron-vite build', () => {
  it('has the main bundle, the engine entry as a chunk of its own, the preload and the renderer', () => {
    expect(existsSync(join(out, 'main', 'index.js'))).toBe(true);
    expect(readdirSync(join(out, 'main', 'chunks')).some((name) => /^entry-.*\.js$/.test(name))).toBe(true);
    expect(existsSync(join(out, 'preload', 'index.cjs'))).toBe(true);
    expect(existsSync(join(out, 'renderer', 'index.html'))).toBe(true);
  });

  it('builds a sandbox-compatible preload: one CommonJS file that requires nothing but electron', () => {
    const preload = readFileSync(join(out, 'preload', 'index.cjs'), 'utf8');
    expect([...preload.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1])).toEqual(['electron']);
    expect(preload).not.toMatch(/^import /m);
    expect(preload).toContain('exposeInMainWorld');
    // Named functions only: no generic invoke(channel) or raw ipcRenderer handed to the page.
    expect(preload).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer/);
  });

  it('keeps Electron out of the engine process entry', () => {
    const chunks = readdirSync(join(out, 'main', 'chunks')).filter((name) => /^entry-.*\.js$/.test(name));
    for (const chunk of chunks)
      expect(readFileSync(join(out, 'main', 'chunks', chunk), 'utf8')).not.toMatch(/from ["']electron["']/);
  });

  it('keeps the strict Content-Security-Policy in the built page', () => {
    const html = readFileSync(join(out, 'renderer', 'index.html'), 'utf8');
    expect(html).toMatch(/Content-Security-Policy[^>]*default-src 'self'; script-src 'self';[^>]*connect-src 'self'/);
  });
});
