/**
 * Teaching Tegaki one's own hand, as a person does it in a real Chromium against the
 * browser mode's real services and engine child process: correct a prediction, find
 * the drawing in "My samples", reload and find it still there, export and import the
 * set, and turn the explanation heat map on and off.
 *
 * (Fine-tuning on corrected drawings is checked end to end through the same services
 * in tests/backend/services/personal-backend.test.ts, where it takes seconds, not minutes.)
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseStrokesJson } from '../../src/digits/preprocess/strokes-file';
import type { BrowserSession, RunningApp } from './harness';
import { artifactsDir, digits, drawStrokes, predictedDigit, startAppInBrowser } from './harness';

let app: RunningApp;
let session: BrowserSession;

beforeAll(async () => {
  ({ app, session } = await startAppInBrowser());
});

afterAll(async () => {
  await session?.finish('personal');
  await app?.stop();
});

async function drawFresh(digit: keyof typeof digits): Promise<string> {
  const { page } = session;
  await page.getByTestId('clear-button').click();
  await expect.poll(() => predictedDigit(page)).toBe('');
  await drawStrokes(page, digits[digit]);
  await expect.poll(() => predictedDigit(page), { timeout: 10_000 }).not.toBe('');
  return predictedDigit(page);
}

const count = async (digit: number): Promise<number> =>
  Number(await session.page.getByTestId(`samples-count-${digit}`).getAttribute('data-count'));

describe('personal samples and explanations in a real Chromium (browser mode, real engine process)', () => {
  it('the explanation heat map appears over the preview for the top class, and the toggle hides it', async () => {
    const { page } = session;
    const predicted = await drawFresh('7');
    await expect(page.getByTestId('explain-heatmap').count()).resolves.toBe(0);

    await page.getByTestId('explain-toggle').check();
    const heatmap = page.getByTestId('explain-heatmap');
    await heatmap.waitFor({ timeout: 10_000 });
    expect(await heatmap.getAttribute('data-label')).toBe(predicted);
    // It lies over the 28x28 preview, coloured where pixels pushed, grey elsewhere.
    const [map, preview] = await Promise.all([heatmap.boundingBox(), page.getByTestId('input-preview').boundingBox()]);
    expect(map).toEqual(preview);
    const painted = await heatmap.evaluate((canvas: HTMLCanvasElement) => {
      const data = canvas.getContext('2d')!.getImageData(0, 0, 28, 28).data;
      let n = 0;
      // Grey where nothing pushed either way, red or blue where something did.
      for (let i = 0; i < data.length; i += 4) if (Math.abs(data[i] - data[i + 2]) > 30) n++;
      return n;
    });
    expect(painted).toBeGreaterThan(10);
    expect(painted).toBeLessThan(784);
    await page.screenshot({ path: join(artifactsDir, 'personal', 'heatmap.png') }).catch(() => undefined);

    // A new drawing gets its own map.
    const next = await drawFresh('1');
    await expect.poll(() => heatmap.getAttribute('data-label'), { timeout: 10_000 }).toBe(next);

    await page.getByTestId('explain-toggle').uncheck();
    await expect.poll(() => page.getByTestId('explain-heatmap').count()).toBe(0);
  });

  it('"That\'s wrong: it is N" saves the drawing with a notice, by button and by Alt+digit', async () => {
    const { page } = session;
    await drawFresh('4');
    await page.getByTestId('correct-9').click();
    await expect.poll(() => page.getByTestId('notice').last().textContent()).toContain('Saved as a 9');

    await drawFresh('7');
    await page.keyboard.press('Alt+Digit1');
    await expect.poll(() => page.getByTestId('notice').last().textContent()).toContain('Saved as a 1');

    const stored = JSON.parse(await readFile(join(app.dataDir, 'personal-samples.json'), 'utf8')) as {
      samples: { label: number; strokes: unknown[]; input: number[] }[];
    };
    expect(stored.samples.map((s) => s.label)).toEqual([9, 1]);
    expect(stored.samples[0].strokes).toHaveLength(digits['4'].length);
    expect(stored.samples[0].input).toHaveLength(784);
  });

  it('shows the samples per digit in "My samples", still there after a reload; one can be deleted', async () => {
    const { page } = session;
    await page.getByTestId('tab-samples').click();
    await expect.poll(() => count(9)).toBe(1);
    expect(await count(1)).toBe(1);
    expect(await count(4)).toBe(0);
    await expect(page.getByTestId('samples-digit-9').getByTestId('sample').count()).resolves.toBe(1);

    await page.reload();
    await page.getByTestId('tab-samples').click();
    await expect.poll(() => count(9)).toBe(1);
    await expect.poll(() => page.getByTestId('sample').count()).toBe(2);
    const thumbInk = await page
      .getByTestId('samples-digit-9')
      .locator('canvas')
      .evaluate((canvas: HTMLCanvasElement) => {
        const data = canvas.getContext('2d')!.getImageData(0, 0, 28, 28).data;
        return new Set(Array.from({ length: 784 }, (_, i) => data[i * 4])).size;
      });
    expect(thumbInk).toBeGreaterThan(1);

    const one = page.getByTestId('samples-digit-1').getByTestId('sample');
    const id = await one.getAttribute('data-id');
    await page.getByTestId(`delete-sample-${id}`).click();
    await expect.poll(() => count(1)).toBe(0);
    await expect.poll(() => page.getByTestId('sample').count()).toBe(1);
  });

  it('exports the set as a labelled strokes file, and imports files back (a bad one refused with its reason)', async () => {
    const { page } = session;
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('samples-export').click()]);
    expect(download.suggestedFilename()).toBe('tegaki-samples.json');
    const exported = parseStrokesJson(await readFile((await download.path())!, 'utf8'));
    expect(exported.map((s) => s.label)).toEqual([9]);

    await page.getByTestId('samples-import-file').setInputFiles({
      name: 'bad.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify([{ id: 'a', strokes: [[[0, 0]]] }])),
    });
    await expect.poll(() => page.getByTestId('notice').last().textContent()).toContain('Nothing was imported');
    expect(await page.getByTestId('notice').last().textContent()).toContain('bad.json: every sample needs a "label"');
    expect(await count(9)).toBe(1);

    const another = [{ ...exported[0], id: 'from-another-computer', label: 3 }];
    await page.getByTestId('samples-import-file').setInputFiles({
      name: 'mine.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(another)),
    });
    await expect.poll(() => count(3)).toBe(1);
    expect(await page.getByTestId('notice').last().textContent()).toContain('Import done: 1 added');
  });
});
