/**
 * Confidence that means what it says, as a person reads it in a real Chromium against
 * the browser mode's real services and engine process: the shipped model's report gives
 * the expected calibration error on MNIST's 10,000 test images before and after its
 * temperature (the figures Node computes from the same file), and a reliability diagram
 * with the diagonal, and when it says "not a digit"; an imported ONNX model says it is
 * uncalibrated and never rejects.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMnist } from '../../src/digits/data/mnist';
import { loadModel } from '../../src/digits/io/saved-model';
import { evaluate } from '../../src/engine/training/evaluate';
import { measureCalibration } from '../../src/engine/training/temperature-scaling';
import { translate } from '../../src/renderer/src/i18n/i18n';
import type { BrowserSession, RunningApp } from './harness';
import { REPORT_TIMEOUT_MS, artifactsDir, modelRowIds, root, startAppInBrowser } from './harness';
import { MIN_WINDOW_SIZE } from '../../src/shared/window-size';

const percent = (value: number): string => `${(value * 100).toFixed(2)}%`;
const torchMlp = join(root, 'tests', 'fixtures', 'onnx', 'torch-mlp-opset9.onnx');

let app: RunningApp;
let session: BrowserSession;

beforeAll(async () => {
  ({ app, session } = await startAppInBrowser({ viewport: MIN_WINDOW_SIZE }));
});

afterAll(async () => {
  await session?.finish('calibration');
  await app?.stop();
});

describe('calibration on the report screen, in a real Chromium (browser mode, real engine process)', () => {
  it("shows the shipped model's ECE on the test set before and after its temperature, as Node measures it", async () => {
    const { model, metadata } = await loadModel(join(root, 'resources', 'default-model.tgk'));
    const { test } = await loadMnist({ trainSize: 0 });
    const onTest = evaluate(model, test, { keepLogits: true });
    const expected = measureCalibration(onTest.logits!, onTest.labels, 10, model.temperature);
    expect(metadata.calibration?.validationCount).toBe(5000);

    const { page } = session;
    await page.getByTestId('tab-report').click();
    const section = page.getByTestId('report-calibration');
    await section.waitFor({ timeout: REPORT_TIMEOUT_MS });
    expect(await section.getByTestId('calibration-summary').textContent()).toBe(
      `Expected calibration error on these 10,000 test images: ${percent(expected.eceBefore)} before, ` +
        `${percent(expected.eceAfter)} after the temperature ${model.temperature.toFixed(3)} (fitted on 5,000 held-out training images).`,
    );
    // When it says "not a digit", from the model file's own figures, whichever score it was fitted on.
    const rejection = metadata.rejection!;
    const threshold =
      rejection.score === 'max-probability'
        ? `${(rejection.threshold * 100).toFixed(1)}%`
        : rejection.threshold.toFixed(2);
    const share = ({ rejected, count }: { rejected: number; count: number }) => percent(rejected / count);
    expect(await section.getByTestId('rejection-summary').textContent()).toBe(
      `Says “not a digit” when its ${translate('en', `report.rejectionScore.${rejection.score}`)} is below ${threshold}: ` +
        `that turns away ${share(rejection.digitRejection.validation)} of 5,000 validation digits and ` +
        `${share(rejection.digitRejection.drawn)} of 5,000 drawn digits (the threshold is the highest that turns away at most 1% of each).`,
    );
  });

  it('draws the reliability diagram: bars per confidence bin over all 10,000 images, and the diagonal', async () => {
    const { page } = session;
    const diagram = page.getByTestId('reliability-diagram');
    expect(await diagram.getAttribute('role')).toBe('img');
    expect(await diagram.getAttribute('aria-label')).toMatch(/^Reliability diagram/);
    await diagram.getByTestId('reliability-diagonal').waitFor();
    const bars = () =>
      diagram.getByTestId('reliability-bar').evaluateAll((rects) =>
        rects.map((r) => ({
          count: Number(r.getAttribute('data-count')),
          confidence: Number(r.getAttribute('data-confidence')),
          accuracy: Number(r.getAttribute('data-accuracy')),
          height: Number(r.getAttribute('height')),
        })),
      );
    const after = await bars();
    expect(after.length).toBeGreaterThan(1);
    expect(after.reduce((n, b) => n + b.count, 0)).toBe(10_000);
    // A 99%-accurate model puts most images in the last bin, (14/15, 1], where its bar is nearly full.
    const top = after.reduce((a, b) => (b.confidence > a.confidence ? b : a));
    expect(top.count).toBeGreaterThan(9_000);
    expect(top.accuracy).toBeGreaterThan(0.99);
    expect(Math.max(...after.map((b) => b.height))).toBeGreaterThan(150);
    await section(page)
      .screenshot({ path: join(artifactsDir, 'calibration', 'reliability.png') })
      .catch(() => undefined);

    // Before the temperature the same images are more confident when T > 1 (dividing the logits
    // by T softens them) and less when T < 1, as for a model trained with label smoothing: the
    // bins change, the total does not.
    const { model } = await loadModel(join(root, 'resources', 'default-model.tgk'));
    expect(model.temperature).not.toBe(1);
    await page.getByTestId('reliability-view-before').click();
    expect(await page.getByTestId('reliability-view-before').getAttribute('aria-checked')).toBe('true');
    const before = await bars();
    expect(before.reduce((n, b) => n + b.count, 0)).toBe(10_000);
    const meanConfidence = (bs: typeof after) => bs.reduce((s, b) => s + b.confidence * b.count, 0) / 10_000;
    expect(Math.sign(meanConfidence(before) - meanConfidence(after))).toBe(Math.sign(model.temperature - 1));
    await page.getByTestId('reliability-view-after').click();
  });

  it('an imported ONNX model, never calibrated, says so and draws one diagram', async () => {
    const { page } = session;
    await page.getByTestId('tab-models').click();
    await page.getByTestId('import-input').setInputFiles(torchMlp);
    await expect.poll(() => modelRowIds(page), { timeout: 30_000 }).toHaveLength(2);
    const imported = (await modelRowIds(page)).find((id) => id !== 'default')!;
    await page.getByTestId(`report-${imported}`).click();
    const panel = page.getByTestId(`report-panel-${imported}`);
    const summary = panel.getByTestId('calibration-summary');
    await summary.waitFor({ timeout: REPORT_TIMEOUT_MS });
    expect(await summary.textContent()).toMatch(
      /^Uncalibrated \(temperature 1\): expected calibration error \d+\.\d\d% on these 10,000 test images\.$/,
    );
    expect(await panel.getByTestId('reliability-view-before').count()).toBe(0);
    expect(await panel.getByTestId('rejection-summary').textContent()).toMatch(/^Never says “not a digit”/);
    await panel.getByTestId('reliability-diagonal').waitFor();
  });
});

function section(page: BrowserSession['page']) {
  return page.getByTestId('report-calibration').first();
}
