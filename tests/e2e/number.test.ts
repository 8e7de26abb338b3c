/**
 * Whole numbers and odd drawings in a real Chromium (issue #17, items 1 and 6): a
 * three-digit number drawn with the mouse is split into boxed digits on the Konva canvas
 * and read, a merge and a split by hand change the reading, and a dot, a canvas-filling
 * drawing and a hundred crossing strokes give an answer without an error in the page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { BrowserSession, FractionStroke, RunningApp } from './harness';
import { artifactsDir, digits, drawStrokes, placedDigit, predictedDigit, startAppInBrowser } from './harness';

let app: RunningApp;
let session: BrowserSession;

beforeAll(async () => {
  ({ app, session } = await startAppInBrowser());
});

afterAll(async () => {
  await session?.finish('number');
  await app?.stop();
});

const numberValue = async (page: Page): Promise<string> =>
  ((await page.getByTestId('number-value').textContent()) ?? '').trim();

/** The digit boxes on the Konva stage, read from its scene graph. */
async function sceneBoxes(page: Page): Promise<{ boxes: number; labels: string[] }> {
  return page.evaluate(() => {
    const konva = (
      window as unknown as { Konva: { stages: { find(selector: string): { attrs: { text?: string } }[] }[] } }
    ).Konva;
    const stage = konva.stages[0];
    return {
      boxes: stage.find('.digit-box').length,
      labels: stage.find('.digit-box-label').map((node) => node.attrs.text ?? ''),
    };
  });
}

/** How many strokes the Konva stage draws. */
async function strokeLines(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      (window as unknown as { Konva: { stages: { find(selector: string): unknown[] }[] } }).Konva.stages[0].find('Line')
        .length,
  );
}

async function clear(page: Page): Promise<void> {
  await page.getByTestId('clear-button').click();
  await expect.poll(() => page.getByTestId('draw-canvas').getAttribute('data-digit-boxes')).toBe('0');
}

describe('a number drawn digit by digit (browser mode, real engine process, Chromium)', () => {
  it('draws 741 with the mouse and reads it, each digit boxed on the canvas with its top probabilities', async () => {
    const { page } = session;
    await drawStrokes(page, [...placedDigit('7', 0.2), ...placedDigit('4', 0.5), ...placedDigit('1', 0.8)]);
    await expect.poll(() => numberValue(page)).toBe('741');
    expect(await sceneBoxes(page)).toEqual({ boxes: 3, labels: ['7', '4', '1'] });
    await expect.poll(() => page.getByTestId('draw-canvas').getAttribute('data-digit-boxes')).toBe('3');
    for (const [index, digit] of ['7', '4', '1'].entries()) {
      const card = page.getByTestId(`number-digit-${index}`);
      expect(await card.getAttribute('data-digit')).toBe(digit);
      // The card lists its three likeliest readings, the first being the digit read.
      expect((await card.locator('.number-digit-ranked span').first().textContent())?.startsWith(`${digit} `)).toBe(
        true,
      );
      expect(await card.locator('.number-digit-ranked span').count()).toBe(3);
    }
    // The single-digit panel gives way to the number's.
    expect(await page.getByTestId('prediction-top').count()).toBe(0);
    // The selected digit's ten bars sum to 1.
    await page.getByTestId('number-digit-1').locator('.number-digit-select').click();
    const bars = await Promise.all(
      Array.from({ length: 10 }, async (_, d) =>
        Number(await page.getByTestId(`prob-bar-${d}`).getAttribute('data-probability')),
      ),
    );
    expect(bars.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 1);
    expect(Math.max(...bars)).toBe(bars[4]);
    await page.screenshot({ path: join(artifactsDir, 'number', 'number-741.png') }).catch(() => undefined);
  });

  it('merges two digits and splits them again by hand, with the buttons and with J and S', async () => {
    const { page } = session;
    await page.getByTestId('join-digits-0').click();
    await expect.poll(() => page.getByTestId('draw-canvas').getAttribute('data-digit-boxes')).toBe('2');
    await expect.poll(() => numberValue(page)).toHaveLength(2);
    expect(await page.getByTestId('number-reading').getAttribute('data-corrected')).toBe('true');
    expect((await sceneBoxes(page)).boxes).toBe(2);
    await page.screenshot({ path: join(artifactsDir, 'number', 'number-joined.png') }).catch(() => undefined);
    await page.getByTestId('split-digit-0').click();
    await expect.poll(() => numberValue(page)).toBe('741');
    // The same by keyboard, on the selected digit (the one just split).
    await page.keyboard.press('j');
    await expect.poll(() => page.getByTestId('draw-canvas').getAttribute('data-digit-boxes')).toBe('2');
    await page.keyboard.press('s');
    await expect.poll(() => numberValue(page)).toBe('741');
    expect((await sceneBoxes(page)).boxes).toBe(3);
  });

  it('a single digit reads exactly as before: no boxes, no number panel', async () => {
    const { page } = session;
    await clear(page);
    await drawStrokes(page, digits['4']);
    await expect.poll(() => predictedDigit(page)).toBe('4');
    expect(await page.getByTestId('number-reading').count()).toBe(0);
    expect((await sceneBoxes(page)).boxes).toBe(0);
  });
});

describe('blank, tiny and huge drawings on the canvas give an answer, never an error', () => {
  it('a dot, a drawing edge to edge and a hundred crossing strokes', async () => {
    const { page } = session;
    // An answer is a digit or "Not a digit" (the model's verdict on such drawings), never an error.
    const answer = /^([0-9]|Not a digit)$/;
    await clear(page);
    await drawStrokes(page, [[[0.5, 0.5]]]);
    await expect.poll(() => predictedDigit(page)).toMatch(answer);

    await clear(page);
    // Edge to edge: a pixel inside the canvas's border on every side (each stroke starts off
    // the rounded corners, where the canvas takes no pointer).
    const [near, far] = [0.003, 0.997];
    await drawStrokes(page, [
      [
        [0.5, near],
        [far, near],
        [far, far],
        [near, far],
        [near, near],
        [0.5, near],
      ],
      [
        [0.04, 0.04],
        [0.96, 0.96],
      ],
      [
        [0.96, 0.04],
        [0.04, 0.96],
      ],
    ]);
    expect(await strokeLines(page)).toBe(3);
    await expect.poll(() => predictedDigit(page)).toMatch(answer);

    await clear(page);
    const scribble: FractionStroke[] = Array.from({ length: 100 }, (_, i) => [
      [0.2 + ((i * 37) % 60) / 100, 0.2],
      [0.8 - ((i * 53) % 60) / 100, 0.8],
    ]);
    await drawStrokes(page, scribble, 1);
    expect(await strokeLines(page)).toBe(100);
    await expect.poll(() => predictedDigit(page)).toMatch(answer);
    expect(await page.getByTestId('prediction-error').count()).toBe(0);
    expect(session.pageErrors).toEqual([]);
  });
});
