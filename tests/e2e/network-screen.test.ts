/**
 * The Network screen as a person uses it, in a real Chromium against the browser mode's
 * real engine process and the shipped default model: draw a digit, open the screen, see
 * every layer, read a unit's formula by hovering and by keyboard, and in Japanese. The
 * numbers are checked against the engine's own answer, captured off the wire. Also
 * measures pointer-up to an updated screen (a figure).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Activations } from '../../src/shared/inspection';
import type { ResponseOf } from '../../src/shared/ipc/contract';
import type { BrowserSession, RunningApp } from './harness';
import {
  artifactsDir,
  digits,
  drawStrokes,
  lastActivationsOn,
  latencySummary,
  measurePointerUpLatencies,
  predictedDigit,
  recordFigure,
  startAppInBrowser,
} from './harness';

let app: RunningApp;
let session: BrowserSession;
/** The engine's last answer to 'inspect:activations', as the page received it and filled in its derived layers. */
let lastActivations: () => ResponseOf<'inspect:activations'> | undefined = () => undefined;

beforeAll(async () => {
  ({ app, session } = await startAppInBrowser());
  lastActivations = lastActivationsOn(session.page);
});

afterAll(async () => {
  await session?.finish('network-screen');
  await app?.stop();
});

interface Detail {
  layer: number;
  channel: number;
  y: number;
  x: number;
  value: number;
  result: number;
  formula: string;
}

async function readDetail(): Promise<Detail> {
  const detail = session.page.getByTestId('unit-detail');
  const number = async (name: string) => Number(await detail.getAttribute(`data-${name}`));
  return {
    layer: await number('layer'),
    channel: await number('channel'),
    y: await number('y'),
    x: await number('x'),
    value: await number('value'),
    result: await number('result'),
    formula: (await session.page.getByTestId('unit-formula').textContent()) ?? '',
  };
}

/** The activation the engine returned for a unit ([C, H, W] or [units]). */
function engineValue(activations: Activations, d: Pick<Detail, 'layer' | 'channel' | 'y' | 'x'>): number {
  const layer = activations.layers[d.layer];
  const [, height = 1, width = 1] = layer.shape.length === 3 ? layer.shape : [layer.shape[0], 1, 1];
  return layer.values[(d.channel * height + d.y) * width + d.x];
}

/** The number after the formula's last "=", with its true minus sign read back. */
function shownResult(formula: string): number {
  return Number(
    formula
      .slice(formula.lastIndexOf('=') + 1)
      .trim()
      .replace('−', '-'),
  );
}

/** The screen is up to date: its activations answer the drawing now on the canvas. */
async function fresh(): Promise<boolean> {
  const screen = session.page.getByTestId('network-screen');
  const drawing = await screen.getAttribute('data-drawing-version');
  return drawing !== null && drawing === (await screen.getAttribute('data-answered-version'));
}

/** The formula is consistent: the engine's value for the unit, what the panel shows, and what the formula works out to. */
async function expectConsistent(detail: Detail): Promise<void> {
  expect(lastActivations()).toBeDefined();
  const engine = engineValue(lastActivations()!, detail);
  expect(detail.value).toBeCloseTo(engine, 5);
  expect(detail.result).toBeCloseTo(engine, 3);
  expect(shownResult(detail.formula)).toBeCloseTo(engine, 2);
}

describe('the Network screen in a real Chromium (browser mode, real engine process)', () => {
  it('shows every layer of the active model for a drawn 7, and the softmax as bars', async () => {
    const { page } = session;
    await drawStrokes(page, digits['7']);
    await expect.poll(() => predictedDigit(page), { timeout: 10_000 }).toBe('7');
    await page.getByTestId('tab-network').click();
    await expect.poll(fresh, { timeout: 10_000 }).toBe(true);
    await expect.poll(() => lastActivations() !== undefined).toBe(true);
    const count = lastActivations()!.layers.length;
    expect(count).toBeGreaterThan(2);
    await expect.poll(() => page.locator('[data-testid^="architecture-layer-"]').count()).toBe(count);
    for (let i = 0; i < count; i++) {
      const card = page.getByTestId(`network-layer-${i}`);
      expect(await card.getAttribute('data-kind')).toBe(lastActivations()!.layers[i].kind);
      expect(await card.getByTestId(`layer-sheet-${i}`).isVisible()).toBe(true);
    }
    // A conv net shows its learned filters; an MLP its first hidden units' templates.
    await expect
      .poll(() => page.locator('[data-testid^="layer-filters-"], [data-testid^="layer-templates-"]').count(), {
        timeout: 10_000,
      })
      .toBeGreaterThan(0);
    const probabilities = await page
      .getByTestId('network-softmax')
      .locator('[data-testid^="prob-bar-"]')
      .evaluateAll((bars) => bars.map((bar) => Number(bar.getAttribute('data-probability'))));
    expect(probabilities).toHaveLength(10);
    probabilities.forEach((p, digit) => expect(p).toBeCloseTo(lastActivations()!.probabilities[digit], 3));
    expect(probabilities.indexOf(Math.max(...probabilities))).toBe(7);
    await page
      .screenshot({ path: join(artifactsDir, 'network-screen', 'layers.png'), fullPage: true })
      .catch(() => undefined);
  });

  it("hovering a unit of the first layer shows its value, its receptive field and its formula, equal to the engine's value", async () => {
    const { page } = session;
    const sheet = page.getByTestId('layer-sheet-0');
    const box = (await sheet.boundingBox())!;
    // Over the first map, near the stroke's top bar (about a fifth of the way down the image).
    await page.mouse.move(box.x + 2, box.y + 2);
    await page.mouse.move(box.x + box.width * 0.07, box.y + box.height * 0.05, { steps: 3 });
    await expect.poll(async () => (await readDetail()).layer).toBe(0);
    await expect.poll(async () => (await readDetail()).formula, { timeout: 10_000 }).toMatch(/=/);
    const detail = await readDetail();
    await expectConsistent(detail);
    const kind = lastActivations()!.layers[0].kind;
    if (kind === 'conv2d') {
      expect(detail.formula).toMatch(/^Σ w·x \+ b = /);
      expect(await page.getByTestId('unit-receptive-field').isVisible()).toBe(true);
    } else {
      expect(await page.getByTestId('unit-template').isVisible()).toBe(true);
    }
  });

  it('Tab reaches a layer and the arrow keys move the unit: the formula follows, still equal to the engine', async () => {
    const { page } = session;
    // An activation layer after a weighted one: its formula reads relu(Σ w·x + b) = relu(u) = a.
    const layers = lastActivations()!.layers;
    const index = layers.findIndex((l, i) => i > 0 && ['relu', 'leaky-relu', 'sigmoid', 'tanh'].includes(l.kind));
    const target = index >= 0 ? index : 0;
    await page.getByTestId(`layer-units-${Math.max(0, target - 1)}`).focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
      `layer-units-${target}`,
    );
    await expect.poll(async () => (await readDetail()).layer).toBe(target);
    const first = await readDetail();
    expect([first.channel, first.y, first.x]).toEqual([0, 0, 0]);
    const steps = [
      'ArrowDown',
      'ArrowDown',
      'ArrowDown',
      'ArrowDown',
      'ArrowDown',
      'ArrowDown',
      'ArrowRight',
      'ArrowRight',
      'ArrowRight',
      'ArrowRight',
      'ArrowRight',
      'ArrowRight',
      'ArrowRight',
    ];
    for (const key of steps) await page.keyboard.press(key);
    const moved = await readDetail();
    const flat = layers[target].shape.length === 1;
    if (flat) expect(moved.channel).toBeGreaterThan(0);
    else expect([moved.y, moved.x]).toEqual([6, 7]);
    await expect.poll(async () => (await readDetail()).formula, { timeout: 10_000 }).toMatch(/=/);
    const detail = await readDetail();
    if (index >= 0 && ['dense', 'conv2d'].includes(layers[target - 1].kind))
      expect(detail.formula).toMatch(/^\S+\(Σ w·x \+ b\) = \S+\(.+\) = /);
    await expectConsistent(detail);
    // Page Down moves to the next map (or along the strip): a different unit, still consistent.
    await page.keyboard.press('PageDown');
    const next = await readDetail();
    expect([next.channel, next.y, next.x]).not.toEqual([moved.channel, moved.y, moved.x]);
    await expectConsistent(next);
  });

  it("a dense unit's formula adds Σ w·x + b over its inputs, equal to the engine's value", async () => {
    const { page } = session;
    const layers = lastActivations()!.layers;
    const dense = layers.findIndex((l) => l.kind === 'dense');
    await page.getByTestId(`layer-units-${dense}`).focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect.poll(async () => (await readDetail()).channel).toBe(2);
    await expect.poll(async () => (await readDetail()).formula, { timeout: 10_000 }).toMatch(/^Σ w·x \+ b = /);
    await expectConsistent(await readDetail());
  });

  it('measures pointer-up to an updated Network screen over 30 strokes (a figure, bar: p95 under 50 ms)', async () => {
    const { page } = session;
    // Until the screen shows the activations of the drawing as it is after that pointerup (the
    // sheets are painted before data-answered-version changes).
    const meter = await measurePointerUpLatencies(page, 'network-screen');
    const shapes = Object.values(digits);
    const strokes = 30;
    for (let i = 0; i < strokes; i++) {
      if (i % 5 === 0) await page.getByTestId('clear-button').click();
      await drawStrokes(page, [shapes[i % shapes.length][0]], 2);
      await expect.poll(async () => (await meter.read()).length).toBe(i + 1);
    }
    const latencies = await meter.read();
    const { medianMs, p95Ms } = latencySummary(latencies);
    await recordFigure(
      'pointer-up to an updated Network screen',
      { strokes: latencies.length, layers: lastActivations()!.layers.length, medianMs, p95Ms, barMs: 50 },
      { value: p95Ms, atMost: 50 },
    );
    expect(latencies).toHaveLength(strokes);
  });

  it('in Japanese, the screen is translated', async () => {
    const { page } = session;
    await page.getByTestId('tab-settings').click();
    await page.getByTestId('language-select').selectOption('ja');
    await page.getByTestId('tab-network').click();
    expect(await page.getByTestId('tab-network').textContent()).toBe('ネットワーク');
    await expect.poll(() => page.getByTestId('network-architecture').textContent()).toContain('入力');
    const heading = await page.getByTestId('network-layer-0').locator('h3').textContent();
    expect(heading).toMatch(/^層 0：/);
    await page.getByTestId('layer-units-0').focus();
    await expect.poll(() => page.getByTestId('unit-name').textContent()).toMatch(/^層 0/);
    expect(await page.getByTestId('unit-detail').textContent()).toContain('式');
    await page.screenshot({ path: join(artifactsDir, 'network-screen', 'ja.png') }).catch(() => undefined);
    await page.getByTestId('tab-settings').click();
    await page.getByTestId('language-select').selectOption('en');
  });
});
