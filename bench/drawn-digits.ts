/**
 * Digits as people draw them on a canvas, for judging models on what the app really
 * sees rather than on MNIST's scanned pen strokes. Each digit has a few stroke
 * templates in the usual styles (a 1 with or without a flag and base, an open or
 * closed 4, a 7 with a crossbar...), drawn again and again with a seeded hand: slant,
 * rotation, aspect, wobbly control points, a tremor, any size and place on the canvas.
 * Every drawing goes through the app's own preprocessing (strokesToInput).
 *
 * These are synthetic strokes, not a person's; they stand in for a labelled set of real
 * canvas drawings, which Tegaki does not have yet.
 */
import type { Dataset } from '../src/engine/data/dataset';
import { strokesToInput } from '../src/digits/preprocess/strokes';
import type { Point, Stroke } from '../src/digits/preprocess/strokes';
import { Random } from '../src/engine/random';

/** A template stroke in a unit box (y down); smooth strokes are curves through their points. */
interface TemplateStroke {
  points: Point[];
  smooth: boolean;
}
type Template = TemplateStroke[];

const curve = (...points: Point[]): TemplateStroke => ({ points, smooth: true });
const lines = (...points: Point[]): TemplateStroke => ({ points, smooth: false });

function ellipse(
  cx: number,
  cy: number,
  rx: number,
  ry: number,
  from = -Math.PI / 2,
  turns = 1.08,
  steps = 14,
): Point[] {
  return Array.from({ length: steps + 1 }, (_, i) => {
    const angle = from - (i / steps) * turns * 2 * Math.PI;
    return [cx + rx * Math.cos(angle), cy + ry * Math.sin(angle)] as Point;
  });
}

export const templates: Record<number, Template[]> = {
  0: [[curve(...ellipse(0.5, 0.5, 0.32, 0.46))], [curve(...ellipse(0.5, 0.5, 0.26, 0.47, -Math.PI / 2, 1.02))]],
  1: [
    [lines([0.5, 0.04], [0.5, 0.96])],
    [lines([0.3, 0.24], [0.55, 0.04], [0.55, 0.96])],
    [lines([0.32, 0.22], [0.52, 0.04], [0.52, 0.96]), lines([0.3, 0.96], [0.74, 0.96])],
  ],
  2: [
    [
      curve([0.2, 0.3], [0.3, 0.12], [0.5, 0.05], [0.7, 0.12], [0.78, 0.3], [0.7, 0.5], [0.45, 0.72], [0.15, 0.95]),
      lines([0.15, 0.95], [0.85, 0.95]),
    ],
    [curve([0.18, 0.22], [0.45, 0.05], [0.75, 0.2], [0.6, 0.55], [0.2, 0.94], [0.45, 0.9], [0.85, 0.95])],
  ],
  3: [
    [
      curve(
        [0.2, 0.15],
        [0.45, 0.05],
        [0.7, 0.1],
        [0.75, 0.27],
        [0.6, 0.42],
        [0.4, 0.48],
        [0.65, 0.55],
        [0.8, 0.72],
        [0.7, 0.9],
        [0.45, 0.97],
        [0.2, 0.88],
      ),
    ],
    [
      lines([0.2, 0.05], [0.8, 0.05], [0.45, 0.42]),
      curve([0.45, 0.42], [0.72, 0.55], [0.78, 0.75], [0.62, 0.93], [0.4, 0.97], [0.2, 0.9]),
    ],
  ],
  4: [
    [lines([0.6, 0.05], [0.15, 0.65], [0.85, 0.65]), lines([0.65, 0.3], [0.65, 0.98])],
    [lines([0.25, 0.05], [0.2, 0.6], [0.85, 0.6]), lines([0.7, 0.05], [0.7, 0.98])],
  ],
  5: [
    [
      lines([0.75, 0.05], [0.3, 0.05], [0.25, 0.45]),
      curve([0.25, 0.45], [0.5, 0.38], [0.75, 0.5], [0.8, 0.72], [0.65, 0.92], [0.4, 0.97], [0.2, 0.88]),
    ],
    [
      lines([0.3, 0.05], [0.26, 0.45]),
      curve([0.26, 0.45], [0.55, 0.4], [0.78, 0.6], [0.7, 0.88], [0.42, 0.97], [0.2, 0.86]),
      lines([0.3, 0.05], [0.78, 0.05]),
    ],
  ],
  6: [
    [
      curve(
        [0.7, 0.05],
        [0.45, 0.2],
        [0.27, 0.45],
        [0.22, 0.7],
        [0.32, 0.92],
        [0.52, 0.97],
        [0.72, 0.85],
        [0.75, 0.65],
        [0.6, 0.52],
        [0.4, 0.52],
        [0.25, 0.65],
      ),
    ],
    [curve([0.6, 0.04], [0.35, 0.3], [0.25, 0.6], [0.3, 0.88], [0.55, 0.96], [0.75, 0.78], [0.62, 0.55], [0.35, 0.6])],
  ],
  7: [
    [lines([0.15, 0.05], [0.85, 0.05], [0.4, 0.98])],
    [lines([0.15, 0.05], [0.85, 0.05], [0.45, 0.98]), lines([0.35, 0.5], [0.78, 0.5])],
    [lines([0.15, 0.18], [0.15, 0.05], [0.85, 0.05], [0.5, 0.98])],
  ],
  8: [
    [
      curve(
        [0.7, 0.15],
        [0.5, 0.05],
        [0.3, 0.15],
        [0.32, 0.32],
        [0.5, 0.45],
        [0.7, 0.6],
        [0.72, 0.82],
        [0.5, 0.96],
        [0.28, 0.82],
        [0.3, 0.6],
        [0.5, 0.45],
        [0.68, 0.32],
        [0.7, 0.15],
      ),
    ],
    [
      curve(...ellipse(0.5, 0.26, 0.2, 0.22, Math.PI / 2, 1.05)),
      curve(...ellipse(0.5, 0.72, 0.26, 0.25, -Math.PI / 2, 1.05)),
    ],
  ],
  9: [
    [
      curve([0.75, 0.25], [0.6, 0.06], [0.38, 0.06], [0.25, 0.22], [0.3, 0.4], [0.5, 0.45], [0.72, 0.35], [0.75, 0.2]),
      lines([0.75, 0.2], [0.75, 0.6], [0.72, 0.98]),
    ],
    [
      curve(
        [0.75, 0.22],
        [0.55, 0.05],
        [0.3, 0.12],
        [0.28, 0.35],
        [0.5, 0.45],
        [0.74, 0.3],
        [0.75, 0.2],
        [0.72, 0.6],
        [0.6, 0.9],
        [0.4, 0.98],
      ),
    ],
  ],
};

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
      const t2 = t * t;
      const t3 = t2 * t;
      const at = (k: 0 | 1) =>
        0.5 *
        (2 * p1[k] +
          (-p0[k] + p2[k]) * t +
          (2 * p0[k] - 5 * p1[k] + 4 * p2[k] - p3[k]) * t2 +
          (-p0[k] + 3 * p1[k] - 3 * p2[k] + p3[k]) * t3);
      out.push([at(0), at(1)]);
    }
  }
  out.push(points[points.length - 1]);
  return out;
}

/** One drawing of a template by a seeded hand, in canvas units (280 x 280, y down). */
export function drawTemplate(template: Template, random: Random): Stroke[] {
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
  return template.map((stroke) => {
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

export interface DrawnDigits {
  /** `count x 784` network inputs, 0..1. */
  inputs: Float32Array;
  labels: Uint8Array;
  count: number;
}

/** `perDigit` drawings of each digit, the templates taken in turn; the same seed gives the same set. */
export function drawnDigits(perDigit = 100, seed = 2026): DrawnDigits {
  const random = new Random(seed);
  const count = perDigit * 10;
  const inputs = new Float32Array(count * 784);
  const labels = new Uint8Array(count);
  let n = 0;
  for (let digit = 0; digit < 10; digit++) {
    const styles = templates[digit];
    for (let i = 0; i < perDigit; i++, n++) {
      inputs.set(strokesToInput(drawTemplate(styles[i % styles.length], random)), n * 784);
      labels[n] = digit;
    }
  }
  return { inputs, labels, count };
}

/** The drawings as a Dataset (uint8 pixels, as MNIST's), for evaluate(). */
export function drawnDigitsDataset(perDigit = 100, seed = 2026): Dataset {
  const { inputs, labels, count } = drawnDigits(perDigit, seed);
  const images = new Uint8Array(inputs.length);
  for (let i = 0; i < inputs.length; i++) images[i] = Math.round(inputs[i] * 255);
  return { images, labels, count, rows: 28, cols: 28 };
}
