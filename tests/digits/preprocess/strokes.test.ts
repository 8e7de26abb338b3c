import { describe, expect, it } from 'vitest';
import { centreOfMass, INPUT_SIDE } from '../../../src/digits/preprocess/image';
import type { Point, Stroke } from '../../../src/digits/preprocess/strokes';
import { DEFAULT_PEN_WIDTH, inkBoundingBox, strokesToInput } from '../../../src/digits/preprocess/strokes';
import { coverSegment } from '../../../src/digits/preprocess/strokes';
import { DRAWING_LIMITS } from '../../../src/digits/preprocess/strokes-file';
import { cornerToCornerDrawing } from './hostile-inputs';

/** An ellipse traced clockwise from the top, as a "0" is usually drawn. */
function ellipse(cx: number, cy: number, rx: number, ry: number, points = 64): Stroke {
  return Array.from({ length: points + 1 }, (_, i): Point => {
    const angle = (2 * Math.PI * i) / points;
    return [cx + rx * Math.sin(angle), cy - ry * Math.cos(angle)];
  });
}

/** A "7" with a crossbar, in canvas pixels: two strokes, taller than wide. */
const seven: Stroke[] = [
  [
    [10, 10],
    [60, 10],
    [45, 40],
    [30, 90],
  ],
  [
    [25, 50],
    [50, 50],
  ],
];

function transform(strokes: Stroke[], scale: number, dx: number, dy: number): Stroke[] {
  return strokes.map((stroke) => stroke.map(([x, y]): Point => [x * scale + dx, y * scale + dy]));
}

function sum(image: Float32Array): number {
  return image.reduce((total, v) => total + v, 0);
}

/** Rows (or columns) that hold any ink, as [first, last]. */
function inkExtent(image: Float32Array, axis: 'rows' | 'cols'): [number, number] {
  let first = INPUT_SIDE;
  let last = -1;
  for (let i = 0; i < image.length; i++) {
    if (image[i] <= 0) continue;
    const at = axis === 'rows' ? Math.floor(i / INPUT_SIDE) : i % INPUT_SIDE;
    first = Math.min(first, at);
    last = Math.max(last, at);
  }
  return [first, last];
}

describe('strokesToInput', () => {
  it('returns 784 values in 0..1', () => {
    const image = strokesToInput(seven);
    expect(image).toBeInstanceOf(Float32Array);
    expect(image).toHaveLength(784);
    for (const v of image) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
    expect(Math.max(...image)).toBe(1);
  });

  it('returns all zeros when there is no ink', () => {
    expect(strokesToInput([]).every((v) => v === 0)).toBe(true);
    expect(strokesToInput([[], []]).every((v) => v === 0)).toBe(true);
  });

  it('gives the same image for a digit drawn small, 7x larger and elsewhere', () => {
    const small = strokesToInput(seven);
    const large = strokesToInput(transform(seven, 7, 300, -50));
    let maxDifference = 0;
    for (let i = 0; i < 784; i++) maxDifference = Math.max(maxDifference, Math.abs(small[i] - large[i]));
    expect(maxDifference).toBeLessThan(0.05);
  });

  it('scales a tall digit to 20 px high, keeping its aspect ratio', () => {
    const image = strokesToInput(seven);
    const [top, bottom] = inkExtent(image, 'rows');
    const [left, right] = inkExtent(image, 'cols');
    expect(bottom - top + 1).toBe(20);
    // Drawn 50 wide and 80 tall (points), so about 20 * (50 + k) / (80 + k) with the pen.
    expect(right - left + 1).toBeGreaterThanOrEqual(12);
    expect(right - left + 1).toBeLessThanOrEqual(14);
  });

  it('puts the centre of mass within half a pixel of pixel (14, 14)', () => {
    for (const strokes of [seven, [ellipse(0, 0, 3, 5)], transform(seven, 0.1, 5, 5)]) {
      const centre = centreOfMass(strokesToInput(strokes), INPUT_SIDE)!;
      expect(Math.abs(centre.x - 14)).toBeLessThanOrEqual(0.5);
      expect(Math.abs(centre.y - 14)).toBeLessThanOrEqual(0.5);
    }
  });

  it('draws a single dot as a pen-sized disc without NaN', () => {
    const image = strokesToInput([[[5, 5]]]);
    expect(image.some(Number.isNaN)).toBe(false);
    const radius = DEFAULT_PEN_WIDTH / 2;
    expect(sum(image)).toBeCloseTo(Math.PI * radius * radius, 0);
    const centre = centreOfMass(image, INPUT_SIDE)!;
    expect(Math.abs(centre.x - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(centre.y - 14)).toBeLessThanOrEqual(0.5);
  });

  it('draws a straight vertical "1" 20 px tall and a pen width wide', () => {
    const image = strokesToInput([
      [
        [40, 10],
        [40, 110],
      ],
    ]);
    expect(image.some(Number.isNaN)).toBe(false);
    const [top, bottom] = inkExtent(image, 'rows');
    expect(bottom - top + 1).toBe(20);
    const middleRow = image.subarray(14 * INPUT_SIDE, 15 * INPUT_SIDE);
    expect(sum(middleRow)).toBeCloseTo(DEFAULT_PEN_WIDTH, 1);
  });

  it('draws a straight horizontal line 20 px wide without NaN', () => {
    const image = strokesToInput([
      [
        [0, 3],
        [9, 3],
      ],
    ]);
    expect(image.some(Number.isNaN)).toBe(false);
    const [left, right] = inkExtent(image, 'cols');
    expect(right - left + 1).toBe(20);
  });

  it('keeps the stroke width of a "0" the same whether drawn small or big', () => {
    // A "0" crosses the middle row twice, so ink in that row / 2 is the stroke width.
    const strokeWidth = (image: Float32Array): number => sum(image.subarray(14 * INPUT_SIDE, 15 * INPUT_SIDE)) / 2;
    const small = strokesToInput([ellipse(10, 10, 3, 5)]);
    const big = strokesToInput([ellipse(500, 400, 120, 200)]);
    expect(strokeWidth(small)).toBeCloseTo(DEFAULT_PEN_WIDTH, 0);
    expect(Math.abs(strokeWidth(small) - strokeWidth(big))).toBeLessThan(0.1);
    expect(Math.abs(sum(small) - sum(big)) / sum(big)).toBeLessThan(0.02);
  });

  it('draws thicker strokes with a wider pen', () => {
    const thin = sum(strokesToInput(seven, { penWidth: 2 }));
    const thick = sum(strokesToInput(seven, { penWidth: 3 }));
    expect(thick / thin).toBeGreaterThan(1.3);
  });

  it('rejects a pen width that cannot fit the 20 px box', () => {
    expect(() => strokesToInput(seven, { penWidth: 0 })).toThrow(RangeError);
    expect(() => strokesToInput(seven, { penWidth: 25 })).toThrow(RangeError);
  });
});

describe('inkBoundingBox', () => {
  it('spans every point of every stroke', () => {
    expect(inkBoundingBox(seven)).toEqual({ minX: 10, minY: 10, maxX: 60, maxY: 90 });
  });

  it('is undefined when there are no points', () => {
    expect(inkBoundingBox([[]])).toBeUndefined();
  });
});

describe('rasterising is linear in the number of points', () => {
  const fineSide = 160; // the 20-px frame at 8x8 sub-pixels
  const examined = (a: Point, b: Point): number => coverSegment(new Uint8Array(fineSide * fineSide), fineSide, a, b, DEFAULT_PEN_WIDTH / 2);

  it('a segment costs its length times the pen width, not the area of its bounding box', () => {
    const diagonal = examined([0, 0], [19, 19]);
    // The bounding box of that segment and its pen holds 172 x 172 = 29,584 sub-pixels.
    expect(diagonal).toBeLessThan(6_000);
    // Twice the length, about twice the work (a bounding box would be four times).
    const half = examined([0, 0], [9.5, 9.5]);
    expect(diagonal / half).toBeLessThan(2.3);
    for (const [a, b] of [[[0, 0], [19, 0]], [[0, 0], [0, 19]], [[0, 0], [19, 3]], [[3, 0], [0, 19]]] as [Point, Point][]) {
      expect(examined(a, b)).toBeLessThan(6_000);
    }
  });

  it('the worst drawing within the limits, every segment across the whole frame, still reads', () => {
    const input = strokesToInput(cornerToCornerDrawing(1, DRAWING_LIMITS.pointsPerDrawing));
    expect(input.some((v) => v > 0)).toBe(true);
  });

  it('coordinates far beyond any canvas are clamped to the frame, not turned into NaN', () => {
    const input = strokesToInput([[[-1e308, 0], [1e308, 1]]]);
    expect(input.every((v) => Number.isFinite(v))).toBe(true);
    expect(input.some((v) => v > 0)).toBe(true);
  });
});
