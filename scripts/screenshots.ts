/**
 * `npm run screenshots`: the README's pictures, taken from the real browser mode in
 * Debian's Chromium at the app window's first size, 1280x800 (the e2e harness's server and
 * browser). It draws a digit, opens the preprocessing view, reads a three-digit number,
 * keeps a few as personal samples, trains the quick preset from the form, opens its report
 * and a gallery, and saves one PNG per screen under docs/screenshots/.
 * `npm run screenshots -- network` takes only the Network screen's two (English, Japanese).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { WINDOW_SIZE } from '../src/shared/window-size';
import {
  digits,
  drawStrokes,
  ensureRendererBuilt,
  openBrowser,
  placedDigit,
  predictedDigit,
  root,
  startApp,
  waitForCanvas,
} from '../tests/e2e/harness';

const outDir = join(root, 'docs', 'screenshots');

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 120_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The Network screen for the drawing on the canvas, a unit of the first layer chosen by keyboard, in English and in Japanese. */
async function networkShots(page: Page, shot: (name: string) => Promise<void>): Promise<void> {
  for (const [language, name] of [
    ['en', 'network'],
    ['ja', 'network-ja'],
  ] as const) {
    await page.getByTestId('tab-settings').click();
    await page.getByTestId('language-select').selectOption(language);
    await page.getByTestId('tab-network').click();
    await waitFor(
      async () => (await page.getByTestId('network-screen').getAttribute('data-answered-version')) !== '',
      'the activations',
    );
    const sheet = page.getByTestId('layer-units-0');
    await sheet.focus();
    for (const key of [...Array<string>(9).fill('ArrowDown'), ...Array<string>(12).fill('ArrowRight'), 'PageDown', 'PageDown', 'PageDown'])
      await page.keyboard.press(key);
    await waitFor(() => page.getByTestId('unit-formula').isVisible(), 'a unit formula');
    await shot(name);
  }
  await page.getByTestId('tab-settings').click();
  await page.getByTestId('language-select').selectOption('auto');
  await page.getByTestId('tab-draw').click();
}

async function main(): Promise<void> {
  ensureRendererBuilt();
  await mkdir(outDir, { recursive: true });
  const app = await startApp();
  const session = await openBrowser(app.url, WINDOW_SIZE);
  const { page } = session;
  const shot = async (name: string) => {
    await page.waitForTimeout(400);
    await page.screenshot({ path: join(outDir, `${name}.png`) });
    console.log(`docs/screenshots/${name}.png`);
  };
  try {
    await waitForCanvas(page);
    await drawStrokes(page, digits['4']);
    await waitFor(async () => (await predictedDigit(page)) === '4', 'the prediction');
    await shot('draw');
    await networkShots(page, shot);
    if (process.argv.includes('network')) return;
    await waitForCanvas(page);
    // How the network sees it: the preprocessing, step by step, for the same 4.
    await page.getByTestId('steps-toggle').click();
    await waitFor(() => page.getByTestId('steps-view').isVisible(), 'the preprocessing view');
    await shot('steps');
    await page.getByTestId('steps-toggle').click();
    // A whole number: three digits side by side, each boxed and read.
    await page.getByTestId('clear-button').click();
    for (const [digit, x] of [['7', 0.2], ['4', 0.5], ['1', 0.8]] as const) await drawStrokes(page, placedDigit(digit, x));
    await waitFor(async () => (await page.getByTestId('number-value').textContent())?.trim() === '741', 'the number');
    await shot('number');
    await page.getByTestId('clear-button').click();
    // Keep a few drawings as personal samples, for the My samples screen.
    for (const digit of ['4', '7', '1']) {
      await page.getByTestId('clear-button').click();
      await drawStrokes(page, digits[digit]);
      await waitFor(async () => (await predictedDigit(page)) !== '', 'a prediction');
      await page.getByTestId(`correct-${digit}`).click();
    }
    await page.getByTestId('tab-samples').click();
    // Let the "Saved as a N" confirmations go by.
    await page.waitForTimeout(5500);
    await shot('samples');

    await page.getByTestId('tab-train').click();
    await page.getByTestId('preset-select').selectOption('recommended');
    await page.getByTestId('train-button').click();
    await waitFor(
      async () => Number(await page.getByTestId('train-progress').getAttribute('data-fraction')) > 0.35,
      'training progress',
    );
    await shot('train');
    await page.getByTestId('cancel-button').click();
    await page.getByTestId('preset-select').selectOption('quick');
    await page.getByTestId('train-button').click();
    await waitFor(() => page.getByTestId('make-active-no').isVisible(), 'the end of training');
    await page.getByTestId('make-active-no').click();

    await page.getByTestId('tab-report').click();
    await waitFor(() => page.getByTestId('report-table').isVisible(), 'the report');
    await shot('report');
    await page.locator('[data-testid^="confusion-cell-"]').nth(3).click();
    await waitFor(async () => (await page.getByTestId('gallery-item').count()) > 0, 'the gallery').catch(
      () => undefined,
    );
    await shot('gallery');
    await page.keyboard.press('Escape');

    await page.getByTestId('tab-models').click();
    await waitFor(() => page.getByTestId('models-table').isVisible(), 'the models list');
    await shot('models');

    await page.getByTestId('tab-settings').click();
    await shot('settings');
  } finally {
    await session.finish('screenshots');
    await app.stop();
  }
}

await main();
