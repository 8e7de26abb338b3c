import { describe, expect, it } from 'vitest';
import type { NonDigitTemplate } from '../../../src/digits/synthetic/non-digits';
import { nonDigitDataset, nonDigitTemplates, nonDigitTemplatesOf } from '../../../src/digits/synthetic/non-digits';
import { SAME_TEMPLATE_BELOW, nearest } from './template-distance';

const shapeOf = (template: { strokes: unknown }) => JSON.stringify(template.strokes);
const SPLITS = ['training', 'fitting', 'held-out'] as const;

/** Each of `templates` with the nearest of `others` by rendered shape, nearest first. */
function nearestPairs(templates: NonDigitTemplate[], others: NonDigitTemplate[]) {
  return nearest(templates, others)
    .map(({ distance, index }, i) => ({ distance, pair: `${templates[i].name} ~ ${others[index].name}` }))
    .sort((a, b) => a.distance - b.distance);
}

describe('synthetic non-digits for the "not a digit" decision', () => {
  it('splits the templates into training, fitting and held-out sets that share no template, by name or by shape', () => {
    expect(SPLITS.reduce((sum, split) => sum + nonDigitTemplatesOf(split).length, 0)).toBe(nonDigitTemplates.length);
    expect(nonDigitTemplatesOf('training').length).toBeGreaterThanOrEqual(40);
    expect(nonDigitTemplatesOf('fitting').length).toBeGreaterThanOrEqual(15);
    expect(nonDigitTemplatesOf('held-out').length).toBeGreaterThanOrEqual(15);
    expect(new Set(nonDigitTemplates.map((t) => t.name)).size).toBe(nonDigitTemplates.length);
    expect(new Set(nonDigitTemplates.map(shapeOf)).size).toBe(nonDigitTemplates.length);
  });

  it('no training template is a copy or near-copy of a fitting or held-out one', () => {
    const others = [...nonDigitTemplatesOf('fitting'), ...nonDigitTemplatesOf('held-out')];
    for (const { distance, pair } of nearestPairs(nonDigitTemplatesOf('training'), others)) {
      expect(distance, pair).toBeGreaterThanOrEqual(SAME_TEMPLATE_BELOW);
    }
  });

  it('no held-out template is a near-copy of a fitting one, but for the faces written before the check', () => {
    // The held-out sad face and the fitting smiley share their outline and eyes (0.099 apart).
    const known = new Set(['sad face ~ smiley']);
    const near = nearestPairs(nonDigitTemplatesOf('held-out'), nonDigitTemplatesOf('fitting')).filter(
      ({ distance }) => distance < SAME_TEMPLATE_BELOW,
    );
    expect(near.map(({ pair }) => pair).filter((pair) => !known.has(pair))).toEqual([]);
  });

  it('has letters, symbols, shapes and scribbles in every split', () => {
    for (const split of SPLITS) {
      expect(new Set(nonDigitTemplatesOf(split).map((t) => t.kind)), split).toEqual(
        new Set(['letter', 'symbol', 'shape', 'scribble']),
      );
    }
  });

  it('trains on X, x and × drawn several ways, none of them the fitting X or the held-out x and ×', () => {
    const crosses = nonDigitTemplatesOf('training').filter((t) => /\bx\b|×/i.test(t.name));
    expect(crosses.length).toBeGreaterThanOrEqual(4);
    for (const name of ['X', 'x', '×']) expect(crosses.map((t) => t.name)).not.toContain(name);
  });

  it('draws only the templates of the split asked for, the same for the same seed', () => {
    const fitting = nonDigitDataset('fitting', 2);
    expect(fitting.count).toBe(nonDigitTemplatesOf('fitting').length * 2);
    expect(Math.max(...fitting.templateIndex)).toBe(nonDigitTemplatesOf('fitting').length - 1);
    expect(nonDigitDataset('fitting', 2).images).toEqual(fitting.images);
    const heldOut = nonDigitDataset('held-out', 2);
    expect(heldOut.count).toBe(nonDigitTemplatesOf('held-out').length * 2);
    expect(heldOut.images).not.toEqual(fitting.images.subarray(0, heldOut.images.length));
    const training = nonDigitDataset('training', 2);
    expect(training.count).toBe(nonDigitTemplatesOf('training').length * 2);
    // Its own default seed, apart from the fitting's 2028 and the held-out's 2029.
    expect(training.images).toEqual(nonDigitDataset('training', 2, 2030).images);
    // Every drawing has ink.
    for (const set of [fitting, heldOut, training]) {
      for (let i = 0; i < set.count; i++) {
        expect(set.images.subarray(i * 784, (i + 1) * 784).some((v) => v > 0)).toBe(true);
      }
    }
  });
});
