import { describe, expect, it } from 'vitest';
import { nonDigitDataset, nonDigitTemplates, nonDigitTemplatesOf } from '../../../src/digits/synthetic/non-digits';

const shapeOf = (template: { strokes: unknown }) => JSON.stringify(template.strokes);

describe('synthetic non-digits for the "not a digit" decision', () => {
  it('splits the templates into a fitting set and a held-out set that share no template, by name or by shape', () => {
    const fitting = nonDigitTemplatesOf('fitting');
    const heldOut = nonDigitTemplatesOf('held-out');
    expect(fitting.length + heldOut.length).toBe(nonDigitTemplates.length);
    expect(fitting.length).toBeGreaterThanOrEqual(15);
    expect(heldOut.length).toBeGreaterThanOrEqual(15);
    const fittingNames = new Set(fitting.map((t) => t.name));
    const fittingShapes = new Set(fitting.map(shapeOf));
    for (const template of heldOut) {
      expect(fittingNames.has(template.name), template.name).toBe(false);
      expect(fittingShapes.has(shapeOf(template)), template.name).toBe(false);
    }
    expect(new Set(nonDigitTemplates.map((t) => t.name)).size).toBe(nonDigitTemplates.length);
  });

  it('has letters, symbols, shapes and scribbles on both sides', () => {
    for (const split of ['fitting', 'held-out'] as const) {
      expect(new Set(nonDigitTemplatesOf(split).map((t) => t.kind))).toEqual(
        new Set(['letter', 'symbol', 'shape', 'scribble']),
      );
    }
  });

  it('draws only the templates of the split asked for, the same for the same seed', () => {
    const fitting = nonDigitDataset('fitting', 2);
    expect(fitting.count).toBe(nonDigitTemplatesOf('fitting').length * 2);
    expect(Math.max(...fitting.templateIndex)).toBe(nonDigitTemplatesOf('fitting').length - 1);
    expect(nonDigitDataset('fitting', 2).images).toEqual(fitting.images);
    const heldOut = nonDigitDataset('held-out', 2);
    expect(heldOut.count).toBe(nonDigitTemplatesOf('held-out').length * 2);
    expect(heldOut.images).not.toEqual(fitting.images.subarray(0, heldOut.images.length));
    // Every drawing has ink.
    for (let i = 0; i < fitting.count; i++) {
      expect(fitting.images.subarray(i * 784, (i + 1) * 784).some((v) => v > 0)).toBe(true);
    }
  });
});
