/**
 * The training screen as a person uses it, in a real Chromium at the smallest window the
 * layout promises (1024x700), against the browser mode's real services and engine child
 * process: the form refuses invalid values, a small job shows its progress and curves
 * and opens its report, and a long job is cancelled without saving anything.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { BrowserSession, RunningApp } from './harness';
import { artifactsDir, startAppInBrowser } from './harness';
import { loadModelFile } from '../../src/digits/io/model-file';
import { fromWire } from '../../src/shared/ipc/wire';
import { MIN_WINDOW_SIZE } from '../../src/shared/window-size';

let app: RunningApp;
let session: BrowserSession;

beforeAll(async () => {
  ({ app, session } = await startAppInBrowser({ viewport: MIN_WINDOW_SIZE, screen: 'train' }));
});

// Each scenario starts on the training tab, whatever the one before it left open.
beforeEach(async () => {
  await session.page.getByTestId('tab-train').click();
  await session.page.getByTestId('train-button').waitFor();
});

afterAll(async () => {
  await session?.finish('train-screen');
  await app?.stop();
});

async function modelIds(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const result = await window.tegaki.models.list();
    if (!result.ok) throw new Error(result.error.message);
    return result.value.map((m) => m.id);
  });
}

async function fill(page: Page, field: string, value: string): Promise<void> {
  await page.getByTestId(`field-${field}`).fill(value);
}

/** Picks the quick preset, then fills `fields` (name to value) in order, as a person sets up a small job. */
async function fillQuickJob(page: Page, fields: Record<string, string>): Promise<void> {
  await page.getByTestId('preset-select').selectOption('quick');
  for (const [field, value] of Object.entries(fields)) await fill(page, field, value);
}

/** Samples what the page shows every few milliseconds, so progress between two awaits is not missed. */
async function startSampling(page: Page): Promise<void> {
  await page.evaluate(() => {
    const log: { fraction: number | null; step: string | null; lossPoints: number; accuracyPoints: number }[] = [];
    const read = (id: string) => document.querySelector(`[data-testid="${id}"]`);
    const timer = setInterval(() => {
      const progress = read('train-progress');
      log.push({
        fraction: progress ? Number(progress.getAttribute('data-fraction')) : null,
        step: read('train-step')?.textContent ?? null,
        lossPoints: Number(read('loss-chart')?.getAttribute('data-points') ?? 0),
        accuracyPoints: Number(read('accuracy-chart')?.getAttribute('data-points') ?? 0),
      });
    }, 5);
    Object.assign(window, { trainingLog: log, stopTrainingLog: () => clearInterval(timer) });
  });
}

type Sample = { fraction: number | null; step: string | null; lossPoints: number; accuracyPoints: number };

async function stopSampling(page: Page): Promise<Sample[]> {
  return page.evaluate(() => {
    const w = window as unknown as { trainingLog: Sample[]; stopTrainingLog: () => void };
    w.stopTrainingLog();
    return w.trainingLog;
  });
}

describe('the training screen in a real Chromium (browser mode, real engine process)', () => {
  it('rejects invalid values with a message next to each field and does not start', async () => {
    const { page } = session;
    const before = await modelIds(page);
    await fill(page, 'learningRate', '-1');
    await fill(page, 'batchSize', '0');
    await expect.poll(() => page.getByTestId('field-error-learningRate').textContent()).toBe('Must be more than 0.');
    expect(await page.getByTestId('field-error-batchSize').textContent()).toBe('Must be at least 1.');
    expect(await page.getByTestId('field-learningRate').getAttribute('aria-invalid')).toBe('true');

    // Enter in a field submits, as it does in any form.
    await page.getByTestId('field-batchSize').press('Enter');
    await page.getByTestId('train-invalid').waitFor();
    // Focus goes to the first field to fix.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('field-learningRate');
    await page.waitForTimeout(500);
    expect(await page.getByTestId('train-progress').count()).toBe(0);
    expect(await page.getByTestId('train-monitor').getAttribute('data-status')).toBe('idle');
    expect(await modelIds(page)).toEqual(before);

    await fill(page, 'learningRate', '0.002');
    await fill(page, 'batchSize', '64');
    await expect.poll(() => page.getByTestId('field-error-learningRate').count()).toBe(0);
    expect(await page.getByTestId('field-error-batchSize').count()).toBe(0);
    expect(await page.getByTestId('train-invalid').count()).toBe(0);
  });

  it('a small job shows its progress and curves, finishes, opens its report and asks about the model', async () => {
    const { page } = session;
    const before = await modelIds(page);
    await fillQuickJob(page, {
      'hiddenLayers.0.units': '32',
      trainSize: '2000',
      epochs: '2',
      // Small batches make enough steps (1,000) for the progress to be seen moving.
      batchSize: '4',
      testSize: '500',
      name: 'e2e small net',
    });
    expect(await page.getByTestId('preset-select').inputValue()).toBe('custom');

    await startSampling(page);
    await page.getByTestId('train-button').click();
    await expect
      .poll(() => page.getByTestId('tab-report').getAttribute('aria-selected'), { timeout: 60_000 })
      .toBe('true');
    const samples = await stopSampling(page);

    // The bar moved part-way, and only forward (the engine may skip its last report: see below).
    const fractions = samples.map((s) => s.fraction).filter((f): f is number => f !== null);
    const seen = `progress values seen: ${[...new Set(fractions)].join(', ')}`;
    expect(
      fractions.some((f) => f > 0 && f < 1),
      seen,
    ).toBe(true);
    expect(
      fractions.every((f, i) => i === 0 || f >= fractions[i - 1]),
      seen,
    ).toBe(true);
    expect(samples.some((s) => /^Step [\d,]+ \/ 1,000$/.test(s.step ?? ''))).toBe(true);
    // The loss chart had points while the job was still under way.
    expect(samples.some((s) => s.lossPoints > 0 && s.fraction !== null && s.fraction < 1)).toBe(true);

    // Saved, once; the question stays in view on the report until answered.
    const after = await modelIds(page);
    expect(after).toHaveLength(before.length + 1);
    const outcome = page.getByTestId('training-outcome');
    expect(await outcome.textContent()).toContain('e2e small net');
    await page.getByTestId('make-active-no').click();
    await expect.poll(() => outcome.count()).toBe(0);
    const active = await page.evaluate(async () => {
      const result = await window.tegaki.models.active();
      return result.ok ? result.value.id : undefined;
    });
    expect(active).toBe('default');

    // Back on the tab, the finished job is still there with both epochs on the chart.
    await page.getByTestId('tab-train').click();
    expect(await page.getByTestId('train-status').getAttribute('data-status')).toBe('done');
    expect(await page.getByTestId('train-step').textContent()).toBe('Step 1,000 / 1,000');
    expect(await page.getByTestId('train-epoch').textContent()).toBe('Epoch 2 / 2');
    expect(await page.getByTestId('accuracy-chart').getAttribute('data-points')).toBe('2');
    expect(Number(await page.getByTestId('loss-chart').getAttribute('data-points'))).toBeGreaterThan(1);
  });

  it('a long job is cancelled with the Cancel button: back to idle, cancelled, nothing saved', async () => {
    const { page } = session;
    const before = await modelIds(page);
    await page.getByTestId('preset-select').selectOption('recommended');
    await fill(page, 'name', '');
    // The images before the validation set, the last 5,000, which the preset holds out.
    expect(await page.getByTestId('field-trainSize').inputValue()).toBe('55000');
    expect(await page.getByTestId('field-validationSize').inputValue()).toBe('5000');

    await page.getByTestId('train-button').click();
    const progress = page.getByTestId('train-progress');
    await expect
      .poll(async () => Number((await progress.getAttribute('data-fraction')) ?? 0), { timeout: 60_000 })
      .toBeGreaterThan(0);
    expect(await page.getByTestId('train-button').isDisabled()).toBe(true);
    // The disabled Train button hands keyboard focus to Cancel.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('cancel-button');
    // Let the first epoch land on the accuracy chart, so the picture shows a job in full flight.
    await expect
      .poll(async () => Number(await page.getByTestId('accuracy-chart').getAttribute('data-points')), {
        timeout: 60_000,
      })
      .toBeGreaterThanOrEqual(1);
    expect(await page.getByTestId('train-epoch').textContent()).toMatch(/^Epoch \d+ \/ 10$/);
    await page.screenshot({ path: join(artifactsDir, 'train-screen', 'running.png') });
    // The job lives outside the screen: away on another tab and back, it is still running, further on.
    const stepBefore = Number(await progress.getAttribute('value'));
    await page.getByTestId('tab-draw').click();
    await page.getByTestId('draw-canvas').waitFor();
    await page.waitForTimeout(300);
    await page.getByTestId('tab-train').click();
    await expect.poll(async () => Number(await progress.getAttribute('value'))).toBeGreaterThan(stepBefore);
    expect(Number(await page.getByTestId('accuracy-chart').getAttribute('data-points'))).toBeGreaterThanOrEqual(1);
    await page.getByTestId('cancel-button').click();

    await expect
      .poll(() => page.getByTestId('train-status').getAttribute('data-status'), { timeout: 30_000 })
      .toBe('cancelled');
    expect(await page.getByTestId('train-status').textContent()).toContain('cancelled');
    expect(await page.getByTestId('cancel-button').count()).toBe(0);
    expect(await page.getByTestId('train-progress').count()).toBe(0);
    expect(await page.getByTestId('train-error').count()).toBe(0);
    expect(await page.getByTestId('train-button').isEnabled()).toBe(true);
    expect(await page.getByTestId('tab-train').getAttribute('aria-selected')).toBe('true');
    await page.waitForTimeout(1000);
    expect(await modelIds(page)).toEqual(before);
  });
  it('a diverging job says so, names the learning rate and saves nothing', async () => {
    const { page } = session;
    const before = await modelIds(page);
    await page.getByTestId('preset-select').selectOption('quick');
    await fill(page, 'hiddenLayers.0.units', '512');
    await page.getByTestId('add-layer').click();
    await page.getByTestId('field-init').selectOption('uniform');
    await fill(page, 'initScale', '10');
    await page.getByTestId('field-optimizer').selectOption('momentum');
    await fill(page, 'momentum', '0.99');
    await fill(page, 'learningRate', '10');
    await fill(page, 'trainSize', '2000');
    await fill(page, 'epochs', '1');
    await page.getByTestId('train-button').click();

    const error = page.getByTestId('train-error');
    await error.waitFor({ timeout: 60_000 });
    expect(await error.getAttribute('data-code')).toBe('diverged');
    expect(await error.textContent()).toMatch(/diverged.*learning rate/i);
    expect(await error.getAttribute('role')).toBe('alert');
    expect(await page.getByTestId('train-button').isEnabled()).toBe(true);
    expect(await modelIds(page)).toEqual(before);
  });
  it('a page reloaded during a job picks the job up again and can still cancel it', async () => {
    const { page } = session;
    const before = await modelIds(page);
    await page.getByTestId('preset-select').selectOption('recommended');
    await page.getByTestId('train-button').click();
    const progress = page.getByTestId('train-progress');
    await expect
      .poll(async () => Number((await progress.getAttribute('data-fraction')) ?? 0), { timeout: 60_000 })
      .toBeGreaterThan(0);

    await page.reload();
    await page.getByTestId('tab-train').click();
    await expect
      .poll(async () => Number((await progress.getAttribute('data-fraction')) ?? 0), { timeout: 30_000 })
      .toBeGreaterThan(0);
    await page.getByTestId('cancel-button').click();
    await expect
      .poll(() => page.getByTestId('train-status').getAttribute('data-status'), { timeout: 30_000 })
      .toBe('cancelled');
    expect(await modelIds(page)).toEqual(before);
  });

  it('the Threads field starts at the cores minus one, and the count typed there trains the model and is in its file', async () => {
    const { page } = session;
    const machine = await page.evaluate(async () => {
      const result = await window.tegaki.machine();
      if (!result.ok) throw new Error(result.error.message);
      return result.value;
    });
    const field = page.getByTestId('field-threads');
    await expect.poll(() => field.inputValue()).toBe(String(Math.max(1, machine.cores - 1)));
    expect(await page.locator('label[for="train-threads"]').textContent()).toBe('Threads');
    expect(await page.locator('#train-threads-hint').textContent()).toContain(`${machine.cores} cores minus one`);

    await fill(page, 'threads', '65');
    await expect.poll(() => page.getByTestId('field-error-threads').textContent()).toBe('Must be at most 64.');

    await fillQuickJob(page, {
      threads: '2',
      'hiddenLayers.0.units': '16',
      trainSize: '1000',
      epochs: '1',
      batchSize: '50',
      testSize: '200',
      name: 'e2e two threads',
    });
    const sent: unknown[] = [];
    const onRequest = (request: { url(): string; postData(): string | null }): void => {
      if (request.url().includes('/api/invoke/training%3Astart'))
        sent.push((fromWire(request.postData() ?? '') as { payload: unknown }).payload);
    };
    page.on('request', onRequest);
    const filesBefore = await readdir(join(app.dataDir, 'models')).catch(() => [] as string[]);
    await page.getByTestId('train-button').click();
    await page.getByTestId('make-active-no').waitFor({ timeout: 60_000 });
    page.off('request', onRequest);
    await page.getByTestId('make-active-no').click();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ threads: 2, hyperparameters: { batchSize: 50 } });
    expect(sent[0]).not.toHaveProperty('hyperparameters.threads');
    // The form keeps the count for the next run.
    await page.getByTestId('tab-train').click();
    expect(await field.inputValue()).toBe('2');

    const added = (await readdir(join(app.dataDir, 'models'))).filter(
      (f) => f.endsWith('.tgk') && !filesBefore.includes(f),
    );
    expect(added).toHaveLength(1);
    expect((await loadModelFile(join(app.dataDir, 'models', added[0]))).metadata.threads).toBe(2);
  });

  it('trains a convolutional net built in the form', async () => {
    const { page } = session;
    await page.getByTestId('preset-select').selectOption('quick');
    // Conv blocks sit in a collapsed section.
    await page.locator('details:has([data-testid="add-conv-block"]) > summary').click();
    await page.getByTestId('add-conv-block').click();
    await fill(page, 'convBlocks.0.filters', '4');
    await fill(page, 'convBlocks.0.kernelSize', '3');
    await fill(page, 'convBlocks.0.pool', '2');
    await fill(page, 'trainSize', '1000');
    await fill(page, 'epochs', '1');
    await fill(page, 'testSize', '200');
    await fill(page, 'name', 'e2e conv net');
    const before = await modelIds(page);
    await page.getByTestId('train-button').click();
    await page.getByTestId('make-active-no').waitFor({ timeout: 60_000 });
    await page.getByTestId('make-active-no').click();
    const added = await page.evaluate(async () => {
      const result = await window.tegaki.models.list();
      return result.ok
        ? result.value.filter((m) => m.name === 'e2e conv net').map((m) => ({ id: m.id, architecture: m.architecture }))
        : [];
    });
    expect(added).toHaveLength(1);
    expect(before).not.toContain(added[0].id);
    expect(added[0].architecture).toMatch(/conv4x3-pool2/);
  });
});
