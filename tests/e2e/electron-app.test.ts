/**
 * The real Electron app through Playwright's `_electron` launcher: start, draw and
 * predict, one short training job. It runs wherever the Electron binary is installed (a
 * developer's machine with internet). Where `npm install` ran with
 * ELECTRON_SKIP_BINARY_DOWNLOAD=1, as on CI here, there is no binary and the test is
 * skipped, saying so in its name and on the console.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron } from 'playwright-core';
import type { ElectronApplication } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { digits, drawStrokes, predictedDigit, root, smallTrainingRequest, waitForCanvas } from './harness';

/** The binary electron's postinstall downloads; requiring 'electron' would try to fetch it. */
function electronBinary(): string | undefined {
  const pathFile = join(root, 'node_modules', 'electron', 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const binary = join(root, 'node_modules', 'electron', 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : undefined;
}

const binary = electronBinary();
const skipReason =
  'skipped: no Electron binary in node_modules/electron (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1)';
if (!binary) console.warn(`[electron-app] ${skipReason}`);

describe.skipIf(!binary)(`the real Electron app${binary ? '' : ` (${skipReason})`}`, () => {
  it('starts, predicts a drawn digit, and runs a short training job', async () => {
    const userData = await mkdtemp(join(tmpdir(), 'tegaki-electron-'));
    let app: ElectronApplication | undefined;
    try {
      app = await _electron.launch({
        executablePath: binary,
        args: [root, ...(process.env.CI ? ['--no-sandbox'] : [])],
        env: { ...process.env, TEGAKI_USER_DATA: userData },
      });
      const page = await app.firstWindow();
      await waitForCanvas(page);
      expect(await page.evaluate(() => window.tegaki.shell)).toBe('electron');

      await drawStrokes(page, digits['7']);
      await expect.poll(() => predictedDigit(page), { timeout: 10_000 }).toBe('7');

      // A small job straight through the preload's API, then its end in the UI's model list.
      const started = await page.evaluate(
        (request) => window.tegaki.training.start(request),
        smallTrainingRequest('electron smoke'),
      );
      expect(started.ok).toBe(true);
      const models = async () =>
        page.evaluate(async () => {
          const result = await window.tegaki.models.list();
          return result.ok ? result.value.map((m) => m.name) : [];
        });
      await expect.poll(models, { timeout: 60_000 }).toContain('electron smoke');
      await page.screenshot({ path: join(root, 'artifacts', 'e2e', 'electron', 'final.png') });
    } finally {
      await app?.close();
      await rm(userData, { recursive: true, force: true });
    }
  });
});
