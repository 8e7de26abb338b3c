/**
 * Digits as people draw them on a canvas, for judging models on what the app really
 * sees rather than on MNIST's scanned pen strokes. src/digits/synthetic/templates.ts holds 8-11
 * stroke templates per digit with a style name each, among them styles MNIST lacks
 * (a slashed zero, the continental 1, an open-top 4, a crossed 7); src/digits/synthetic/hand.ts
 * draws each again and again with a seeded sloppy hand. Every drawing goes through the
 * app's own preprocessing (strokesToInput).
 *
 * These are synthetic strokes, not a person's; they stand in for a labelled set of real
 * canvas drawings, which Tegaki does not have yet. Drawings of one template share its
 * shape, so they are not independent: a figure rests on its templates as much as on its
 * drawings.
 */
import type { Dataset } from '../../engine/data/dataset';
import { strokesToInput } from '../preprocess/strokes';
import { Random } from '../../engine/random';
import { drawTemplate } from './hand';
import { drawnTemplates } from './templates';

export { drawnTemplates, MNIST_LACKING_STYLES } from './templates';
export type { DrawnTemplate } from './templates';

/** Drawings per digit in the bench's set: about 50 per template, 5,000 in all. */
export const DRAWINGS_PER_DIGIT = 500;

export interface DrawnDigits {
  /** `count x 784` network inputs, 0..1. */
  inputs: Float32Array;
  labels: Uint8Array;
  /** Which of drawnTemplates each drawing was drawn from. */
  templateIndex: Uint16Array;
  count: number;
}

/** `perDigit` drawings of each digit, its templates taken in turn; the same seed gives the same set. */
export function drawnDigits(perDigit = DRAWINGS_PER_DIGIT, seed = 2026): DrawnDigits {
  const random = new Random(seed);
  const count = perDigit * 10;
  const inputs = new Float32Array(count * 784);
  const labels = new Uint8Array(count);
  const templateIndex = new Uint16Array(count);
  let n = 0;
  for (let digit = 0; digit < 10; digit++) {
    const ofDigit = drawnTemplates.flatMap((template, index) => (template.digit === digit ? [index] : []));
    for (let i = 0; i < perDigit; i++, n++) {
      const index = ofDigit[i % ofDigit.length];
      inputs.set(strokesToInput(drawTemplate(drawnTemplates[index].strokes, random)), n * 784);
      labels[n] = digit;
      templateIndex[n] = index;
    }
  }
  return { inputs, labels, templateIndex, count };
}

export interface DrawnDigitsDataset extends Dataset {
  /** Which of drawnTemplates each image was drawn from. */
  templateIndex: Uint16Array;
}

/** The drawings as a Dataset (uint8 pixels, as MNIST's), for evaluate(). */
export function drawnDigitsDataset(perDigit = DRAWINGS_PER_DIGIT, seed = 2026): DrawnDigitsDataset {
  const { inputs, labels, templateIndex, count } = drawnDigits(perDigit, seed);
  const images = new Uint8Array(inputs.length);
  for (let i = 0; i < inputs.length; i++) images[i] = Math.round(inputs[i] * 255);
  return { images, labels, templateIndex, count, rows: 28, cols: 28 };
}
