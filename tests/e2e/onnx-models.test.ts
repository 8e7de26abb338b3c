/**
 * Models travel (ONNX), in a real Chromium against the browser mode's real model store
 * and engine process: a PyTorch-trained MNIST CNN imported from its ONNX file through the
 * Models screen shows where it came from, gets its classification report and confusion
 * matrix, classifies and explains drawings on the Draw screen, and any model exports as
 * ONNX.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onnxToModel } from '../../src/digits/io/onnx/import-onnx';
import { Sequential } from '../../src/engine/model/sequential';
import { fromWire } from '../../src/shared/ipc/wire';
import type { BrowserSession, RunningApp } from './harness';
import {
  REPORT_TIMEOUT_MS,
  artifactsDir,
  digits,
  drawStrokes,
  modelRowIds,
  predictedDigit,
  readBars,
  root,
  startAppInBrowser,
  waitForCanvas,
} from './harness';
import { MIN_WINDOW_SIZE } from '../../src/shared/window-size';

const torchCnn = join(root, 'tests', 'fixtures', 'onnx', 'torch-cnn-opset13.onnx');
const TEST_SET = 10_000;

let app: RunningApp;
let session: BrowserSession;
/** The imported model's id, once the first test has imported it. */
let imported: string;

beforeAll(async () => {
  // Six actions per row must still fit in the smallest window.
  ({ app, session } = await startAppInBrowser({ viewport: MIN_WINDOW_SIZE, screen: 'models' }));
});

afterAll(async () => {
  await session?.finish('onnx-models');
  await app?.stop();
});

const rowIds = () => modelRowIds(session.page);

/** The path an "Exported to …" notice names (its text, less the dismiss button's ×). */
async function exportedPath(): Promise<string> {
  const notice = session.page.getByTestId('notice').filter({ hasText: 'Exported to' }).last();
  await notice.waitFor();
  return ((await notice.textContent()) ?? '')
    .replace(/^Exported to /, '')
    .replace(/×$/, '')
    .trim();
}

describe('a PyTorch model imported from ONNX, in a real Chromium (browser mode, real engine process)', () => {
  it("imports the CNN's .onnx file through the Models screen: a new row named after the file, saying where it came from", async () => {
    const { page } = session;
    const input = page.getByTestId('import-input');
    expect(await input.getAttribute('accept')).toBe('.tgk,.onnx');
    await input.setInputFiles(torchCnn);
    // Tried in the engine process first, which may still be starting.
    await expect.poll(rowIds, { timeout: 30_000 }).toHaveLength(2);
    imported = (await rowIds()).find((id) => id !== 'default')!;
    expect(await page.getByTestId('import-error').count()).toBe(0);
    expect(await page.getByTestId(`model-name-${imported}`).textContent()).toBe('torch-cnn-opset13');
    expect(await page.getByTestId(`model-origin-${imported}`).textContent()).toBe(
      'Imported from ONNX · pytorch 1.13.0 · opset 13',
    );
    const row = (await page.getByTestId(`model-row-${imported}`).textContent()) ?? '';
    expect(row).toContain('imported');
    expect(row).toMatch(/28x28 conv/);
    // No accuracy of its own until the report computes one.
    expect(row).toContain('—');
    // The table fits the window, each row's six actions included (not scrolled sideways inside the page).
    const table = (await page.getByTestId('models-table').boundingBox())!;
    expect(table.x + table.width).toBeLessThanOrEqual(1024);
    const report = (await page.getByTestId(`report-${imported}`).boundingBox())!;
    expect(report.x + report.width).toBeLessThanOrEqual(table.x + table.width);
    await page.screenshot({ path: join(artifactsDir, 'onnx-models', 'models.png') }).catch(() => undefined);
  });

  it('made active, its report shows the classification report and a 10x10 confusion matrix over the whole test set', async () => {
    const { page } = session;
    await page.getByTestId(`set-active-${imported}`).click();
    await page.getByTestId(`active-mark-${imported}`).waitFor();
    await page.getByTestId(`report-${imported}`).click();
    const panel = page.getByTestId(`report-panel-${imported}`);
    await panel.getByTestId('report-table').waitFor({ timeout: REPORT_TIMEOUT_MS });
    expect(await page.getByTestId('report-model').inputValue()).toBe(imported);
    expect(await panel.getByTestId(`report-origin-${imported}`).textContent()).toBe(
      'Imported from ONNX · pytorch 1.13.0 · opset 13',
    );
    expect(await panel.getByTestId('report-summary').textContent()).toContain(String(TEST_SET));

    // Ten classes with four-decimal precision, recall and F1, and supports that add up to the test set.
    const supports: number[] = [];
    for (let digit = 0; digit < 10; digit++) {
      const cells = await panel.getByTestId(`report-row-${digit}`).locator('td').allTextContents();
      expect(cells.slice(0, 3).every((c) => /^\d\.\d{4}$/.test(c))).toBe(true);
      supports.push(Number(cells[3]));
    }
    expect(supports.reduce((a, b) => a + b, 0)).toBe(TEST_SET);
    const accuracy = Number((await panel.getByTestId('report-row-accuracy').locator('td').nth(2).textContent()) ?? NaN);
    // A real PyTorch-trained network: it reads MNIST's digits.
    expect(accuracy).toBeGreaterThan(0.95);

    // 100 cells: each row holds its digit's support, all of them the whole test set, the diagonal the accuracy.
    const counts = await panel
      .getByTestId('confusion-matrix')
      .locator('button[data-count]')
      .evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-count'))));
    expect(counts).toHaveLength(100);
    for (let row = 0; row < 10; row++) {
      expect(counts.slice(row * 10, row * 10 + 10).reduce((a, b) => a + b, 0)).toBe(supports[row]);
    }
    expect(counts.reduce((a, b) => a + b, 0)).toBe(TEST_SET);
    const diagonal = Array.from({ length: 10 }, (_, i) => counts[i * 11]).reduce((a, b) => a + b, 0);
    expect(diagonal / TEST_SET).toBeCloseTo(accuracy, 4);
    // Trained elsewhere: no curves, and it says so.
    await panel.getByTestId('no-curves').waitFor();
    await page
      .screenshot({ path: join(artifactsDir, 'onnx-models', 'report.png'), fullPage: true })
      .catch(() => undefined);
  });

  it('a digit drawn on the Draw screen gets probability bars from that model, and its heat map', async () => {
    const { page } = session;
    await page.getByTestId('tab-draw').click();
    await waitForCanvas(page);
    const predictions: Response[] = [];
    const record = (response: Response): void => {
      if (response.url().includes('/api/invoke/predict')) predictions.push(response);
    };
    page.on('response', record);
    await drawStrokes(page, digits['7']);
    await expect.poll(() => predictedDigit(page), { timeout: 10_000 }).toBe('7');
    // The bars answer the finished drawing, not one the pen sent on its way.
    const panel = page.getByTestId('prediction-panel');
    await expect
      .poll(
        async () =>
          (await panel.getAttribute('data-answered-version')) === (await panel.getAttribute('data-drawing-version')),
      )
      .toBe(true);
    page.off('response', record);
    expect(await panel.textContent()).toContain('torch-cnn-opset13');

    // The bars are the imported network's own output for the image the page sent.
    const last = await predictionOf(predictions.at(-1)!);
    expect(last.modelId).toBe(imported);
    const torch = onnxToModel(new Uint8Array(await readFile(torchCnn)), 'torch-cnn-opset13.onnx');
    const expected = Sequential.fromWeights(torch.spec, torch.tensors).predictOne(last.pixels);
    await expect.poll(() => readBars(page)).toEqual(expected.map((p) => Number(p.toFixed(4))));

    // The heat map explains it too (the network has batch norm, which explanations go back through).
    await page.getByTestId('explain-toggle').check();
    const heatmap = page.getByTestId('explain-heatmap');
    await heatmap.waitFor({ timeout: 10_000 });
    expect(await heatmap.getAttribute('data-label')).toBe('7');
    expect(await page.getByTestId('prediction-error').count()).toBe(0);
    await page.getByTestId('explain-toggle').uncheck();
  });

  it('"Export as ONNX" writes <name>.onnx (to the data folder in browser mode) that imports back as the same network', async () => {
    const { page } = session;
    await page.getByTestId('tab-models').click();
    await page.getByTestId(`export-onnx-${imported}`).click();
    const path = await exportedPath();
    expect(path).toBe(join(app.dataDir, 'exports', 'torch-cnn-opset13.onnx'));
    expect(existsSync(path)).toBe(true);
    const exported = onnxToModel(new Uint8Array(await readFile(path)), 'exported.onnx');
    const original = onnxToModel(new Uint8Array(await readFile(torchCnn)), 'torch-cnn-opset13.onnx');
    expect(exported.spec).toEqual(original.spec);

    // The built-in model too, and the plain Export still writes Tegaki's file.
    await page.getByTestId('export-onnx-default').click();
    await expect.poll(exportedPath).toBe(join(app.dataDir, 'exports', 'Built-in-model.onnx'));
    expect(
      onnxToModel(new Uint8Array(await readFile(join(app.dataDir, 'exports', 'Built-in-model.onnx')))).spec.layers
        .length,
    ).toBeGreaterThan(0);
    await page.getByTestId('export-default').click();
    await expect.poll(exportedPath).toBe(join(app.dataDir, 'exports', 'Built-in-model.tgk'));
  });
});

/** The pixels the page sent with a prediction request, and the model that answered it. */
async function predictionOf(response: Response): Promise<{ modelId: string; pixels: Float32Array }> {
  const request = fromWire(response.request().postData() ?? 'null') as { payload: { pixels: Float32Array | number[] } };
  const answer = fromWire(await response.text()) as { ok: boolean; value: { modelId: string } };
  return { modelId: answer.value.modelId, pixels: Float32Array.from(request.payload.pixels) };
}
