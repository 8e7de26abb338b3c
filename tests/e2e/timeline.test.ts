/**
 * The training timeline as a person uses it, in a real Chromium against the browser mode's
 * real engine process: a small model trained with snapshots kept, its timeline scrubbed by
 * keyboard on the Network screen (the layers, the filters and the drawing's prediction
 * follow), and in its report the test accuracy at an early snapshot against the final one.
 * The layers are checked on the engine's own answers, captured off the wire.
 */
import { join } from 'node:path';
import type { Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../src/shared/ipc/contract';
import { fromWire } from '../../src/shared/ipc/wire';
import type { ModelActivations } from '../../src/renderer/src/network/network-store';
import type { LayerParameters } from '../../src/shared/inspection';
import type { BrowserSession, RunningApp } from './harness';
import { artifactsDir, digits, drawStrokes, smallTrainingRequest, startAppInBrowser, trainThroughApi } from './harness';

let app: RunningApp;
let session: BrowserSession;
/** The engine's answers to 'inspect:activations' and 'inspect:parameters', by snapshot ('' for the model as saved). */
const activationsBySnapshot = new Map<string, ModelActivations>();
const parametersBySnapshot = new Map<string, LayerParameters & { snapshot?: number }>();

beforeAll(async () => {
  ({ app, session } = await startAppInBrowser());
  session.page.on('response', (response: Response) => {
    const url = response.url();
    const activations = url.includes('/api/invoke/inspect%3Aactivations');
    const parameters = url.includes('/api/invoke/inspect%3Aparameters');
    if (!activations && !parameters) return;
    void response
      .text()
      .then((text) => {
        const result = fromWire(text) as Result<ModelActivations & LayerParameters>;
        if (!result.ok) return;
        const key = String(result.value.snapshot ?? '');
        if (activations) activationsBySnapshot.set(key, result.value);
        else if (result.value.index === 0) parametersBySnapshot.set(key, result.value);
      })
      .catch(() => undefined);
  });
});

afterAll(async () => {
  await session?.finish('timeline');
  await app?.stop();
});

/** The Network screen shows the engine's answer for the drawing now on the canvas, through snapshot `snapshot` ('' : the model). */
async function showing(page: Page, snapshot: string): Promise<boolean> {
  const screen = page.getByTestId('network-screen');
  const drawing = await screen.getAttribute('data-drawing-version');
  const answered = await screen.getAttribute('data-answered-version');
  const shown = await page.getByTestId('timeline-panel').getAttribute('data-shown-snapshot');
  return drawing !== null && drawing === answered && shown === snapshot;
}

async function softmaxBars(page: Page): Promise<number[]> {
  const bars = page.getByTestId('network-softmax');
  return Promise.all(
    Array.from({ length: 10 }, async (_, digit) =>
      Number(await bars.getByTestId(`prob-bar-${digit}`).getAttribute('data-probability')),
    ),
  );
}

describe('the training timeline (browser mode, real engine process)', () => {
  let modelId: string;

  it('trains a small model with snapshots kept: the start, steps 10 and 30, and each epoch end', async () => {
    const { page } = session;
    // 3,000 images in batches of 64: 47 steps an epoch, 94 in all.
    modelId = await trainThroughApi(page, {
      ...smallTrainingRequest('timeline e2e', { epochs: 2 }),
      keepSnapshots: true,
    });
    const timeline = await page.evaluate((id) => window.tegaki.timeline.list(id), modelId);
    expect(timeline.ok && timeline.value.snapshots.map((s) => s.step)).toEqual([0, 10, 30, 47, 94]);
    const active = await page.evaluate((id) => window.tegaki.models.setActive(id), modelId);
    expect(active.ok).toBe(true);
  }, 180_000);

  it('scrubbing the Network screen by keyboard changes the layers, the filters and the prediction', async () => {
    const { page } = session;
    await drawStrokes(page, digits['7']);
    await page.getByTestId('tab-network').click();
    const panel = page.getByTestId('timeline-panel');
    await expect.poll(() => panel.getAttribute('data-count'), { timeout: 30_000 }).toBe('5');
    await expect.poll(() => showing(page, ''), { timeout: 30_000 }).toBe(true);
    const finalBars = await softmaxBars(page);
    expect(await page.getByTestId('timeline-point').textContent()).toBe(
      'Snapshot 5 of 5: after 94 steps (epoch 2) — the trained model',
    );
    await expect.poll(() => parametersBySnapshot.has(''), { timeout: 30_000 }).toBe(true);

    // Home: the weights as initialised from the seed.
    await page.getByTestId('timeline-slider').focus();
    await page.keyboard.press('Home');
    await expect.poll(() => showing(page, '0'), { timeout: 30_000 }).toBe(true);
    expect(await page.getByTestId('timeline-point').textContent()).toBe('Snapshot 1 of 5: after 0 steps (epoch 0)');
    expect(await page.getByTestId('timeline-slider').getAttribute('aria-valuetext')).toBe(
      'Snapshot 1 of 5: after 0 steps (epoch 0)',
    );
    const atStart = activationsBySnapshot.get('0')!;
    const atEnd = activationsBySnapshot.get('')!;
    expect(atStart.snapshot).toBe(0);
    expect(Array.from(atStart.layers[0].values)).not.toEqual(Array.from(atEnd.layers[0].values));
    // The drawing's prediction on screen is the snapshot's: an untrained network is unsure.
    await expect.poll(async () => JSON.stringify(await softmaxBars(page))).not.toBe(JSON.stringify(finalBars));
    expect(Math.max(...(await softmaxBars(page)))).toBeLessThan(Math.max(...finalBars));
    // The first layer's weights (its 28x28 templates) are the snapshot's too.
    await expect.poll(() => parametersBySnapshot.has('0'), { timeout: 30_000 }).toBe(true);
    expect(Array.from(parametersBySnapshot.get('0')!.tensors[0].values)).not.toEqual(
      Array.from(parametersBySnapshot.get('')!.tensors[0].values),
    );
    await page.getByTestId('layer-templates-0').waitFor();
    await page.screenshot({ path: join(artifactsDir, 'timeline', 'network-at-start.png') });

    // The arrow key moves one snapshot on; End goes back to the model as saved, exactly.
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => showing(page, '1'), { timeout: 30_000 }).toBe(true);
    expect(await page.getByTestId('timeline-point').textContent()).toBe('Snapshot 2 of 5: after 10 steps (epoch 0.21)');
    await page.keyboard.press('End');
    await expect.poll(() => showing(page, ''), { timeout: 30_000 }).toBe(true);
    expect(await softmaxBars(page)).toEqual(finalBars);
  }, 120_000);

  it('in Japanese, the timeline panel is translated', async () => {
    const { page } = session;
    await page.getByTestId('tab-settings').click();
    await page.getByTestId('language-select').selectOption('ja');
    await page.getByTestId('tab-network').click();
    const panel = page.getByTestId('timeline-panel');
    await expect.poll(() => panel.getAttribute('data-count'), { timeout: 30_000 }).toBe('5');
    expect(await panel.locator('summary').textContent()).toBe('学習のタイムライン');
    expect(await page.getByTestId('timeline-point').textContent()).toBe(
      'スナップショット 5 / 5：94 ステップ後（エポック 2） — 学習済みのモデル',
    );
    expect(await page.getByTestId('timeline-slider').getAttribute('aria-valuetext')).toMatch(
      /^スナップショット 5 \/ 5：/,
    );
    expect(await panel.getByText('学習の時点').count()).toBe(1);
    expect(await page.getByTestId('timeline-replay').textContent()).toBe('再生');
    await page.screenshot({ path: join(artifactsDir, 'timeline', 'ja.png') }).catch(() => undefined);
    await page.getByTestId('tab-settings').click();
    await page.getByTestId('language-select').selectOption('en');
  });

  it("the report's timeline gives the accuracy at an early snapshot, below the final one", async () => {
    const { page } = session;
    await page.getByTestId('tab-report').click();
    await page.getByTestId('report-model').selectOption(modelId);
    const fold = page.getByTestId(`report-timeline-${modelId}`);
    await fold.locator('summary').focus();
    await page.keyboard.press('Enter');
    const line = page.getByTestId('report-timeline-accuracy');
    await expect.poll(() => line.getAttribute('data-index'), { timeout: 60_000 }).toBe('4');
    const final = Number(await line.getAttribute('data-accuracy'));
    expect(Number(await line.getAttribute('data-final'))).toBe(final);
    expect(final).toBeGreaterThan(0.7);
    await page.getByTestId('report-timeline-slider').focus();
    await page.keyboard.press('Home');
    await expect.poll(() => line.getAttribute('data-index'), { timeout: 60_000 }).toBe('0');
    const start = Number(await line.getAttribute('data-accuracy'));
    expect(start).toBeLessThan(final - 0.3);
    expect(await line.textContent()).toMatch(
      /^Accuracy here: \d+\.\d% on the first 1,000 test images \(at the end of training: \d+\.\d%\)\.$/,
    );
    // Its confusion matrix counts the same 1,000 images.
    const cells = fold.getByTestId('confusion-matrix').locator('button');
    const counts = await cells.evaluateAll((buttons) => buttons.map((b) => Number(b.getAttribute('data-count'))));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1000);
  }, 120_000);

  it('Replay trains the same run again from its seed: the same snapshots, bit for bit', async () => {
    const { page } = session;
    await page.getByTestId('tab-network').click();
    await expect
      .poll(() => page.getByTestId('timeline-panel').getAttribute('data-count'), { timeout: 30_000 })
      .toBe('5');
    const replayed = page.evaluate(
      () =>
        new Promise<string>((resolve) => {
          const stop = window.tegaki.training.onDone(({ model }) => {
            stop();
            resolve(model.id);
          });
        }),
    );
    await page.getByTestId('timeline-replay').focus();
    await page.keyboard.press('Enter');
    const replayId = await replayed;
    // The person watched it on the Train screen, which opens the finished model's report.
    await expect.poll(() => page.getByTestId('report-model').inputValue(), { timeout: 30_000 }).toBe(replayId);
    const models = await page.evaluate(() => window.tegaki.models.list());
    expect(models.ok && models.value.find((m) => m.id === replayId)?.name).toBe('timeline e2e (replay)');
    const weightsAt = (id: string, snapshot: number) =>
      page.evaluate(
        async ({ id, snapshot }) => {
          const result = await window.tegaki.inspect.parameters(0, id, snapshot);
          return result.ok ? result.value.tensors.map((t) => Array.from(t.values)) : result.error.message;
        },
        { id, snapshot },
      );
    for (const snapshot of [0, 2, 4])
      expect(await weightsAt(replayId, snapshot)).toEqual(await weightsAt(modelId, snapshot));
  }, 180_000);
});
