/**
 * A seeded sloppy hand: draws a stroke template (src/digits/synthetic/templates.ts) as someone
 * would on the 280 x 280 canvas. Slant, rotation, aspect, size and place vary per
 * drawing; the template's control points wobble and the pen trembles.
 *
 * It shares no code with the training augmentation (src/engine/training/augmentation.ts):
 * it moves stroke points before rasterising, as a hand does, rather than resampling
 * pixels, and the bench's tests check it imports nothing from src/engine/training.
 */
import type { Point, Stroke } from '../preprocess/strokes';
import type { Random } from '../../engine/random';
import type { TemplateStroke } from './templates';

/** Catmull-Rom through the points, `perSegment` samples between each pair. */
function smoothThrough(points: readonly Point[], perSegment = 6): Point[] {
  if (points.length < 3) return [...points];
  const out: Point[] = [];
  for (let i = 0; i < points.length - 1; i++) {
    const p0 = points[Math.max(0, i - 1)];
    const [p1, p2] = [points[i], points[i + 1]];
    const p3 = points[Math.min(points.length - 1, i + 2)];
    for (let s = 0; s < perSegment; s++) {
      const t = s / perSegment;
      out.push([catmullRom(p0[0], p1[0], p2[0], p3[0], t), catmullRom(p0[1], p1[1], p2[1], p3[1], t)]);
    }
  }
  out.push(points[points.length - 1]);
  return out;
}

/** One coordinate of the uniform Catmull-Rom segment from b to c at t in [0, 1]. */
function catmullRom(a: number, b: number, c: number, d: number, t: number): number {
  const t2 = t * t;
  return 0.5 * (2 * b + (-a + c) * t + (2 * a - 5 * b + 4 * c - d) * t2 + (-a + 3 * b - 3 * c + d) * t2 * t);
}

/** The template as drawn by a perfectly steady hand, in canvas units: for previews and tests. */
export function traceTemplate(strokes: readonly TemplateStroke[]): Stroke[] {
  return strokes.map((stroke) =>
    (stroke.smooth ? smoothThrough(stroke.points) : stroke.points).map(([x, y]): Point => [40 + x * 160, 40 + y * 200]),
  );
}

/** One drawing of a template by a seeded hand, in canvas units (280 x 280, y down). */
export function drawTemplate(strokes: readonly TemplateStroke[], random: Random): Stroke[] {
  const rotation = (random.uniform(-20, 20) * Math.PI) / 180;
  const slant = random.uniform(-0.2, 0.5);
  const sx = random.uniform(0.55, 1.25);
  const sy = random.uniform(0.85, 1.1);
  const size = random.uniform(90, 250);
  const ox = random.uniform(10, 270 - size * 0.8);
  const oy = random.uniform(10, 270 - size);
  const [cos, sin] = [Math.cos(rotation), Math.sin(rotation)];
  const place = ([x, y]: Point): Point => {
    // Centre, slant the top to the right, stretch, rotate, then size and place.
    let u = (x - 0.5) * sx + slant * (0.5 - y);
    let v = (y - 0.5) * sy;
    [u, v] = [u * cos - v * sin, u * sin + v * cos];
    return [ox + (u + 0.5) * size * 0.8, oy + (v + 0.5) * size];
  };
  return strokes.map((stroke) => {
    const wobbled = stroke.points.map(
      ([x, y]) => [x + 0.05 * random.gaussian(), y + 0.05 * random.gaussian()] as Point,
    );
    const path = stroke.smooth ? smoothThrough(wobbled) : wobbled;
    return path.map((p) => {
      const [x, y] = place(p);
      return [x + 0.6 * random.gaussian(), y + 0.6 * random.gaussian()] as Point;
    });
  });
}
