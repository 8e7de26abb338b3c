/**
 * "Not a digit" as a person sees it, in a real Chromium against the browser mode's real
 * services and the shipped model, whose file keeps a threshold (src/digits/rejection.ts)
 * and which trained on synthetic non-digits (src/digits/synthetic/training-set.ts): an X
 * of two crossed strokes drawn with the mouse, and a scribbled knot.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { BrowserSession, FractionStroke, RunningApp } from './harness';
import { artifactsDir, digits, drawStrokes, predictedDigit, startAppInBrowser } from './harness';
import { scribbledKnot } from '../fixtures/scribbled-knot';

let app: RunningApp;
let session: BrowserSession;

beforeAll(async () => {
  ({ app, session } = await startAppInBrowser());
});

afterAll(async () => {
  await session?.finish('not-a-digit');
  await app?.stop();
});

/** The shared knot, in a box of side `size` from (x, y), in canvas fractions. */
const knot = (x = 0, y = 0, size = 1): FractionStroke[] => scribbledKnot(size, x, y);

async function clear(): Promise<void> {
  await session.page.getByTestId('clear-button').click();
  await expect.poll(() => predictedDigit(session.page)).toBe('');
}

/** An X of two crossed strokes, as a person draws one with the mouse. */
const crossedX: FractionStroke[] = [
  [
    [0.3, 0.25],
    [0.7, 0.75],
  ],
  [
    [0.7, 0.25],
    [0.3, 0.75],
  ],
];

describe('"Not a digit" on the Draw screen (real Chromium, shipped model)', () => {
  it('an X of two crossed strokes reads "Not a digit", not a confident 4', async () => {
    const { page } = session;
    await drawStrokes(page, crossedX);
    await expect.poll(() => predictedDigit(page)).toBe('Not a digit');
    expect(await page.getByTestId('prediction-top').getAttribute('data-not-a-digit')).toBe('true');
    await page.screenshot({ path: join(artifactsDir, 'not-a-digit-x.png') });
    await clear();
  });

  it('a scribbled knot shows "Not a digit" instead of a digit, with the note and the bars dimmed', async () => {
    const { page } = session;
    await drawStrokes(page, knot());
    await expect.poll(() => predictedDigit(page)).toBe('Not a digit');
    expect(await page.getByTestId('prediction-top').getAttribute('data-not-a-digit')).toBe('true');
    await expect.poll(() => page.getByTestId('not-a-digit').isVisible()).toBe(true);
    expect(await page.getByTestId('prob-bars').getAttribute('class')).toContain('not-a-digit');
    expect(Number(await page.getByTestId('prob-bars').evaluate((el) => getComputedStyle(el).opacity))).toBeLessThan(1);
    // The probabilities are still there, for the curious.
    const shown = await page.getByTestId('prob-bar-0').getAttribute('data-probability');
    expect(shown).not.toBe('');
    expect(await page.getByTestId('low-confidence').count()).toBe(0);
    await page.screenshot({ path: join(artifactsDir, 'not-a-digit.png') });
  });

  it('a digit drawn next is read as before, bars not dimmed', async () => {
    const { page } = session;
    await clear();
    await drawStrokes(page, digits['4']);
    await expect.poll(() => predictedDigit(page)).toBe('4');
    expect(await page.getByTestId('prediction-top').getAttribute('data-not-a-digit')).toBe('false');
    expect(await page.getByTestId('not-a-digit').count()).toBe(0);
    expect(await page.getByTestId('prob-bars').getAttribute('class')).not.toContain('not-a-digit');
  });

  it('in a number, the part that is not a digit is marked on its own: "1?" and a "?" card', async () => {
    const { page } = session;
    await clear();
    await drawStrokes(page, [
      [
        [0.2, 0.3],
        [0.2, 0.75],
      ],
      ...knot(0.42, 0.22, 0.55),
    ]);
    await expect.poll(async () => ((await page.getByTestId('number-value').textContent()) ?? '').trim()).toBe('1?');
    expect(await page.getByTestId('number-digit-0').getAttribute('data-not-a-digit')).toBe('false');
    expect(await page.getByTestId('number-digit-1').getAttribute('data-not-a-digit')).toBe('true');
    expect(await page.getByTestId('number-digit-1').getAttribute('title')).toMatch(/not look like a digit/);
  });
});
