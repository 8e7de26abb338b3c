/**
 * Blank, tiny and huge drawings (issue #17, item 6): each gives a sensible answer, never
 * an exception. Until Tegaki can say "not a digit", sensible is a prediction with finite
 * probabilities that sum to 1, or no digits at all for a blank canvas.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../../src/digits/io/saved-model';
import { groupStrokes, splitIntoDigits } from '../../../src/digits/preprocess/segment';
import type { Stroke } from '../../../src/digits/preprocess/strokes';
import { strokesToInput } from '../../../src/digits/preprocess/strokes';
import type { Sequential } from '../../../src/engine/model/sequential';
import { Random } from '../../../src/engine/random';

/** The canvas's units: CANVAS_UNITS square, as the app records strokes. */
const SIDE = 280;
const random = new Random(17);

const drawings: Record<string, Stroke[]> = {
  'a dot': [[[140, 140]]],
  'a dot pressed twice on the same spot': [
    [
      [140, 140],
      [140, 140],
    ],
  ],
  'a single short stroke': [
    [
      [140, 140],
      [143, 141],
    ],
  ],
  'a drawing that fills the canvas edge to edge': [
    [
      [0, 0],
      [SIDE, 0],
      [SIDE, SIDE],
      [0, SIDE],
      [0, 0],
    ],
    [
      [0, 0],
      [SIDE, SIDE],
    ],
    [
      [SIDE, 0],
      [0, SIDE],
    ],
  ],
  'a stroke along one edge only': [
    [
      [0, SIDE],
      [SIDE, SIDE],
    ],
  ],
  'hundreds of overlapping strokes': Array.from({ length: 600 }, () =>
    Array.from({ length: 8 }, (): [number, number] => [random.uniform(60, 220), random.uniform(60, 220)]),
  ),
  'hundreds of dots': Array.from({ length: 400 }, () => [[random.uniform(0, SIDE), random.uniform(0, SIDE)]] as Stroke),
};

describe('blank, tiny and huge drawings give a sensible answer, never an exception', () => {
  let model: Sequential;
  beforeAll(async () => {
    ({ model } = await loadModel('resources/default-model.tgk'));
  });

  it('a blank canvas has no digits and an all-zero input', () => {
    expect(splitIntoDigits([])).toEqual([]);
    expect(Math.max(...strokesToInput([]))).toBe(0);
  });

  for (const [name, strokes] of Object.entries(drawings)) {
    it(`${name}: as one digit and split into digits, every answer is finite probabilities summing to 1`, () => {
      const readings = [strokes, ...splitIntoDigits(strokes).map((group) => groupStrokes(strokes, group))].map((s) => {
        const input = strokesToInput(s);
        expect(input.every((v) => Number.isFinite(v) && v >= 0 && v <= 1)).toBe(true);
        expect(Math.max(...input)).toBeGreaterThan(0);
        return model.predictOne(input);
      });
      for (const probabilities of readings) {
        expect(probabilities.every(Number.isFinite)).toBe(true);
        expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      }
      // Every stroke is in exactly one group.
      expect(
        splitIntoDigits(strokes)
          .flat()
          .sort((a, b) => a - b),
      ).toEqual(strokes.map((_, i) => i));
    });
  }

  it('a dot, a short stroke and a canvas-filling drawing are one digit each, not several', () => {
    for (const name of ['a dot', 'a single short stroke', 'a drawing that fills the canvas edge to edge']) {
      expect(splitIntoDigits(drawings[name]), name).toHaveLength(1);
    }
    expect(splitIntoDigits(drawings['hundreds of overlapping strokes'])).toHaveLength(1);
  });
});
