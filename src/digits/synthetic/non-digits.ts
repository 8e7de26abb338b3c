/**
 * Stroke templates of drawings that are not digits, for training, fitting and judging the
 * "not a digit" decision (src/digits/rejection.ts): letters that look like no digit, symbols,
 * shapes and scribbles, in the unit box of the digit templates (src/digits/synthetic/templates.ts;
 * x right, y down) and drawn by the same seeded hand (src/digits/synthetic/hand.ts) through the
 * app's preprocessing. Letters that are written like a digit (O, I, l, S, Z, B, G, g, q, b)
 * are left out on purpose: a network cannot be asked to tell O from 0. So are signs that
 * hold a digit's shape: θ, φ, Ф, Ø and の (a zero with a stroke through it), Ч (an open 4),
 * Ω (a zero on feet), Σ and ∠ (a 2's foot), ↑ and ! (a 1 with marks), ° (a small 0).
 *
 * The templates are split in three disjoint sets:
 * - `training` ones are drawn for the network to learn "not a digit" from (src/digits/synthetic/training-set.ts),
 *   together with the fitting ones;
 * - `fitting` ones are trained on too, and choose which score separates digits from
 *   non-digits (the threshold itself is set on digits only);
 * - `held-out` ones are never trained on nor fitted, and give the bench's rejection rate.
 * Each kind (letter, symbol, shape, scribble) has templates in all three, but never the same
 * template: tests/digits/synthetic/non-digits.test.ts checks that no template renders like
 * one of another split.
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
export type NonDigitSplit = 'training' | 'fitting' | 'held-out';

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

/** A regular polygon of `sides`, closed, its first corner at angle `from`. */
function polygon(sides: number, rx: number, ry: number, from: number): Point[] {
  return Array.from({ length: sides + 1 }, (_, i) => {
    const angle = from + (i * 2 * Math.PI) / sides;
    return [0.5 + rx * Math.cos(angle), 0.5 + ry * Math.sin(angle)] as Point;
  });
}

/** A lying eight (Bernoulli's lemniscate), `width` and `height` from the centre. */
function lemniscate(width: number, height: number): Point[] {
  return Array.from({ length: 25 }, (_, i) => {
    const angle = (i / 24) * 2 * Math.PI;
    const d = 1 + Math.sin(angle) ** 2;
    return [0.5 + (width * Math.cos(angle)) / d, 0.5 + (height * 2.8 * Math.sin(angle) * Math.cos(angle)) / d] as Point;
  });
}

/** A closed outline of `bumps` round bulges about an ellipse. */
function cloud(bumps: number, rx: number, ry: number): Point[] {
  const steps = bumps * 6;
  return Array.from({ length: steps + 1 }, (_, i) => {
    const angle = (i / steps) * 2 * Math.PI;
    const r = 0.82 + 0.18 * Math.abs(Math.sin((angle * bumps) / 2));
    return [0.5 + r * rx * Math.cos(angle), 0.5 + r * ry * Math.sin(angle)] as Point;
  });
}

/** A spring seen from the side: `loops` loops of radius `r` across the box, each overlapping the next. */
function coil(loops: number, r: number, ry: number): Point[] {
  const steps = loops * 10;
  return Array.from({ length: steps + 1 }, (_, i) => {
    const f = i / steps;
    const angle = f * loops * 2 * Math.PI;
    return [0.5 - 0.38 + f * 0.76 - r * Math.cos(angle) + r, 0.5 - ry * Math.sin(angle)] as Point;
  });
}

/** `count` short rays round a small sun, each its own stroke. */
const sunRays = (count: number): TemplateStroke[] =>
  Array.from({ length: count }, (_, i) => {
    const angle = (i * 2 * Math.PI) / count;
    const [c, s] = [Math.cos(angle), Math.sin(angle)];
    return lines([0.5 + 0.28 * c, 0.5 + 0.28 * s], [0.5 + 0.48 * c, 0.5 + 0.48 * s]);
  });

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

  // Training: drawn for the network to learn "not a digit" from, with the fitting ones.
  // Letters, kana and Greek and Cyrillic letters that look like no digit, and X drawn many ways:
  // the product must reject two crossed strokes.
  n(
    'P',
    'letter',
    'training',
    lines([0.22, 0.95], [0.22, 0.05]),
    curve([0.22, 0.05], [0.62, 0.04], [0.82, 0.22], [0.62, 0.44], [0.22, 0.46]),
  ),
  n('U', 'letter', 'training', curve([0.08, 0.05], [0.12, 0.68], [0.5, 0.95], [0.88, 0.68], [0.92, 0.05])),
  n('T', 'letter', 'training', lines([0.05, 0.06], [0.95, 0.06]), lines([0.5, 0.06], [0.5, 0.95])),
  n(
    'h',
    'letter',
    'training',
    lines([0.2, 0.02], [0.2, 0.95]),
    curve([0.2, 0.6], [0.4, 0.4], [0.7, 0.42], [0.78, 0.6], [0.78, 0.95]),
  ),
  n(
    'n',
    'letter',
    'training',
    lines([0.12, 0.3], [0.12, 0.95]),
    curve([0.12, 0.5], [0.4, 0.28], [0.75, 0.32], [0.88, 0.55], [0.88, 0.95]),
  ),
  n(
    'm',
    'letter',
    'training',
    lines([0.04, 0.3], [0.04, 0.9]),
    curve([0.04, 0.45], [0.2, 0.3], [0.42, 0.38], [0.48, 0.9]),
    curve([0.48, 0.5], [0.65, 0.3], [0.9, 0.4], [0.96, 0.9]),
  ),
  n(
    'e',
    'letter',
    'training',
    curve([0.15, 0.55], [0.85, 0.5], [0.8, 0.25], [0.5, 0.1], [0.2, 0.3], [0.15, 0.65], [0.4, 0.9], [0.8, 0.85]),
  ),
  n(
    't',
    'letter',
    'training',
    curve([0.4, 0.02], [0.4, 0.75], [0.5, 0.95], [0.75, 0.9]),
    lines([0.1, 0.3], [0.8, 0.3]),
  ),
  n(
    'Я',
    'letter',
    'training',
    lines([0.8, 0.95], [0.8, 0.05]),
    curve([0.8, 0.05], [0.4, 0.05], [0.2, 0.25], [0.4, 0.48], [0.8, 0.5]),
    lines([0.6, 0.5], [0.15, 0.95]),
  ),
  n(
    'Ж',
    'letter',
    'training',
    lines([0.5, 0.05], [0.5, 0.95]),
    lines([0.05, 0.05], [0.5, 0.5], [0.05, 0.95]),
    lines([0.95, 0.05], [0.5, 0.5], [0.95, 0.95]),
  ),
  n('Ш', 'letter', 'training', lines([0.1, 0.1], [0.1, 0.9], [0.9, 0.9], [0.9, 0.1]), lines([0.5, 0.1], [0.5, 0.9])),
  n(
    'Д',
    'letter',
    'training',
    lines([0.3, 0.05], [0.2, 0.8]),
    lines([0.3, 0.05], [0.75, 0.05], [0.75, 0.8]),
    lines([0.05, 0.97], [0.05, 0.8], [0.95, 0.8], [0.95, 0.97]),
  ),
  n(
    'π',
    'letter',
    'training',
    lines([0.05, 0.2], [0.95, 0.18]),
    lines([0.3, 0.2], [0.28, 0.95]),
    curve([0.68, 0.2], [0.7, 0.8], [0.85, 0.95]),
  ),
  n('λ', 'letter', 'training', lines([0.15, 0.05], [0.85, 0.95]), lines([0.5, 0.5], [0.12, 0.95])),
  n(
    'ψ',
    'letter',
    'training',
    curve([0.1, 0.1], [0.15, 0.45], [0.5, 0.6], [0.85, 0.45], [0.9, 0.1]),
    lines([0.5, 0.02], [0.5, 0.98]),
  ),
  n('tall X', 'letter', 'training', lines([0.3, 0.02], [0.7, 0.98]), lines([0.7, 0.02], [0.3, 0.98])),
  n('italic X', 'letter', 'training', lines([0.3, 0.02], [0.75, 0.98]), lines([0.95, 0.05], [0.05, 0.92])),
  n('X crossed off centre', 'letter', 'training', lines([0.05, 0.05], [0.95, 0.95]), lines([0.7, 0.02], [0.2, 0.75])),
  n('wide x', 'letter', 'training', lines([0.02, 0.35], [0.98, 0.62]), lines([0.9, 0.3], [0.1, 0.7])),
  n(
    'cursive x',
    'letter',
    'training',
    curve([0.1, 0.15], [0.42, 0.3], [0.5, 0.5], [0.42, 0.7], [0.1, 0.85]),
    curve([0.9, 0.15], [0.58, 0.3], [0.5, 0.5], [0.58, 0.7], [0.9, 0.85]),
  ),
  n(
    'bowed X',
    'letter',
    'training',
    curve([0.1, 0.05], [0.55, 0.45], [0.85, 0.95]),
    curve([0.9, 0.08], [0.45, 0.5], [0.12, 0.92]),
  ),
  n(
    'あ',
    'letter',
    'training',
    lines([0.2, 0.25], [0.75, 0.2]),
    curve([0.42, 0.05], [0.45, 0.5], [0.55, 0.9]),
    curve([0.65, 0.38], [0.45, 0.7], [0.2, 0.88], [0.12, 0.72], [0.35, 0.52], [0.7, 0.5], [0.88, 0.7], [0.62, 0.95]),
  ),
  n(
    'ね',
    'letter',
    'training',
    lines([0.3, 0.05], [0.3, 0.95]),
    curve(
      [0.08, 0.3],
      [0.45, 0.28],
      [0.1, 0.82],
      [0.4, 0.45],
      [0.72, 0.38],
      [0.88, 0.62],
      [0.75, 0.9],
      [0.55, 0.85],
      [0.68, 0.72],
      [0.95, 0.92],
    ),
  ),
  n(
    'ツ',
    'letter',
    'training',
    lines([0.12, 0.25], [0.22, 0.45]),
    lines([0.38, 0.18], [0.48, 0.4]),
    curve([0.88, 0.15], [0.8, 0.55], [0.55, 0.82], [0.25, 0.95]),
  ),
  n(
    'キ',
    'letter',
    'training',
    lines([0.12, 0.3], [0.85, 0.24]),
    lines([0.08, 0.58], [0.92, 0.52]),
    lines([0.42, 0.04], [0.6, 0.96]),
  ),
  n(
    'ホ',
    'letter',
    'training',
    lines([0.1, 0.3], [0.9, 0.3]),
    curve([0.5, 0.02], [0.5, 0.8], [0.5, 0.95], [0.4, 0.88]),
    lines([0.3, 0.5], [0.1, 0.85]),
    lines([0.7, 0.5], [0.9, 0.82]),
  ),
  n(
    'ミ',
    'letter',
    'training',
    lines([0.2, 0.1], [0.8, 0.25]),
    lines([0.25, 0.42], [0.75, 0.55]),
    lines([0.1, 0.72], [0.9, 0.92]),
  ),
  n(
    'ん',
    'letter',
    'training',
    curve([0.55, 0.03], [0.35, 0.45], [0.12, 0.95], [0.3, 0.6], [0.48, 0.55], [0.55, 0.85], [0.7, 0.9], [0.92, 0.65]),
  ),
  n('メ', 'letter', 'training', lines([0.85, 0.05], [0.1, 0.95]), lines([0.3, 0.35], [0.88, 0.8])),

  n(
    '≠',
    'symbol',
    'training',
    lines([0.1, 0.35], [0.9, 0.35]),
    lines([0.1, 0.65], [0.9, 0.65]),
    lines([0.7, 0.08], [0.3, 0.92]),
  ),
  n('~', 'symbol', 'training', curve([0.02, 0.6], [0.25, 0.35], [0.5, 0.5], [0.75, 0.65], [0.98, 0.4])),
  n(
    '≈',
    'symbol',
    'training',
    curve([0.02, 0.4], [0.25, 0.2], [0.5, 0.35], [0.75, 0.5], [0.98, 0.3]),
    curve([0.02, 0.72], [0.25, 0.52], [0.5, 0.67], [0.75, 0.82], [0.98, 0.62]),
  ),
  n('√', 'symbol', 'training', lines([0.02, 0.6], [0.15, 0.52], [0.35, 0.95], [0.6, 0.05], [0.98, 0.05])),
  n('∞', 'symbol', 'training', curve(...lemniscate(0.47, 0.3))),
  n('←', 'symbol', 'training', lines([0.95, 0.5], [0.05, 0.5]), lines([0.35, 0.22], [0.05, 0.5], [0.35, 0.78])),
  n(
    '↔',
    'symbol',
    'training',
    lines([0.05, 0.5], [0.95, 0.5]),
    lines([0.25, 0.3], [0.05, 0.5], [0.25, 0.7]),
    lines([0.75, 0.3], [0.95, 0.5], [0.75, 0.7]),
  ),
  n(
    '⇒',
    'symbol',
    'training',
    lines([0.05, 0.38], [0.75, 0.38]),
    lines([0.05, 0.62], [0.75, 0.62]),
    lines([0.6, 0.15], [0.95, 0.5], [0.6, 0.85]),
  ),
  n('✓', 'symbol', 'training', lines([0.05, 0.55], [0.35, 0.92], [0.95, 0.05])),
  n(
    '±',
    'symbol',
    'training',
    lines([0.5, 0.05], [0.5, 0.65]),
    lines([0.15, 0.35], [0.85, 0.35]),
    lines([0.15, 0.92], [0.85, 0.92]),
  ),
  n('<', 'symbol', 'training', lines([0.85, 0.1], [0.15, 0.5], [0.85, 0.9])),
  n(
    '∴',
    'symbol',
    'training',
    lines([0.5, 0.1], [0.52, 0.13]),
    lines([0.1, 0.85], [0.12, 0.88]),
    lines([0.88, 0.85], [0.9, 0.88]),
  ),

  n('upside-down triangle', 'shape', 'training', lines([0.05, 0.08], [0.95, 0.08], [0.5, 0.95], [0.05, 0.08])),
  n('pentagon', 'shape', 'training', lines(...polygon(5, 0.48, 0.36, -Math.PI / 2))),
  n(
    'circled plus',
    'shape',
    'training',
    curve(...ellipse(0.5, 0.5, 0.45, 0.45)),
    lines([0.5, 0.1], [0.5, 0.9]),
    lines([0.1, 0.5], [0.9, 0.5]),
  ),
  n(
    'crescent',
    'shape',
    'training',
    curve(
      [0.75, 0.05],
      [0.3, 0.12],
      [0.08, 0.5],
      [0.3, 0.88],
      [0.75, 0.95],
      [0.45, 0.72],
      [0.38, 0.5],
      [0.45, 0.28],
      [0.75, 0.05],
    ),
  ),
  n('cloud', 'shape', 'training', curve(...cloud(7, 0.46, 0.3))),
  n(
    'lightning',
    'shape',
    'training',
    lines([0.55, 0.02], [0.2, 0.55], [0.48, 0.55], [0.3, 0.98], [0.82, 0.4], [0.52, 0.4], [0.72, 0.02], [0.55, 0.02]),
  ),
  n(
    'envelope',
    'shape',
    'training',
    lines([0.05, 0.2], [0.95, 0.2], [0.95, 0.8], [0.05, 0.8], [0.05, 0.2]),
    lines([0.05, 0.2], [0.5, 0.55], [0.95, 0.2]),
  ),
  n(
    'star of David',
    'shape',
    'training',
    lines(...polygon(3, 0.48, 0.48, -Math.PI / 2)),
    lines(...polygon(3, 0.48, 0.48, Math.PI / 2)),
  ),
  n('sun', 'shape', 'training', curve(...ellipse(0.5, 0.5, 0.2, 0.2)), ...sunRays(8)),
  n(
    'block arrow',
    'shape',
    'training',
    lines([0.02, 0.35], [0.6, 0.35], [0.6, 0.1], [0.98, 0.5], [0.6, 0.9], [0.6, 0.65], [0.02, 0.65], [0.02, 0.35]),
  ),
  n(
    'boxed plus',
    'shape',
    'training',
    lines([0.08, 0.08], [0.92, 0.08], [0.92, 0.92], [0.08, 0.92], [0.08, 0.08]),
    lines([0.5, 0.08], [0.5, 0.92]),
    lines([0.08, 0.5], [0.92, 0.5]),
  ),
  n(
    'eye',
    'shape',
    'training',
    curve([0.02, 0.5], [0.5, 0.15], [0.98, 0.5]),
    curve([0.02, 0.5], [0.5, 0.85], [0.98, 0.5]),
    curve(...ellipse(0.5, 0.5, 0.14, 0.14)),
  ),

  n(
    'upright zigzag',
    'scribble',
    'training',
    lines(
      [0.02, 0.9],
      [0.12, 0.1],
      [0.24, 0.9],
      [0.36, 0.1],
      [0.48, 0.9],
      [0.6, 0.1],
      [0.72, 0.9],
      [0.84, 0.1],
      [0.96, 0.9],
    ),
  ),
  n(
    'filled block',
    'scribble',
    'training',
    lines(...Array.from({ length: 12 }, (_, i): Point => [i % 2 ? 0.92 : 0.08, 0.05 + i * 0.08])),
  ),
  n(
    'cross-hatching',
    'scribble',
    'training',
    lines([0.05, 0.35], [0.35, 0.05]),
    lines([0.05, 0.7], [0.7, 0.05]),
    lines([0.3, 0.95], [0.95, 0.3]),
    lines([0.05, 0.65], [0.35, 0.95]),
    lines([0.05, 0.3], [0.7, 0.95]),
    lines([0.3, 0.05], [0.95, 0.7]),
  ),
  n(
    'dense tangle',
    'scribble',
    'training',
    curve(
      [0.2, 0.3],
      [0.8, 0.2],
      [0.3, 0.7],
      [0.9, 0.6],
      [0.1, 0.5],
      [0.6, 0.9],
      [0.7, 0.1],
      [0.2, 0.8],
      [0.85, 0.85],
      [0.4, 0.05],
      [0.1, 0.2],
      [0.95, 0.4],
      [0.5, 0.95],
      [0.05, 0.7],
      [0.6, 0.4],
      [0.3, 0.5],
    ),
  ),
  n('coil', 'scribble', 'training', curve(...coil(6, 0.12, 0.3))),
  n(
    'crossed strokes',
    'scribble',
    'training',
    lines([0.05, 0.2], [0.9, 0.6]),
    lines([0.2, 0.95], [0.6, 0.05]),
    lines([0.1, 0.8], [0.95, 0.3]),
    lines([0.4, 0.02], [0.75, 0.98]),
    lines([0.02, 0.5], [0.98, 0.55]),
  ),
  n(
    'tally',
    'scribble',
    'training',
    lines([0.15, 0.1], [0.15, 0.9]),
    lines([0.35, 0.1], [0.35, 0.9]),
    lines([0.55, 0.1], [0.55, 0.9]),
    lines([0.75, 0.1], [0.75, 0.9]),
    lines([0.02, 0.75], [0.92, 0.25]),
  ),
  n(
    'square spiral',
    'scribble',
    'training',
    lines(
      [0.05, 0.05],
      [0.95, 0.05],
      [0.95, 0.95],
      [0.12, 0.95],
      [0.12, 0.2],
      [0.8, 0.2],
      [0.8, 0.8],
      [0.28, 0.8],
      [0.28, 0.36],
      [0.64, 0.36],
      [0.64, 0.64],
      [0.44, 0.64],
    ),
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
  seed = { training: 2030, fitting: 2028, 'held-out': 2029 }[split],
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
