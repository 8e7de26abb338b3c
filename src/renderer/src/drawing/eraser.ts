import type { Point } from '../../../digits/preprocess/strokes';

/** A stroke as the canvas keeps it: its points and its pen width (the stroke store's unit). */
export interface DrawnStroke {
  readonly points: readonly Point[];
  readonly width: number;
}

/**
 * Rubs out the parts of `strokes` within `radius` of the eraser's segment `from`-`to`.
 * A stroke the eraser crosses is resampled (so long straight segments can be cut in the
 * middle) and split into the runs of points the eraser missed; runs shorter than two
 * points are dropped, except untouched dots. Strokes the eraser misses come back as the
 * same objects, so an eraser move over empty paper changes nothing.
 *
 * Erasing splits strokes instead of painting white over them because the network input
 * is made from the stroke points alone (strokesToInput): what is rubbed out must be gone
 * from the data.
 */
export function eraseAlong(strokes: readonly DrawnStroke[], from: Point, to: Point, radius: number): readonly DrawnStroke[] {
  let changed = false;
  const result: DrawnStroke[] = [];
  for (const stroke of strokes) {
    const reach = radius + stroke.width / 2;
    if (!touches(stroke.points, from, to, reach)) {
      result.push(stroke);
      continue;
    }
    changed = true;
    const dense = resample(stroke.points, Math.max(reach / 2, 0.5));
    let run: Point[] = [];
    for (const point of dense) {
      if (distanceToSegment(point, from, to) <= reach) {
        if (run.length >= 2) result.push({ points: run, width: stroke.width });
        run = [];
      } else {
        run.push(point);
      }
    }
    if (run.length >= 2) result.push({ points: run, width: stroke.width });
  }
  return changed ? result : strokes;
}

function touches(points: readonly Point[], from: Point, to: Point, reach: number): boolean {
  if (points.length === 1) return distanceToSegment(points[0], from, to) <= reach;
  for (let i = 1; i < points.length; i++) {
    if (segmentsDistance(points[i - 1], points[i], from, to) <= reach) return true;
  }
  return false;
}

/** The polyline with extra points so no two neighbours are more than `spacing` apart. */
export function resample(points: readonly Point[], spacing: number): Point[] {
  if (points.length === 0) return [];
  const out: Point[] = [points[0]];
  for (let i = 1; i < points.length; i++) {
    const [ax, ay] = points[i - 1];
    const [bx, by] = points[i];
    const steps = Math.ceil(Math.hypot(bx - ax, by - ay) / spacing);
    for (let s = 1; s <= steps; s++) out.push([ax + ((bx - ax) * s) / steps, ay + ((by - ay) * s) / steps]);
    if (steps === 0) out.push(points[i]);
  }
  return out;
}

export function distanceToSegment([px, py]: Point, [ax, ay]: Point, [bx, by]: Point): number {
  const dx = bx - ax;
  const dy = by - ay;
  const lengthSquared = dx * dx + dy * dy;
  const t = lengthSquared === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / lengthSquared));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

function segmentsDistance(a: Point, b: Point, c: Point, d: Point): number {
  if (segmentsCross(a, b, c, d)) return 0;
  return Math.min(distanceToSegment(a, c, d), distanceToSegment(b, c, d), distanceToSegment(c, a, b), distanceToSegment(d, a, b));
}

function segmentsCross(a: Point, b: Point, c: Point, d: Point): boolean {
  const cross = (o: Point, p: Point, q: Point): number => (p[0] - o[0]) * (q[1] - o[1]) - (p[1] - o[1]) * (q[0] - o[0]);
  const d1 = cross(c, d, a);
  const d2 = cross(c, d, b);
  const d3 = cross(a, b, c);
  const d4 = cross(a, b, d);
  return ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0));
}
