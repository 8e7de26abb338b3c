import type { Point, Stroke } from '../../../src/digits/preprocess/strokes';

/**
 * The largest drawing the IPC contract used to accept: 1,000 strokes of 20,000 points,
 * each point on the opposite corner of the last, so every segment spans the whole
 * frame. Built from shared arrays so the test itself stays small.
 */
export function cornerToCornerDrawing(strokes = 1_000, points = 20_000): Stroke[] {
  const corners: Point[] = [
    [0, 0],
    [1000, 1000],
  ];
  const stroke = Array.from({ length: points }, (_, i) => corners[i % 2]);
  return Array<Stroke>(strokes).fill(stroke);
}
