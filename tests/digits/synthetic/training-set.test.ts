import { describe, expect, it } from 'vitest';
import { NO_CLASS_LABEL } from '../../../src/engine/data/dataset';
import { nonDigitTemplatesOf } from '../../../src/digits/synthetic/non-digits';
import { synthesisedDrawings, trainingNonDigitTemplates } from '../../../src/digits/synthetic/training-set';
import { trainingDigitTemplates } from '../../../src/digits/synthetic/training-templates';

describe('synthesisedDrawings (what styleDrawings and nonDigitDrawings train on)', () => {
  it('draws the asked numbers: digits labelled by their templates in turn, then non-digits labelled as no class', () => {
    const data = synthesisedDrawings({ styleDrawings: 64, nonDigitDrawings: 30, seed: 3 })!;
    expect(data.count).toBe(94);
    expect(data.images.length).toBe(94 * 784);
    const digits = Array.from(data.labels.subarray(0, 64));
    expect(digits).toEqual(digits.map((_, i) => trainingDigitTemplates[i % trainingDigitTemplates.length].digit));
    expect(Array.from(data.labels.subarray(64)).every((label) => label === NO_CLASS_LABEL)).toBe(true);
    // Every drawing has ink.
    for (let i = 0; i < data.count; i++)
      expect(data.images.subarray(i * 784, (i + 1) * 784).some((p) => p > 0)).toBe(true);
  });

  it('is the same for the same seed and counts, different for another seed, and nothing for none', () => {
    const a = synthesisedDrawings({ styleDrawings: 20, nonDigitDrawings: 20, seed: 5 })!;
    const again = Uint8Array.from(a.images);
    const b = synthesisedDrawings({ styleDrawings: 20, nonDigitDrawings: 20, seed: 6 })!;
    const c = synthesisedDrawings({ styleDrawings: 20, nonDigitDrawings: 20, seed: 5 })!;
    expect(Array.from(c.images)).toEqual(Array.from(again));
    expect(Array.from(b.images)).not.toEqual(Array.from(again));
    expect(synthesisedDrawings({ seed: 5 })).toBeUndefined();
    expect(synthesisedDrawings({ styleDrawings: 0, nonDigitDrawings: 0, seed: 5 })).toBeUndefined();
  });

  it('never draws a held-out non-digit: those give the bench its rejection rate', () => {
    const names = new Set(trainingNonDigitTemplates().map((t) => t.name));
    expect(names.size).toBeGreaterThan(50);
    for (const template of nonDigitTemplatesOf('held-out')) expect(trainingNonDigitTemplates()).not.toContain(template);
    for (const template of nonDigitTemplatesOf('fitting')) expect(trainingNonDigitTemplates()).toContain(template);
  });
});
