/**
 * Stroke templates of digits for TRAINING, in the styles MNIST lacks (MNIST_LACKING_STYLES:
 * a slashed zero, the continental 1 with and without a base, an open-top 4, a crossed 7, a 9
 * with a straight stem). MNIST's writers hardly wrote them, so a network trained on MNIST
 * alone misreads them; drawings of these templates by the seeded hand (src/digits/synthetic/hand.ts)
 * teach it them.
 *
 * They are disjoint from the drawn-digit bench's templates (src/digits/synthetic/templates.ts),
 * which must never be trained on: the bench's figures for these styles would otherwise
 * measure how well a network remembers the bench's own shapes. Each one here has its own
 * proportions, slants and placing (the slash the other way or overshooting differently,
 * the upstroke steeper or shallower, the bar lower, the arms apart at another height, the
 * loop another size), not a bench template nudged; tests/digits/synthetic/training-templates.test.ts
 * checks that every one renders unlike every bench template.
 *
 * Written by hand as points, like the bench's, not derived from MNIST or any test set.
 */
import type { DrawnTemplate, TemplateStroke } from './templates';
import { curve, ellipse, lines, nineLoop } from './templates';

const t = (digit: number, style: string, ...strokes: TemplateStroke[]): DrawnTemplate => ({ digit, style, strokes });

export const trainingDigitTemplates: readonly DrawnTemplate[] = [
  // Slashed zeros: the bench's slashes all run "/" from top right; here also "\", shallow, and half out.
  t(0, 'slashed zero', curve(...ellipse(0.5, 0.5, 0.38, 0.44)), lines([0.3, 0.16], [0.7, 0.84])),
  t(0, 'slashed zero', curve(...ellipse(0.5, 0.52, 0.24, 0.44, -Math.PI / 2, 1.04)), lines([0.32, 0.0], [0.68, 1.0])),
  t(
    0,
    'slashed zero',
    curve([0.5, 0.04], [0.26, 0.2], [0.2, 0.6], [0.4, 0.95], [0.68, 0.9], [0.8, 0.52], [0.68, 0.15], [0.5, 0.04]),
    lines([0.08, 0.1], [0.92, 0.92]),
  ),
  t(
    0,
    'slashed zero',
    curve(
      [0.68, 0.03],
      [0.4, 0.08],
      [0.22, 0.4],
      [0.18, 0.8],
      [0.36, 0.97],
      [0.62, 0.88],
      [0.8, 0.5],
      [0.82, 0.15],
      [0.68, 0.03],
    ),
    lines([0.8, 0.3], [0.2, 0.66]),
  ),
  t(
    0,
    'slashed zero',
    curve(...ellipse(0.45, 0.5, 0.3, 0.45, -Math.PI / 2 + 0.45, 0.92)),
    lines([0.95, 0.03], [0.35, 0.72]),
  ),
  t(0, 'slashed zero', curve(...ellipse(0.5, 0.55, 0.32, 0.4, -Math.PI / 2, 1.25)), lines([0.25, 0.35], [0.8, 0.8])),

  // Continental 1: a long upstroke from the left into the top of the stem.
  t(1, 'continental 1', lines([0.3, 0.62], [0.56, 0.02], [0.56, 0.98])),
  t(1, 'continental 1', lines([0.04, 0.38], [0.64, 0.02], [0.64, 0.98])),
  t(1, 'continental 1', curve([0.12, 0.56], [0.36, 0.22], [0.54, 0.03], [0.64, 0.1], [0.64, 0.5], [0.64, 0.98])),
  t(1, 'continental 1', lines([0.18, 0.48], [0.74, 0.02], [0.46, 0.98])),
  t(1, 'continental 1', curve([0.3, 0.78], [0.22, 0.64], [0.3, 0.5], [0.55, 0.02]), lines([0.55, 0.02], [0.58, 0.98])),
  t(1, 'continental 1 with base', lines([0.3, 0.62], [0.56, 0.02], [0.56, 0.96]), lines([0.42, 0.96], [0.7, 0.96])),
  t(1, 'continental 1 with base', lines([0.02, 0.28], [0.62, 0.02], [0.62, 0.96]), lines([0.18, 0.96], [0.98, 0.96])),
  t(
    1,
    'continental 1 with base',
    curve([0.1, 0.62], [0.32, 0.36], [0.52, 0.12], [0.6, 0.02]),
    lines([0.6, 0.02], [0.6, 0.95]),
    curve([0.3, 0.99], [0.5, 0.93], [0.88, 0.97]),
  ),
  t(1, 'continental 1 with base', lines([0.2, 0.45], [0.72, 0.02], [0.5, 0.95]), lines([0.25, 0.97], [0.78, 0.93])),
  t(1, 'continental 1 with base', lines([0.14, 0.62], [0.6, 0.03], [0.6, 0.95]), lines([0.28, 1.0], [0.92, 0.88])),

  // Crossed 7: a bar through the stem.
  t(7, 'crossed 7', lines([0.2, 0.04], [0.8, 0.04], [0.64, 0.98]), lines([0.48, 0.56], [0.9, 0.53])),
  t(7, 'crossed 7', lines([0.32, 0.04], [0.94, 0.04], [0.22, 0.98]), lines([0.42, 0.42], [0.86, 0.36])),
  t(
    7,
    'crossed 7',
    curve([0.06, 0.24], [0.1, 0.1], [0.2, 0.05]),
    lines([0.2, 0.05], [0.88, 0.05]),
    curve([0.88, 0.05], [0.62, 0.3], [0.54, 0.6], [0.6, 0.98]),
    lines([0.36, 0.62], [0.8, 0.6]),
  ),
  t(
    7,
    'crossed 7',
    curve([0.08, 0.1], [0.4, 0.02], [0.62, 0.08], [0.9, 0.04]),
    lines([0.9, 0.04], [0.5, 0.98]),
    lines([0.15, 0.62], [0.85, 0.58]),
  ),
  t(7, 'crossed 7', lines([0.02, 0.16], [0.98, 0.1], [0.4, 0.95]), lines([0.45, 0.62], [0.85, 0.42])),
  t(7, 'crossed 7', lines([0.22, 0.14], [0.24, 0.04], [0.78, 0.04], [0.5, 0.98]), lines([0.44, 0.58], [0.8, 0.58])),

  // Open-top 4: the left arm and the stem do not meet at the top.
  t(4, 'open-top 4', lines([0.05, 0.02], [0.16, 0.42], [0.96, 0.42]), lines([0.7, 0.02], [0.7, 0.98])),
  t(4, 'open-top 4', lines([0.2, 0.28], [0.18, 0.72], [0.9, 0.72]), lines([0.62, 0.0], [0.62, 0.98])),
  t(
    4,
    'open-top 4',
    curve([0.28, 0.02], [0.12, 0.25], [0.2, 0.4], [0.5, 0.42], [0.92, 0.38]),
    lines([0.66, 0.12], [0.7, 0.98]),
  ),
  t(4, 'open-top 4', lines([0.3, 0.0], [0.12, 0.5], [0.92, 0.48]), lines([0.8, 0.06], [0.56, 0.98])),
  t(4, 'open-top 4', lines([0.36, 0.1], [0.34, 0.56], [0.76, 0.56]), lines([0.6, 0.32], [0.62, 0.98])),

  // 9 with a straight stem, starting at the loop's top right.
  t(9, 'straight stem', nineLoop(0.45, 0.18, 0.36, 0.15), lines([0.8, 0.1], [0.8, 0.98])),
  t(9, 'straight stem', nineLoop(0.46, 0.28, 0.17, 0.25), lines([0.62, 0.16], [0.62, 0.98])),
  t(9, 'straight stem', nineLoop(0.42, 0.14, 0.24, 0.11), lines([0.66, 0.1], [0.66, 0.98])),
  t(9, 'straight stem', nineLoop(0.4, 0.3, 0.3, 0.26), lines([0.7, 0.18], [0.58, 0.98])),
  t(
    9,
    'straight stem',
    curve([0.7, 0.2], [0.5, 0.04], [0.15, 0.08], [0.04, 0.3], [0.3, 0.46], [0.7, 0.3]),
    lines([0.72, 0.12], [0.72, 0.98]),
  ),
];
