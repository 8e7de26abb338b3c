import { describe, expect, it } from 'vitest';
import type { Point } from '../../../src/digits/preprocess/strokes';
import { StrokeStore } from '../../../src/renderer/src/drawing/stroke-store';
import { NumberStore } from '../../../src/renderer/src/prediction/number-store';
import { PredictionStore, toPrediction } from '../../../src/renderer/src/prediction/prediction-store';
import type { Result } from '../../../src/shared/ipc/contract';

const answer = (top: number): number[] => Array.from({ length: 10 }, (_, i) => (i === top ? 0.91 : 0.01));

function stroke(store: StrokeStore, ...points: Point[]): void {
  store.beginStroke(points[0], 12);
  for (const p of points.slice(1)) store.extendStroke(p);
  store.endStroke();
}

/**
 * A fake model that says a narrow input (ink in at most 8 of the 28 columns, a 1) is a
 * digit and anything wider is not a digit, with 7 as its guess.
 */
async function fakePredict(pixels: Float32Array): Promise<Result<{ probabilities: number[]; notADigit: boolean }>> {
  let columns = 0;
  for (let x = 0; x < 28; x++)
    if (Array.from({ length: 28 }, (_, y) => pixels[y * 28 + x]).some((v) => v > 0)) columns++;
  const narrow = columns <= 8;
  return { ok: true, value: { probabilities: answer(narrow ? 1 : 7), notADigit: !narrow } };
}

describe('"not a digit" in the Draw screen\'s stores', () => {
  it('toPrediction keeps the verdict beside the guess; without one, it is a digit', () => {
    expect(toPrediction(answer(4), 3, true)).toMatchObject({ top: 4, notADigit: true, drawingVersion: 3 });
    expect(toPrediction(answer(4)).notADigit).toBe(false);
  });

  it('PredictionStore carries the answer of predict: not a digit, with the probabilities', async () => {
    const drawing = new StrokeStore();
    const store = new PredictionStore(drawing, fakePredict, { minIntervalMs: 0 });
    store.start();
    stroke(drawing, [40, 90], [200, 190]);
    await store.idle();
    expect(store.getSnapshot().prediction).toMatchObject({ notADigit: true, top: 7 });
    drawing.clear();
    stroke(drawing, [140, 60], [140, 220]);
    await store.idle();
    expect(store.getSnapshot().prediction).toMatchObject({ notADigit: false, top: 1 });
  });

  it('NumberStore marks each digit: a part that is not a digit reads "?" in the number', async () => {
    const drawing = new StrokeStore();
    const store = new NumberStore(drawing, fakePredict, { minIntervalMs: 0 });
    store.start();
    stroke(drawing, [20, 90], [20, 190]);
    stroke(drawing, [80, 90], [180, 190]);
    stroke(drawing, [180, 90], [80, 190]);
    stroke(drawing, [240, 90], [240, 190]);
    await store.idle();
    const { digits, number } = store.getSnapshot();
    expect(digits.map((d) => d.prediction?.notADigit)).toEqual([false, true, false]);
    expect(number).toBe('1?1');
  });
});
