import { describe, expect, it } from 'vitest';
import { strokesToInput } from '../../../src/digits/preprocess/strokes';
import type { Point } from '../../../src/digits/preprocess/strokes';
import { StrokeStore } from '../../../src/renderer/src/drawing/stroke-store';
import { findAction } from '../../../src/renderer/src/app/actions';
import { createNumberActions } from '../../../src/renderer/src/prediction/number-actions';
import { NumberStore } from '../../../src/renderer/src/prediction/number-store';
import type { Result } from '../../../src/shared/ipc/contract';

const answer = (top: number): number[] => Array.from({ length: 10 }, (_, i) => (i === top ? 0.91 : 0.01));

function stroke(store: StrokeStore, ...points: Point[]): void {
  store.beginStroke(points[0], 12);
  for (const p of points.slice(1)) store.extendStroke(p);
  store.endStroke();
}

/** A vertical "1" at x; 100 units tall. */
const drawOne = (store: StrokeStore, x: number): void => stroke(store, [x, 90], [x, 190]);
/** A "7" whose bar is its own stroke, its left edge at x. */
function drawSeven(store: StrokeStore, x: number): void {
  stroke(store, [x, 90], [x + 60, 90]);
  stroke(store, [x + 60, 90], [x + 20, 190]);
}

/**
 * A fake model that reads a narrow input (ink in at most 8 of the 28 columns) as 1 and
 * anything wider as 7, and keeps every input it was asked about.
 */
function fakePredict() {
  const seen: Float32Array[] = [];
  const predict = async (pixels: Float32Array): Promise<Result<{ probabilities: number[] }>> => {
    seen.push(pixels);
    let columns = 0;
    for (let x = 0; x < 28; x++)
      if (Array.from({ length: 28 }, (_, y) => pixels[y * 28 + x]).some((v) => v > 0)) columns++;
    return { ok: true, value: { probabilities: answer(columns <= 8 ? 1 : 7) } };
  };
  /** How many times the model was asked about exactly this input. */
  const askedAbout = (input: Float32Array | undefined): number =>
    seen.filter((p) => input !== undefined && p.every((v, i) => v === input[i])).length;
  return { predict, seen, calls: () => seen.length, askedAbout };
}

describe('NumberStore: a drawing of several digits side by side, read digit by digit', () => {
  it('a single digit leaves it empty and asks nothing: the single-digit panel reads it as before', async () => {
    const drawing = new StrokeStore();
    const fake = fakePredict();
    const store = new NumberStore(drawing, fake.predict, { minIntervalMs: 0 });
    store.start();
    drawSeven(drawing, 40);
    await store.idle();
    expect(store.getSnapshot().digits).toEqual([]);
    expect(store.getSnapshot().number).toBeUndefined();
    expect(fake.calls()).toBe(0);
  });

  it('reads each digit through the same preprocessing, left to right, boxed with the pen width', async () => {
    const drawing = new StrokeStore();
    const fake = fakePredict();
    const store = new NumberStore(drawing, fake.predict, { minIntervalMs: 0 });
    store.start();
    drawSeven(drawing, 20);
    drawOne(drawing, 150);
    await store.idle();
    const { digits, number } = store.getSnapshot();
    expect(digits.map((d) => d.strokes)).toEqual([[0, 1], [2]]);
    expect(number).toBe('71');
    const strokes = drawing.inputStrokes();
    expect(digits[0].input).toEqual(strokesToInput(strokes.slice(0, 2)));
    expect(digits[1].input).toEqual(strokesToInput([strokes[2]]));
    expect(fake.seen).toContain(digits[0].input);
    expect(fake.seen).toContain(digits[1].input);
    expect(digits[1].box).toEqual({ minX: 144, minY: 84, maxX: 156, maxY: 196 });
  });

  it('does not ask again about digits whose strokes did not change; a model change asks about all', async () => {
    const drawing = new StrokeStore();
    const fake = fakePredict();
    const store = new NumberStore(drawing, fake.predict, { minIntervalMs: 0 });
    store.start();
    drawSeven(drawing, 20);
    drawOne(drawing, 120);
    await store.idle();
    const [first, second] = store.getSnapshot().digits;
    drawOne(drawing, 200);
    await store.idle();
    // Drawing the third digit asked only about groups with its stroke.
    expect(fake.askedAbout(first.input)).toBe(1);
    expect(store.getSnapshot().digits[0].input).toBe(first.input);
    expect(store.getSnapshot().digits[1].input).toBe(second.input);
    expect(store.getSnapshot().number).toBe('711');
    const before = fake.calls();
    store.refresh();
    await store.idle();
    expect(fake.calls()).toBe(before + 3);
    expect(fake.askedAbout(first.input)).toBe(2);
  });

  it('join and split by hand, kept while more is drawn, dropped with the strokes they named', async () => {
    const drawing = new StrokeStore();
    const store = new NumberStore(drawing, fakePredict().predict, { minIntervalMs: 0 });
    store.start();
    drawOne(drawing, 40);
    drawOne(drawing, 120);
    drawOne(drawing, 200);
    await store.idle();
    store.join(0);
    await store.idle();
    expect(store.getSnapshot().digits.map((d) => d.strokes)).toEqual([[0, 1], [2]]);
    expect(store.getSnapshot().corrected).toBe(true);
    // Another digit: the join holds.
    drawOne(drawing, 260);
    await store.idle();
    expect(store.getSnapshot().digits.map((d) => d.strokes)).toEqual([[0, 1], [2], [3]]);
    store.split(0);
    await store.idle();
    expect(store.getSnapshot().digits.map((d) => d.strokes)).toEqual([[0], [1], [2], [3]]);
    // Joining the last digit joins it with the one before.
    store.join(3);
    expect(store.getSnapshot().digits.map((d) => d.strokes)).toEqual([[0], [1], [2, 3]]);
    // Joining two digits of a two-digit drawing makes one digit: the single-digit panel again.
    drawing.undo();
    drawing.undo();
    await store.idle();
    expect(store.getSnapshot().digits.map((d) => d.strokes)).toEqual([[0], [1]]);
    store.join(0);
    expect(store.getSnapshot().digits).toEqual([]);
    drawing.clear();
    expect(store.getSnapshot().corrected).toBe(false);
  });

  it('a one-stroke digit cannot be split; split and join are actions on the selected digit (S and J)', async () => {
    const drawing = new StrokeStore();
    const store = new NumberStore(drawing, fakePredict().predict, { minIntervalMs: 0 });
    const actions = createNumberActions(store);
    const key = (k: string) => ({
      key: k,
      code: `Key${k.toUpperCase()}`,
      ctrlKey: false,
      metaKey: false,
      shiftKey: false,
      altKey: false,
    });
    store.start();
    drawOne(drawing, 40);
    drawOne(drawing, 120);
    drawOne(drawing, 200);
    store.select(1);
    store.split(1);
    expect(store.getSnapshot().digits).toHaveLength(3);
    findAction(actions, key('j'))!.perform();
    expect(store.getSnapshot().digits.map((d) => d.strokes)).toEqual([[0], [1, 2]]);
    expect(store.getSnapshot().selected).toBe(1);
    findAction(actions, key('s'))!.perform();
    expect(store.getSnapshot().digits.map((d) => d.strokes)).toEqual([[0], [1], [2]]);
    await store.idle();
  });

  it('an engine error is kept for the panel, and cleared by the next answer', async () => {
    const drawing = new StrokeStore();
    let fail = true;
    const store = new NumberStore(
      drawing,
      async (): Promise<Result<{ probabilities: number[] }>> =>
        fail
          ? { ok: false, error: { code: 'engine-crashed', message: 'engine down' } }
          : { ok: true, value: { probabilities: answer(1) } },
      { minIntervalMs: 0 },
    );
    store.start();
    drawOne(drawing, 40);
    drawOne(drawing, 120);
    await store.idle();
    expect(store.getSnapshot().error?.message).toBe('engine down');
    expect(store.getSnapshot().number).toBeUndefined();
    fail = false;
    drawOne(drawing, 200);
    await store.idle();
    expect(store.getSnapshot().error).toBeUndefined();
    expect(store.getSnapshot().number).toBe('111');
  });
});
