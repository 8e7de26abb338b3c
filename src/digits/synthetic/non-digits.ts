/**
 * Stroke templates of drawings that are not digits, for fitting and judging the "not a
 * digit" decision (src/digits/rejection.ts): letters that look like no digit, symbols,
 * shapes and scribbles, in the unit box of the digit templates (src/digits/synthetic/templates.ts;
 * x right, y down) and drawn by the same seeded hand (src/digits/synthetic/hand.ts) through the
 * app's preprocessing. Letters that are written like a digit (O, I, l, S, Z, B, G, g, q, b)
 * are left out on purpose: a network cannot be asked to tell O from 0.
 *
 * The templates are split in two disjoint sets. `fitting` ones choose which score separates
 * digits from non-digits (the threshold itself is set on digits only); `held-out` ones are
 * never seen by any fitting and give the bench's rejection rate. Each kind (letter, symbol,
 * shape, scribble) has templates in both, but never the same template.
 *
 * Written by hand as points; like the digit templates, synthetic strokes standing in for
 * real drawings, correlated within a template.
 */
import type { Point } from '../preprocess/strokes';
import { strokesToInput } from '../preprocess/strokes';
import type { Dataset } from '../../engine/data/dataset';
import { Random } from '../../engine/random';
import { drawTemplate } from './hand';
import type { TemplateStroke } from './templates';

export type NonDigitKind = 'letter' | 'symbol' | 'shape' | 'scribble';
export type NonDigitSplit = 'fitting' | 'held-out';

export interface NonDigitTemplate {
  name: string;
  kind: NonDigitKind;
  split: NonDigitSplit;
  strokes: TemplateStroke[];
}

const curve = (...points: Point[]): TemplateStroke => ({ points, smooth: true });
const lines = (...points: Point[]): TemplateStroke => ({ points, smooth: false });

/** Points along an ellipse from angle `from`, `turns` times round. */
function ellipse(cx: number, cy: number, rx: number, ry: number, from = -Math.PI / 2, turns = 1.02): Point[] {
  const steps = Math.max(8, Math.round(16 * turns));
  return Array.from({ length: steps + 1 }, (_, i) => {
    const angle = from + (i / steps) * turns * 2 * Math.PI;
    return [cx + rx * Math.cos(angle), cy + ry * Math.sin(angle)] as Point;
  });
}

/** A spiral out from the centre, `turns` times round. */
function spiral(turns: number, rx: number, ry: number): Point[] {
  const steps = Math.round(12 * turns);
  return Array.from({ length: steps + 1 }, (_, i) => {
    const f = i / steps;
    const angle = f * turns * 2 * Math.PI;
    return [0.5 + f * rx * Math.cos(angle), 0.5 + f * ry * Math.sin(angle)] as Point;
  });
}

/** A regular star of `points` tips, as one closed polyline. */
function star(points: number, inner: number): Point[] {
  return Array.from({ length: points * 2 + 1 }, (_, i) => {
    const r = i % 2 ? inner : 0.48;
    const angle = -Math.PI / 2 + (i * Math.PI) / points;
    return [0.5 + r * Math.cos(angle), 0.5 + r * Math.sin(angle)] as Point;
  });
}

const n = (name: string, kind: NonDigitKind, split: NonDigitSplit, ...strokes: TemplateStroke[]): NonDigitTemplate => ({
  name,
  kind,
  split,
  strokes,
});

export const nonDigitTemplates: readonly NonDigitTemplate[] = [
  // Letters.
  n('X', 'letter', 'fitting', lines([0.1, 0.05], [0.9, 0.95]), lines([0.9, 0.05], [0.1, 0.95])),
  n('A', 'letter', 'fitting', lines([0.05, 0.95], [0.5, 0.05], [0.95, 0.95]), lines([0.25, 0.6], [0.75, 0.6])),
  n('K', 'letter', 'fitting', lines([0.2, 0.05], [0.2, 0.95]), lines([0.85, 0.05], [0.2, 0.55], [0.85, 0.95])),
  n('M', 'letter', 'fitting', lines([0.05, 0.95], [0.1, 0.05], [0.5, 0.6], [0.9, 0.05], [0.95, 0.95])),
  n(
    'H',
    'letter',
    'fitting',
    lines([0.15, 0.05], [0.15, 0.95]),
    lines([0.85, 0.05], [0.85, 0.95]),
    lines([0.15, 0.5], [0.85, 0.5]),
  ),
  n(
    'E',
    'letter',
    'fitting',
    lines([0.8, 0.05], [0.2, 0.05], [0.2, 0.95], [0.8, 0.95]),
    lines([0.2, 0.5], [0.65, 0.5]),
  ),
  n(
    'R',
    'letter',
    'fitting',
    lines([0.2, 0.95], [0.2, 0.05]),
    curve([0.2, 0.05], [0.6, 0.05], [0.8, 0.25], [0.6, 0.48], [0.2, 0.5]),
    lines([0.4, 0.5], [0.85, 0.95]),
  ),
  n('W', 'letter', 'held-out', lines([0.02, 0.05], [0.25, 0.95], [0.5, 0.35], [0.75, 0.95], [0.98, 0.05])),
  n('F', 'letter', 'held-out', lines([0.85, 0.05], [0.2, 0.05], [0.2, 0.95]), lines([0.2, 0.48], [0.7, 0.48])),
  n('N', 'letter', 'held-out', lines([0.15, 0.95], [0.15, 0.05], [0.85, 0.95], [0.85, 0.05])),
  n('Y', 'letter', 'held-out', lines([0.1, 0.05], [0.5, 0.5]), lines([0.9, 0.05], [0.5, 0.5], [0.5, 0.95])),
  n('V', 'letter', 'held-out', lines([0.08, 0.05], [0.5, 0.95], [0.92, 0.05])),
  n('k', 'letter', 'held-out', lines([0.2, 0.02], [0.2, 0.95]), lines([0.75, 0.4], [0.2, 0.7], [0.8, 0.95])),
  n('x', 'letter', 'held-out', lines([0.15, 0.35], [0.85, 0.95]), lines([0.85, 0.35], [0.15, 0.95])),

  // Symbols.
  n('+', 'symbol', 'fitting', lines([0.5, 0.1], [0.5, 0.9]), lines([0.1, 0.5], [0.9, 0.5])),
  n('=', 'symbol', 'fitting', lines([0.1, 0.35], [0.9, 0.35]), lines([0.1, 0.65], [0.9, 0.65])),
  n(
    '*',
    'symbol',
    'fitting',
    lines([0.5, 0.05], [0.5, 0.95]),
    lines([0.1, 0.25], [0.9, 0.75]),
    lines([0.9, 0.25], [0.1, 0.75]),
  ),
  n(
    '@',
    'symbol',
    'fitting',
    curve(...ellipse(0.5, 0.5, 0.15, 0.18)),
    curve(
      [0.65, 0.35],
      [0.65, 0.65],
      [0.85, 0.6],
      [0.92, 0.4],
      [0.75, 0.1],
      [0.45, 0.05],
      [0.12, 0.3],
      [0.12, 0.7],
      [0.45, 0.95],
      [0.8, 0.88],
    ),
  ),
  n(
    '%',
    'symbol',
    'fitting',
    curve(...ellipse(0.25, 0.22, 0.13, 0.15)),
    lines([0.85, 0.05], [0.15, 0.95]),
    curve(...ellipse(0.75, 0.78, 0.13, 0.15)),
  ),
  n(
    '#',
    'symbol',
    'held-out',
    lines([0.38, 0.05], [0.3, 0.95]),
    lines([0.72, 0.05], [0.64, 0.95]),
    lines([0.1, 0.33], [0.9, 0.33]),
    lines([0.08, 0.66], [0.88, 0.66]),
  ),
  n(
    '?',
    'symbol',
    'held-out',
    curve([0.2, 0.25], [0.35, 0.05], [0.65, 0.05], [0.8, 0.25], [0.65, 0.45], [0.5, 0.55], [0.5, 0.72]),
    lines([0.5, 0.92], [0.52, 0.95]),
  ),
  n(
    '&',
    'symbol',
    'held-out',
    curve(
      [0.9, 0.95],
      [0.3, 0.35],
      [0.3, 0.1],
      [0.5, 0.05],
      [0.6, 0.2],
      [0.2, 0.6],
      [0.25, 0.9],
      [0.55, 0.92],
      [0.85, 0.55],
    ),
  ),
  n(
    '÷',
    'symbol',
    'held-out',
    lines([0.1, 0.5], [0.9, 0.5]),
    lines([0.5, 0.2], [0.52, 0.23]),
    lines([0.5, 0.78], [0.52, 0.81]),
  ),
  n('→', 'symbol', 'held-out', lines([0.05, 0.5], [0.95, 0.5]), lines([0.65, 0.25], [0.95, 0.5], [0.65, 0.75])),
  n('×', 'symbol', 'held-out', lines([0.2, 0.3], [0.8, 0.7]), lines([0.8, 0.3], [0.2, 0.7])),

  // Shapes.
  n('square', 'shape', 'fitting', lines([0.1, 0.1], [0.9, 0.1], [0.9, 0.9], [0.1, 0.9], [0.1, 0.1])),
  n('star', 'shape', 'fitting', lines(...star(5, 0.2))),
  n('spiral', 'shape', 'fitting', curve(...spiral(2.5, 0.48, 0.48))),
  n(
    'smiley',
    'shape',
    'fitting',
    curve(...ellipse(0.5, 0.5, 0.46, 0.46)),
    lines([0.35, 0.33], [0.36, 0.37]),
    lines([0.65, 0.33], [0.66, 0.37]),
    curve([0.28, 0.62], [0.5, 0.78], [0.72, 0.62]),
  ),
  n(
    'circled cross',
    'shape',
    'fitting',
    curve(...ellipse(0.5, 0.5, 0.45, 0.45)),
    lines([0.2, 0.2], [0.8, 0.8]),
    lines([0.8, 0.2], [0.2, 0.8]),
  ),
  n('triangle', 'shape', 'held-out', lines([0.5, 0.05], [0.95, 0.92], [0.05, 0.92], [0.5, 0.05])),
  n(
    'heart',
    'shape',
    'held-out',
    curve([0.5, 0.3], [0.35, 0.08], [0.1, 0.15], [0.1, 0.4], [0.5, 0.92]),
    curve([0.5, 0.3], [0.65, 0.08], [0.9, 0.15], [0.9, 0.4], [0.5, 0.92]),
  ),
  n('house', 'shape', 'held-out', lines([0.1, 0.95], [0.1, 0.45], [0.5, 0.05], [0.9, 0.45], [0.9, 0.95], [0.1, 0.95])),
  n('diamond', 'shape', 'held-out', lines([0.5, 0.03], [0.92, 0.5], [0.5, 0.97], [0.08, 0.5], [0.5, 0.03])),
  n('wide rectangle', 'shape', 'held-out', lines([0.02, 0.3], [0.98, 0.3], [0.98, 0.7], [0.02, 0.7], [0.02, 0.3])),
  n(
    'sad face',
    'shape',
    'held-out',
    curve(...ellipse(0.5, 0.5, 0.46, 0.46)),
    lines([0.33, 0.35], [0.34, 0.39]),
    lines([0.67, 0.35], [0.68, 0.39]),
    curve([0.3, 0.75], [0.5, 0.62], [0.7, 0.75]),
  ),

  // Scribbles.
  n(
    'zigzag',
    'scribble',
    'fitting',
    lines([0.05, 0.1], [0.95, 0.25], [0.05, 0.4], [0.95, 0.55], [0.05, 0.7], [0.95, 0.85]),
  ),
  n(
    'loops',
    'scribble',
    'fitting',
    curve(
      [0.05, 0.5],
      [0.2, 0.2],
      [0.3, 0.7],
      [0.15, 0.6],
      [0.4, 0.2],
      [0.55, 0.7],
      [0.45, 0.6],
      [0.7, 0.2],
      [0.85, 0.7],
      [0.95, 0.5],
    ),
  ),
  n(
    'tangle',
    'scribble',
    'fitting',
    curve([0.2, 0.3], [0.8, 0.2], [0.3, 0.8], [0.7, 0.9], [0.9, 0.4], [0.1, 0.6], [0.5, 0.1], [0.6, 0.7]),
  ),
  n(
    'hatching',
    'scribble',
    'held-out',
    lines([0.1, 0.3], [0.3, 0.05]),
    lines([0.1, 0.6], [0.6, 0.05]),
    lines([0.1, 0.9], [0.9, 0.1]),
    lines([0.4, 0.95], [0.9, 0.4]),
    lines([0.7, 0.95], [0.9, 0.7]),
  ),
  n(
    'wave',
    'scribble',
    'held-out',
    curve([0.02, 0.5], [0.15, 0.25], [0.3, 0.75], [0.45, 0.25], [0.6, 0.75], [0.75, 0.25], [0.9, 0.75], [0.98, 0.5]),
  ),
  n(
    'knot',
    'scribble',
    'held-out',
    curve([0.1, 0.9], [0.5, 0.1], [0.9, 0.5], [0.1, 0.5], [0.5, 0.9], [0.85, 0.15], [0.3, 0.2]),
  ),
];

/** The templates of one split. */
export const nonDigitTemplatesOf = (split: NonDigitSplit): NonDigitTemplate[] =>
  nonDigitTemplates.filter((template) => template.split === split);

/** Drawings per non-digit template in the bench's and the fitting's sets. */
export const DRAWINGS_PER_NON_DIGIT_TEMPLATE = 50;

/**
 * `perTemplate` drawings of each template of `split` by the seeded hand, through the app's
 * preprocessing, as a Dataset (uint8 pixels, as MNIST's; labels are all 0 and mean nothing).
 */
export function nonDigitDataset(
  split: NonDigitSplit,
  perTemplate = DRAWINGS_PER_NON_DIGIT_TEMPLATE,
  seed = split === 'fitting' ? 2028 : 2029,
): Dataset & { templateIndex: Uint16Array } {
  const random = new Random(seed);
  const templates = nonDigitTemplatesOf(split);
  const count = templates.length * perTemplate;
  const images = new Uint8Array(count * 784);
  const templateIndex = new Uint16Array(count);
  let i = 0;
  templates.forEach((template, index) => {
    for (let k = 0; k < perTemplate; k++, i++) {
      const input = strokesToInput(drawTemplate(template.strokes, random));
      for (let p = 0; p < 784; p++) images[i * 784 + p] = Math.round(input[p] * 255);
      templateIndex[i] = index;
    }
  });
  return { images, labels: new Uint8Array(count), templateIndex, count, rows: 28, cols: 28 };
}
