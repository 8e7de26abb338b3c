import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * Builds the app once before the e2e files run, so they never test a stale
 * out/renderer left by an earlier build.
 */
export default function buildRenderer(): void {
  const root = join(import.meta.dirname, '..', '..');
  execFileSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
