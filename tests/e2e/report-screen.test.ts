/**
 * The report as a person reads it, in a real Chromium against the browser mode's real
 * services and engine process: the shipped default model evaluated on all 10,000 test
 * images, its classification report and confusion matrix, a mistake cell opening the
 * gallery of exactly those images, and the training curves.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveModel } from '../../src/digits/io/saved-model';
import { Sequential } from '../../src/engine/model/sequential';
import { modelSpecFor } from '../../src/engine/training/architecture';
import { preset } from '../../src/shared/presets';
import type { BrowserSession, RunningApp } from './harness';
import { REPORT_TIMEOUT_MS, artifactsDir, recordFigure, root, startAppInBrowser } from './harness';
import { MIN_WINDOW_SIZE } from '../../src/shared/window-size';

let app: RunningApp;
let session: BrowserSession;

beforeAll(async () => {
  ({ app, session } = await startAppInBrowser({ viewport: MIN_WINDOW_SIZE }));
});

afterAll(async () => {
  await session?.finish('report');
  await app?.stop();
});

describe('the report screen in a real Chromium (browser mode, real engine process)', () => {
  it("opens on the default model with scikit-learn's table and the confusion matrix", async () => {
    const { page } = session;
    const started = Date.now();
    await page.getByTestId('tab-report').click();
    await page.getByTestId('report-table').waitFor({ timeout: REPORT_TIMEOUT_MS });
    await recordFigure('report: tab click to evaluated report (10,000 images)', { ms: Date.now() - started });

    expect(await page.getByTestId('report-model').inputValue()).toBe('default');
    expect(await page.getByTestId('report-summary').textContent()).toContain('10000');
    // Which set each figure comes from: the test set's is the final one; the validation figure is the file's own.
    expect(await page.getByTestId('report-summary').textContent()).toMatch(
      /test images \(MNIST’s test set, the final figure\)/,
    );
    expect(await page.getByTestId('report-validation').textContent()).toMatch(
      /^Validation: \d+\.\d\d% on 5,000 training images held out/,
    );
    // Ten classes, each with four-decimal metrics and its support; supports add up to the test set.
    const supports: number[] = [];
    for (let digit = 0; digit < 10; digit++) {
      const cells = await page.getByTestId(`report-row-${digit}`).locator('td').allTextContents();
      expect(cells.slice(0, 3).every((c) => /^\d\.\d{4}$/.test(c))).toBe(true);
      supports.push(Number(cells[3]));
    }
    expect(supports.reduce((a, b) => a + b, 0)).toBe(10_000);
    const accuracy = Number((await page.getByTestId('report-row-accuracy').locator('td').nth(2).textContent()) ?? NaN);
    expect(accuracy).toBeGreaterThan(0.97);
    await expect.poll(() => page.getByTestId('report-row-macro').locator('td').count()).toBe(4);

    // The matrix: 100 cells whose rows hold each digit's support and whose diagonal is the accuracy.
    const matrix = page.getByTestId('confusion-matrix');
    const counts = await matrix
      .locator('button[data-count]')
      .evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-count'))));
    expect(counts).toHaveLength(100);
    for (let row = 0; row < 10; row++) {
      expect(counts.slice(row * 10, row * 10 + 10).reduce((a, b) => a + b, 0)).toBe(supports[row]);
    }
    const diagonal = Array.from({ length: 10 }, (_, i) => counts[i * 11]).reduce((a, b) => a + b, 0);
    expect(diagonal / 10_000).toBeCloseTo(accuracy, 4);
    await page.screenshot({ path: join(artifactsDir, 'report', 'report.png'), fullPage: true }).catch(() => undefined);
  });

  it('switches the matrix between counts and shares of each row', async () => {
    const { page } = session;
    const cell = page.getByTestId('confusion-cell-1-1');
    const count = Number(await cell.getAttribute('data-count'));
    expect(await cell.textContent()).toBe(String(count));
    await page.getByTestId('matrix-view-normalised').click();
    expect(await cell.textContent()).toMatch(/^\d{2}\.\d%$/);
    await page.getByTestId('matrix-view-counts').click();
    expect(await cell.textContent()).toBe(String(count));
  });

  it('opens the gallery of a mistake cell: its images, with that true label and prediction, most confident first', async () => {
    const { page } = session;
    // The off-diagonal cell with the most mistakes.
    const cells = await page
      .getByTestId('confusion-matrix')
      .locator('button[data-count]')
      .evaluateAll((buttons) =>
        buttons.map((b) => ({
          testId: b.getAttribute('data-testid') ?? '',
          count: Number(b.getAttribute('data-count')),
        })),
      );
    const mistakes = cells.filter(({ testId }) => {
      const [actual, predicted] = testId.split('-').slice(-2);
      return actual !== predicted;
    });
    const busiest = mistakes.sort((a, b) => b.count - a.count)[0];
    expect(busiest.count).toBeGreaterThan(0);
    const [actual, predicted] = busiest.testId.split('-').slice(-2);

    await page.getByTestId(busiest.testId).click();
    const gallery = page.getByTestId('gallery');
    await gallery.waitFor();
    const items = gallery.getByTestId('gallery-item');
    await expect.poll(() => items.count(), { timeout: 10_000 }).toBe(Math.min(busiest.count, 60));

    const shown = await items.evaluateAll((lis) =>
      lis.map((li) => ({
        label: li.getAttribute('data-label'),
        prediction: li.getAttribute('data-prediction'),
        probability: Number(li.getAttribute('data-probability')),
        // An image was really drawn: some pixel of its canvas differs from the first one.
        inked: (() => {
          const canvas = li.querySelector('canvas')!;
          const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
          for (let i = 4; i < data.length; i += 4) if (data[i] !== data[0]) return true;
          return false;
        })(),
      })),
    );
    // The label comes from MNIST's own image file, read again for the gallery.
    expect(shown.every((s) => s.label === actual && s.prediction === predicted)).toBe(true);
    expect(shown.every((s) => s.inked)).toBe(true);
    const probabilities = shown.map((s) => s.probability);
    expect(probabilities).toEqual([...probabilities].sort((a, b) => b - a));
    expect(probabilities[0]).toBeGreaterThan(0.5);
    await page.screenshot({ path: join(artifactsDir, 'report', 'gallery.png') }).catch(() => undefined);

    await page.keyboard.press('Escape');
    await expect.poll(() => gallery.isVisible()).toBe(false);
  });

  it('is usable by keyboard: arrows move through the matrix, Enter opens a cell, Escape closes it', async () => {
    const { page } = session;
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid'));
    await page.getByTestId('confusion-cell-0-0').focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowDown');
    expect(await focused()).toBe('confusion-cell-1-1');
    // The whole grid is one tab stop.
    expect(await page.locator('[data-testid^="confusion-cell-"][tabindex="0"]').count()).toBe(1);

    await page.keyboard.press('Enter');
    const items = page.getByTestId('gallery').getByTestId('gallery-item');
    await expect.poll(() => items.count()).toBe(60);
    const shown = await items.evaluateAll((lis) =>
      lis.map(
        (li) =>
          [
            li.getAttribute('data-label'),
            li.getAttribute('data-prediction'),
            Number(li.getAttribute('data-probability')),
          ] as const,
      ),
    );
    expect(shown.every(([label, prediction]) => label === '1' && prediction === '1')).toBe(true);
    // A correct cell shows its near misses first.
    const probabilities = shown.map(([, , p]) => p);
    expect(probabilities).toEqual([...probabilities].sort((a, b) => a - b));
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('gallery').isVisible()).toBe(false);
    expect(await focused()).toBe('confusion-cell-1-1');
  });

  it("shows the default model's training curves", async () => {
    const { page } = session;
    await page.getByTestId('loss-curve').locator('canvas').waitFor();
    await page.getByTestId('accuracy-curve').locator('canvas').waitFor();
    expect(await page.getByTestId('no-curves').count()).toBe(0);
    // The per-step loss the file kept, every point of it, smoothed once on the chart.
    const details = await page.evaluate(() => window.tegaki.models.details('default'));
    const kept = details.ok ? details.value.lossCurve.length : 0;
    expect(kept).toBeGreaterThan(10);
    await page.getByTestId('step-loss-curve').locator('canvas').waitFor();
    expect(Number(await page.getByTestId('step-loss-curve').getAttribute('data-points'))).toBe(kept);
    await page.getByTestId('loss-curve').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(artifactsDir, 'report', 'curves.png') }).catch(() => undefined);
  });

  it('compares two models side by side', async () => {
    const { page } = session;
    // A second model: the shipped default file imported as a copy under a new id.
    await page.getByTestId('tab-models').click();
    await page.getByTestId('import-input').setInputFiles(join(root, 'resources', 'default-model.tgk'));
    await expect.poll(() => page.locator('[data-testid^="model-row-"]').count()).toBe(2);
    await page.getByTestId('tab-report').click();
    const compare = page.getByTestId('report-compare');
    const second = await compare.locator('option').nth(1).getAttribute('value');
    expect(second).toMatch(/^m-/);
    await compare.selectOption(second!);

    await page
      .getByTestId(`report-panel-${second}`)
      .getByTestId('report-table')
      .waitFor({ timeout: REPORT_TIMEOUT_MS });
    expect(await page.getByTestId('report-table').count()).toBe(2);
    expect(await page.getByTestId('confusion-matrix').count()).toBe(2);
    // Same weights, same report.
    const [left, right] = await page.getByTestId('report-summary').allTextContents();
    expect(right.split(' · ')[0]).toBe(left.split(' · ')[0]);
    // Side by side, both inside a 1024 px window.
    const boxes = await Promise.all([
      page.getByTestId('report-panel-default').boundingBox(),
      page.getByTestId(`report-panel-${second}`).boundingBox(),
    ]);
    expect(boxes[1]!.x).toBeGreaterThan(boxes[0]!.x + boxes[0]!.width - 1);
    expect(boxes[1]!.x + boxes[1]!.width).toBeLessThanOrEqual(1024);
    // Each panel's table, matrix and charts fit inside it: nothing spills over its neighbour.
    for (const [i, id] of ['default', second!].entries()) {
      const panel = page.getByTestId(`report-panel-${id}`);
      for (const part of ['report-table', 'confusion-matrix', 'loss-curve', 'accuracy-curve']) {
        const box = (await panel.getByTestId(part).boundingBox())!;
        expect(box.x + box.width, `${part} of ${id}`).toBeLessThanOrEqual(boxes[i]!.x + boxes[i]!.width);
      }
    }
    await page.getByTestId('confusion-matrix').first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(artifactsDir, 'report', 'compare.png') }).catch(() => undefined);

    // The report can make the model it shows the active one.
    await page.getByTestId(`report-make-active-${second}`).click();
    await page.getByTestId('report-make-active-default').waitFor();
    expect(await page.getByTestId(`report-make-active-${second}`).count()).toBe(0);
  });

  it('says so when a model file kept no training history, instead of drawing curves', async () => {
    const { page } = session;
    // An untrained 784-8-10 model saved without history, as another tool might write one.
    const dir = await mkdtemp(join(tmpdir(), 'tegaki-no-history-'));
    const file = join(dir, 'no-history.tgk');
    const spec = modelSpecFor({ ...preset('quick'), hiddenLayers: [{ units: 8, activation: 'relu' }] });
    await saveModel(file, new Sequential(spec, { seed: 5 }), { name: 'no history' });
    await page.getByTestId('tab-models').click();
    await page.getByTestId('import-input').setInputFiles(file);
    await expect.poll(() => page.locator('[data-testid^="model-row-"]').count()).toBe(3);
    await rm(dir, { recursive: true, force: true });
    const id = await page
      .locator('[data-testid^="model-row-"]')
      .filter({ hasText: 'no history' })
      .evaluate((row) => row.getAttribute('data-testid')!.slice('model-row-'.length));

    await page.getByTestId(`report-${id}`).click();
    const panel = page.getByTestId(`report-panel-${id}`);
    await panel.getByTestId('report-table').waitFor({ timeout: REPORT_TIMEOUT_MS });
    await panel.getByTestId('no-curves').waitFor();
    expect(await panel.getByTestId('loss-curve').count()).toBe(0);
    // An untrained network is no better than chance.
    const accuracy = Number(await panel.getByTestId('report-row-accuracy').locator('td').nth(2).textContent());
    expect(accuracy).toBeLessThan(0.3);
  });
});
