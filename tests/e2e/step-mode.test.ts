/**
 * Step mode on the Network screen as a person uses it, in a real Chromium against the
 * browser mode's real engine process and MNIST: open it by keyboard, start the notes'
 * 784-100-10, take a step with the N key and another with the button, and read the
 * loss, the backward pass's numbers and the first layer's gradient images. The numbers are
 * checked against the engine's own record, captured off the wire. Then the Train form's own
 * network, sent by its "Step through this network".
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResponseOf } from '../../src/shared/ipc/contract';
import type { BrowserSession, RunningApp } from './harness';
import { artifactsDir, lastAnswerOn, startAppInBrowser } from './harness';

let app: RunningApp;
let session: BrowserSession;
/** The engine's last step record, as the page received it. */
let lastRecord: () => ResponseOf<'step:next'> | undefined = () => undefined;

beforeAll(async () => {
  ({ app, session } = await startAppInBrowser());
  lastRecord = lastAnswerOn(session.page, 'step:next');
});

afterAll(async () => {
  await session?.finish('step-mode');
  await app?.stop();
});

const stepShown = async (page: Page): Promise<number> =>
  Number(
    (await page
      .getByTestId('step-status')
      .getAttribute('data-step')
      .catch(() => null)) ?? 0,
  );

/** How many pixels of a canvas are not the background's grey: a blank sheet has none. */
async function paintedPixels(page: Page, testId: string): Promise<number> {
  return page.getByTestId(testId).evaluate((canvas) => {
    const c = canvas as HTMLCanvasElement;
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    const seen = new Set<string>();
    for (let i = 0; i < data.length; i += 4) seen.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
    return seen.size;
  });
}

describe('Step mode on the Network screen (browser mode, real engine process)', () => {
  it("takes one step of the notes' 784-100-10 by keyboard and shows the loss, the backward pass and a gradient image", async () => {
    const { page } = session;
    await page.getByTestId('tab-network').click();
    await page.getByTestId('step-toggle').focus();
    await page.keyboard.press('Enter');
    expect(await page.getByTestId('step-network').inputValue()).toBe('seed-classic');
    await page.getByTestId('step-start').focus();
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.getByTestId('step-session').textContent(), { timeout: 30_000 })
      .toContain('784-100-10 sigmoid (79,510 parameters)');
    await page.keyboard.press('n');
    await expect.poll(() => stepShown(page), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => lastRecord()?.step).toBe(1);
    const record = lastRecord()!;
    const loss = Number(await page.getByTestId('step-status').getAttribute('data-loss'));
    expect(loss).toBe(record.loss);
    expect(loss).toBeGreaterThan(0.5); // a fresh network is near chance: about log 10
    expect(await page.getByTestId('step-status').textContent()).toMatch(
      /^Step 1 \(epoch 1\): loss \d+\.\d{4}, η = 0\.4000$/,
    );
    expect(await page.getByTestId('step-labels').textContent()).toBe(`Labels: ${record.batch.labels.join(' ')}`);

    // The hidden layer's first unit: D = f′(u) × (from above), the engine's numbers.
    const hidden = record.layers[0];
    const line = await page.getByTestId(`step-numbers-${hidden.index}`).locator('li').first().textContent();
    expect(line).toMatch(/^D0 = f′\(.+\) × .+ = .+ × .+ = .+$/);
    const shownDelta = Number(
      line!
        .slice(line!.lastIndexOf('=') + 1)
        .trim()
        .replace('−', '-'),
    );
    expect(shownDelta).toBeCloseTo(hidden.numbers.delta[0], 4);
    expect(await page.getByTestId(`step-update-${hidden.index}`).textContent()).toMatch(/^Update: ‖ΔW‖ = /);

    // The first layer's weight gradient as 28x28 images, and the batch, are painted.
    expect(record.firstLayerGradient.values.some((v) => v !== 0)).toBe(true);
    expect(await page.getByTestId('step-gradient-images').isVisible()).toBe(true);
    expect(await paintedPixels(page, 'step-gradient-images')).toBeGreaterThan(2);
    expect(await paintedPixels(page, 'step-batch')).toBeGreaterThan(2);
    await page
      .getByTestId('step-panel')
      .screenshot({ path: join(artifactsDir, 'step-mode', 'step.png') })
      .catch(() => undefined);
  });

  it('the Step button takes the next step, and the losses so far are listed', async () => {
    const { page } = session;
    const first = lastRecord()!.loss;
    await page.getByTestId('step-next').click();
    await expect.poll(() => stepShown(page), { timeout: 15_000 }).toBe(2);
    expect(await page.getByTestId('step-losses').textContent()).toContain(`1: ${first.toFixed(3)}`);
  });

  it('in Japanese, the panel is translated', async () => {
    const { page } = session;
    await page.getByTestId('tab-settings').click();
    await page.getByTestId('language-select').selectOption('ja');
    await page.getByTestId('tab-network').click();
    await expect.poll(() => page.getByTestId('step-panel').locator('h2').textContent()).toBe('1 ステップずつ学習');
    expect(await page.getByTestId('step-status').textContent()).toMatch(/^ステップ 2（エポック 1）：損失 /);
    await page.getByTestId('tab-settings').click();
    await page.getByTestId('language-select').selectOption('en');
  });

  it('steps through the network set up on the Train form: a 784-32-10 ReLU with Adam', async () => {
    const { page } = session;
    await page.getByTestId('tab-train').click();
    await page.getByTestId('preset-select').selectOption('quick');
    await page.getByTestId('field-hiddenLayers.0.units').fill('32');
    await page.getByTestId('field-hiddenLayers.0.activation').selectOption('relu');
    await page.getByTestId('field-optimizer').selectOption('adam');
    const button = page.getByTestId('step-through-button');
    expect(await button.isEnabled()).toBe(true);

    // 400 units take it past step mode's limit: the button is disabled and says why.
    await page.getByTestId('field-hiddenLayers.0.units').fill('400');
    await expect.poll(() => button.isDisabled()).toBe(true);
    expect(await page.getByTestId('step-through-note').textContent()).toBe(
      'Step mode takes networks of up to 300,000 parameters; this one has 318,010.',
    );
    await page.getByTestId('field-hiddenLayers.0.units').fill('32');
    await expect.poll(() => button.isEnabled()).toBe(true);

    await button.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('step-panel').getAttribute('open')).not.toBeNull();
    await expect
      .poll(() => page.getByTestId('step-session').textContent(), { timeout: 30_000 })
      .toContain('784-32-10 relu (25,450 parameters)');
    expect(await page.getByTestId('step-session').textContent()).toContain('adam');
    expect(await page.getByTestId('step-stepping').textContent()).toBe('Stepping: The Train form’s network');
    expect(await page.getByTestId('step-network').inputValue()).toBe('train-form');
    await page.keyboard.press('n');
    await expect.poll(() => stepShown(page), { timeout: 15_000 }).toBe(1);
    const record = lastRecord()!;
    expect(record.layers.map((l) => [l.inputs, l.units])).toEqual([
      [784, 32],
      [32, 10],
    ]);
    const loss = Number(await page.getByTestId('step-status').getAttribute('data-loss'));
    expect(loss).toBe(record.loss);
    expect(await page.getByTestId('step-status').textContent()).toMatch(/^Step 1 \(epoch 1\): loss \d+\.\d{4}, /);
  });
});
