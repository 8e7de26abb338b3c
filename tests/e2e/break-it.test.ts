/**
 * "Break it" on the Network screen as a person uses it, by keyboard, in a real Chromium
 * against the browser mode's real engine process and the shipped default model: switch
 * off a unit of the first learned layer and see its map go to 0, add noise and see the
 * test accuracy fall and the drawing's reading change, Restore and see every layer's
 * values exactly as before, and save a broken model as a new one. The layers are checked
 * on the engine's own answers, captured off the wire.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResponseOf } from '../../src/shared/ipc/contract';
import type { ModelActivations } from '../../src/renderer/src/network/network-store';
import type { BrowserSession, RunningApp } from './harness';
import { artifactsDir, digits, drawStrokes, lastActivationsOn, predictedDigit, startAppInBrowser } from './harness';

let app: RunningApp;
let session: BrowserSession;
/** The engine's last answer to 'inspect:activations', as the page received it and filled in its derived layers. */
let lastActivations: () => ResponseOf<'inspect:activations'> | undefined = () => undefined;

beforeAll(async () => {
  ({ app, session } = await startAppInBrowser());
  lastActivations = lastActivationsOn(session.page);
});

afterAll(async () => {
  await session?.finish('break-it');
  await app?.stop();
});

/** The screen's activations answer the drawing now on the canvas, and no experiment request is out. */
async function settled(page: Page): Promise<boolean> {
  const screen = page.getByTestId('network-screen');
  const drawing = await screen.getAttribute('data-drawing-version');
  const busy = await page.getByTestId('experiment-panel').getAttribute('data-busy');
  return drawing !== null && drawing === (await screen.getAttribute('data-answered-version')) && busy === 'false';
}

/** Focuses a control and works it with the keyboard: Enter on a button. */
async function pressButton(page: Page, testId: string): Promise<void> {
  await page.getByTestId(testId).focus();
  await page.keyboard.press('Enter');
}

/** Types into a number field from the keyboard, replacing what it held. */
async function typeInto(page: Page, testId: string, text: string): Promise<void> {
  await page.getByTestId(testId).focus();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(text);
}

async function accuracy(page: Page): Promise<{ original: number; broken: number; count: number }> {
  const line = page.getByTestId('experiment-accuracy');
  return {
    original: Number(await line.getAttribute('data-original')),
    broken: Number(await line.getAttribute('data-broken')),
    count: Number(await line.getAttribute('data-count')),
  };
}

/** The values of map (or unit) `channel` of a layer's activations. */
function mapOf(activations: ModelActivations, layer: number, channel: number): number[] {
  const { shape, values } = activations.layers[layer];
  const size = shape.length === 3 ? shape[1] * shape[2] : 1;
  return Array.from(values.subarray(channel * size, (channel + 1) * size));
}

describe('Break it on the Network screen (browser mode, real engine process)', () => {
  let original: ModelActivations;
  let firstLayer: number;
  let lastLayer: number;

  it('switching off a unit of the first learned layer zeroes its map and names the test images the accuracy is on', async () => {
    const { page } = session;
    await drawStrokes(page, digits['7']);
    await expect.poll(() => predictedDigit(page), { timeout: 10_000 }).toBe('7');
    await page.getByTestId('tab-network').click();
    await expect.poll(() => settled(page), { timeout: 15_000 }).toBe(true);
    await expect
      .poll(() => lastActivations()?.originalProbabilities === undefined && lastActivations() !== undefined)
      .toBe(true);
    original = lastActivations()!;
    // Folded away until opened, by the keyboard here.
    expect(await page.getByTestId('experiment-layer').isVisible()).toBe(false);
    await pressButton(page, 'experiment-toggle');
    expect(await page.getByTestId('experiment-none').isVisible()).toBe(true);

    const options = await page
      .getByTestId('experiment-layer')
      .locator('option')
      .evaluateAll((os) => os.map((o) => Number((o as HTMLOptionElement).value)));
    [firstLayer, lastLayer] = [options[0], options.at(-1)!];
    expect(['conv2d', 'dense']).toContain(original.layers[firstLayer].kind);
    // Unit 0 of the first layer, unless its map is already all 0 for this drawing.
    const unit = [0, 1, 2].find((c) => mapOf(original, firstLayer, c).some((v) => v !== 0))!;
    await page.getByTestId('experiment-layer').focus();
    await page.getByTestId('experiment-layer').selectOption(String(firstLayer));
    await typeInto(page, 'experiment-unit', String(unit));
    await pressButton(page, 'experiment-switch-off');

    await expect.poll(() => page.getByTestId('experiment-panel').getAttribute('data-edits')).toBe('1');
    await expect.poll(() => settled(page), { timeout: 30_000 }).toBe(true);
    await expect.poll(() => lastActivations()?.originalProbabilities !== undefined, { timeout: 10_000 }).toBe(true);
    expect(mapOf(lastActivations()!, firstLayer, unit).every((v) => v === 0)).toBe(true);
    expect(mapOf(lastActivations()!, firstLayer, unit === 0 ? 1 : 0)).toEqual(
      mapOf(original, firstLayer, unit === 0 ? 1 : 0),
    );
    expect(await page.getByTestId('experiment-on').isVisible()).toBe(true);
    const { count, original: before } = await accuracy(page);
    expect(count).toBe(1000);
    expect(before).toBeGreaterThan(0.9);
    expect(await page.getByTestId('experiment-accuracy').textContent()).toContain(
      'first 1,000 of MNIST’s 10,000 test images',
    );
    expect(await page.getByTestId('experiment-edit-0').textContent()).toContain(
      `Layer ${firstLayer}: unit ${unit} off`,
    );
  });

  it('noise on the last layer’s weights lowers the test accuracy and changes the drawing’s probabilities', async () => {
    const { page } = session;
    await page.getByTestId('experiment-layer').selectOption(String(lastLayer));
    await typeInto(page, 'experiment-noise-scale', '3');
    await typeInto(page, 'experiment-seed', '7');
    await pressButton(page, 'experiment-add-noise');
    await expect.poll(() => page.getByTestId('experiment-panel').getAttribute('data-edits')).toBe('2');
    await expect.poll(() => settled(page), { timeout: 30_000 }).toBe(true);
    await expect
      .poll(async () => (await accuracy(page)).broken < (await accuracy(page)).original - 0.1, { timeout: 30_000 })
      .toBe(true);
    // The logits move (a confident 7 may keep its probability to three places); the probabilities with them.
    const logits = (a: ModelActivations) => Array.from(a.layers.at(-1)!.values);
    await expect
      .poll(() => logits(lastActivations()!).some((z, i) => Math.abs(z - logits(original)[i]) > 0.1), {
        timeout: 10_000,
      })
      .toBe(true);
    expect(lastActivations()!.probabilities).not.toEqual(original.probabilities);
    expect(lastActivations()!.originalProbabilities).toEqual(original.probabilities);
    expect(await page.getByTestId('experiment-edit-1').textContent()).toMatch(
      new RegExp(`^Layer ${lastLayer}: noise 3 × RMS \\(σ = [0-9.]+\\), seed 7`),
    );
    expect(await page.getByTestId('experiment-drawing').textContent()).toMatch(
      /^Your drawing: 7 \(\d+\.\d%\) → \d \(\d+\.\d%\)$/,
    );
    await page
      .screenshot({ path: join(artifactsDir, 'break-it', 'broken.png'), fullPage: true })
      .catch(() => undefined);
  });

  it('saves the broken model as a new model, leaving the active one as it was', async () => {
    const { page } = session;
    await typeInto(page, 'experiment-name', 'Noisy on purpose');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.getByTestId('experiment-saved').textContent(), { timeout: 15_000 })
      .toContain('Noisy on purpose');
    const models = await page.evaluate(
      async () => (await window.tegaki.models.list()) as { ok: boolean; value: { name: string; active: boolean }[] },
    );
    expect(models.value.find((m) => m.name === 'Noisy on purpose')).toMatchObject({ active: false });
    expect(models.value.find((m) => m.active)?.name).not.toBe('Noisy on purpose');
  });

  it('Restore gives back every layer’s values and the probabilities exactly', async () => {
    const { page } = session;
    await pressButton(page, 'experiment-restore');
    await expect.poll(() => page.getByTestId('experiment-none').isVisible(), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => settled(page), { timeout: 15_000 }).toBe(true);
    await expect.poll(() => lastActivations()?.originalProbabilities === undefined, { timeout: 10_000 }).toBe(true);
    expect(await page.getByTestId('experiment-on').count()).toBe(0);
    expect(lastActivations()!.probabilities).toEqual(original.probabilities);
    lastActivations()!.layers.forEach((layer, i) =>
      expect(Array.from(layer.values), `layer ${i}`).toEqual(Array.from(original.layers[i].values)),
    );
  });

  it('in Japanese, the panel is translated', async () => {
    const { page } = session;
    await page.getByTestId('tab-settings').click();
    await page.getByTestId('language-select').selectOption('ja');
    await page.getByTestId('tab-network').click();
    await expect.poll(() => page.getByTestId('experiment-panel').locator('h2').textContent()).toBe('壊してみる');
    expect(await page.getByTestId('experiment-restore').textContent()).toBe('元に戻す');
    expect(await page.getByTestId('experiment-none').textContent()).toBe('変更なし：学習したままのモデルです。');
    await page.getByTestId('tab-settings').click();
    await page.getByTestId('language-select').selectOption('en');
  });
});
