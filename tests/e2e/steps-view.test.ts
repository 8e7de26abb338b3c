/**
 * "How the network sees it" in a real Chromium: a digit drawn in a corner of the canvas,
 * the four steps beside it with their numbers, and the final picture pixel for pixel the
 * input the prediction used (the preview in the prediction panel).
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserSession, FractionStroke, RunningApp } from './harness';
import { artifactsDir, digits, drawStrokes, predictedDigit, startAppInBrowser } from './harness';
import { MIN_WINDOW_SIZE } from '../../src/shared/window-size';

let app: RunningApp;
let session: BrowserSession;

beforeAll(async () => {
  ({ app, session } = await startAppInBrowser({ viewport: MIN_WINDOW_SIZE }));
});

afterAll(async () => {
  await session?.finish('steps-view');
  await app?.stop();
});

/** A clearly drawn digit shrunk to half and moved into the canvas's top-left corner. */
const inCorner = (strokes: FractionStroke[]): FractionStroke[] =>
  strokes.map((stroke) => stroke.map(([x, y]): [number, number] => [0.04 + (x - 0.3) * 0.5, 0.04 + (y - 0.18) * 0.5]));

const caption = async (page: Page, step: 'box' | 'scale' | 'shift' | 'input'): Promise<string> =>
  ((await page.getByTestId(`steps-caption-${step}`).textContent()) ?? '').trim();

/** The canvas's pixels, RGBA, as drawn on the page. */
const pixelsOf = (page: Page, testId: string): Promise<number[]> =>
  page.getByTestId(testId).evaluate((canvas) => {
    const c = canvas as HTMLCanvasElement;
    return Array.from(c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data);
  });

/** Resolves once the panel's bars answer the drawing now on the canvas. */
async function answered(page: Page): Promise<void> {
  const panel = page.getByTestId('prediction-panel');
  await expect
    .poll(
      async () =>
        (await panel.getAttribute('data-answered-version')) === (await panel.getAttribute('data-drawing-version')),
    )
    .toBe(true);
}

/** The numbers in the shift caption: the centre of mass before and after, and the move by direction. */
function parseShift(text: string): { before: [number, number]; after: [number, number]; dx: number; dy: number } {
  const centres = /\((-?[\d.]+), (-?[\d.]+)\) → \((-?[\d.]+), (-?[\d.]+)\)/.exec(text);
  if (!centres) throw new Error(`no centres of mass in "${text}"`);
  const [bx, by, ax, ay] = centres.slice(1).map(Number);
  let dx = 0;
  let dy = 0;
  for (const [, n, direction] of text.matchAll(/(\d+) px (right|left|up|down)/g)) {
    if (direction === 'right') dx += Number(n);
    if (direction === 'left') dx -= Number(n);
    if (direction === 'down') dy += Number(n);
    if (direction === 'up') dy -= Number(n);
  }
  return { before: [bx, by], after: [ax, ay], dx, dy };
}

describe('"How the network sees it" (Chromium, browser mode, real engine process)', () => {
  it('a 7 drawn in the top-left corner: V opens the steps, the ink box is in the corner, the scale takes it to 20 px, the shift takes its centre of mass to (14, 14), and it reads 7', async () => {
    const { page } = session;
    expect(await page.getByTestId('steps-view').count()).toBe(0);
    await page.keyboard.press('v');
    await expect.poll(() => page.getByTestId('steps-toggle').getAttribute('aria-expanded')).toBe('true');
    await expect.poll(() => page.getByTestId('steps-view').textContent()).toContain('Draw a digit to see each step.');

    await drawStrokes(page, inCorner(digits['7']));
    await expect.poll(() => predictedDigit(page), { timeout: 10_000 }).toBe('7');
    await answered(page);

    // 1. The ink box: the stroke points' box in canvas units (the canvas is 280 across), in the corner.
    const box = /: (\d+) × (\d+) px/.exec(await caption(page, 'box'));
    expect(box).not.toBeNull();
    const [width, height] = [Number(box![1]), Number(box![2])];
    // The 7's points span 0.4 x 0.62 of the canvas, halved: 56 x 87 units, give or take a pointer pixel.
    expect(Math.abs(width - 56)).toBeLessThanOrEqual(3);
    expect(Math.abs(height - 87)).toBeLessThanOrEqual(3);
    const rect = page.getByTestId('steps-ink-box');
    const [x, y] = await Promise.all(['x', 'y'].map(async (a) => Number(await rect.getAttribute(a))));
    expect(x).toBeLessThan(20);
    expect(y).toBeLessThan(20);
    expect(Math.round(Number(await rect.getAttribute('width')))).toBe(width);

    // 2. The scale: the longer side times the scale, plus the 2.5-px pen, is 20 px.
    const scale = /×([\d.]+), .*: ([\d.]+) × ([\d.]+)$/.exec(await caption(page, 'scale'));
    expect(scale).not.toBeNull();
    const [factor, inkedWidth, inkedHeight] = scale!.slice(1).map(Number);
    expect(Math.max(inkedWidth, inkedHeight)).toBe(20);
    expect(Math.abs(factor * Math.max(width, height) + 2.5 - 20)).toBeLessThan(0.2);

    // 3. The shift: whole pixels, and the centre of mass lands within half a pixel of (14, 14).
    const shift = parseShift(await caption(page, 'shift'));
    expect(shift.after[0] - shift.before[0]).toBeCloseTo(shift.dx, 5);
    expect(shift.after[1] - shift.before[1]).toBeCloseTo(shift.dy, 5);
    for (const v of shift.after) expect(Math.abs(v - 14)).toBeLessThanOrEqual(0.55);
    const view = page.getByTestId('steps-view');
    expect(Number(await view.getAttribute('data-shift-dx'))).toBe(shift.dx);
    expect(Number(await view.getAttribute('data-shift-dy'))).toBe(shift.dy);
    await expect.poll(() => page.getByTestId('steps-centre-marks').count()).toBe(1);

    // 4. The final picture is, pixel for pixel, the input the prediction was made from.
    const [final, preview] = await Promise.all([pixelsOf(page, 'steps-input'), pixelsOf(page, 'input-preview')]);
    expect(final).toHaveLength(28 * 28 * 4);
    expect(final).toEqual(preview);
    expect(new Set(final).size).toBeGreaterThan(2);
    await page.screenshot({ path: join(artifactsDir, 'steps-view', 'corner-7.png') });
  });

  it('follows the pen: a second stroke changes the ink box and the input, and the final picture still equals the preview', async () => {
    const { page } = session;
    await page.getByTestId('clear-button').click();
    await expect.poll(() => predictedDigit(page)).toBe('');
    const [first, second] = inCorner(digits['4']);
    await drawStrokes(page, [first]);
    await answered(page);
    const before = await caption(page, 'box');
    await drawStrokes(page, [second]);
    await expect.poll(() => predictedDigit(page), { timeout: 10_000 }).toBe('4');
    await answered(page);
    expect(await caption(page, 'box')).not.toBe(before);
    expect(await pixelsOf(page, 'steps-input')).toEqual(await pixelsOf(page, 'input-preview'));
  });

  it('fits the 1024x700 window open, and the button and V close and open it', async () => {
    const { page } = session;
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    const view = (await page.getByTestId('steps-view').boundingBox())!;
    const canvas = (await page.getByTestId('draw-canvas').boundingBox())!;
    expect(view.y + view.height).toBeLessThanOrEqual(700);
    expect(canvas.width).toBeGreaterThanOrEqual(200);
    expect(canvas.x + canvas.width).toBeLessThanOrEqual(view.x);
    for (const label of ['The drawing with its ink box marked', 'The 28 by 28 input the network gets'])
      await expect(page.getByRole('img', { name: label }).count()).resolves.toBe(1);

    await page.getByTestId('steps-toggle').click();
    await expect.poll(() => page.getByTestId('steps-view').count()).toBe(0);
    // Closed, the canvas takes the room back.
    await expect
      .poll(async () => (await page.getByTestId('draw-canvas').boundingBox())!.width)
      .toBeGreaterThan(canvas.width);
    await page.keyboard.press('v');
    await expect.poll(() => page.getByTestId('steps-view').count()).toBe(1);
  });

  it("a number's steps are the selected digit's, and its final picture is that digit's preview", async () => {
    const { page } = session;
    await page.getByTestId('clear-button').click();
    const at = (dx: number, strokes: FractionStroke[]): FractionStroke[] =>
      strokes.map((s) => s.map(([x, y]): [number, number] => [0.05 + dx + (x - 0.3) * 0.4, 0.25 + (y - 0.18) * 0.5]));
    await drawStrokes(page, [...at(0, digits['1']), ...at(0.45, digits['7'])]);
    await expect.poll(() => page.getByTestId('number-value').textContent(), { timeout: 15_000 }).toMatch(/^\d\d$/);
    const view = page.getByTestId('steps-view');
    await expect.poll(() => view.getAttribute('data-scope')).toBe('digit');
    await expect.poll(() => view.textContent()).toContain('The selected digit, 1 of 2');
    await page.getByRole('button', { name: 'Show digit 2' }).click();
    await expect.poll(() => view.textContent()).toContain('The selected digit, 2 of 2');
    // The second digit's box, in the right half of the canvas, and its input in both places.
    await expect
      .poll(async () => Number(await page.getByTestId('steps-ink-box').getAttribute('x')))
      .toBeGreaterThan(120);
    await expect
      .poll(async () => {
        const [final, preview] = await Promise.all([pixelsOf(page, 'steps-input'), pixelsOf(page, 'input-preview')]);
        return final.join() === preview.join();
      })
      .toBe(true);
    const shift = parseShift(await caption(page, 'shift'));
    for (const v of shift.after) expect(Math.abs(v - 14)).toBeLessThanOrEqual(0.55);
    await page.screenshot({ path: join(artifactsDir, 'steps-view', 'number.png') });
  });
});
