import { describe, expect, it } from 'vitest';
import { drawnDigits, drawnDigitsDataset } from '../../bench/drawn-digits';
import { loadModel } from '../../src/digits/io/saved-model';
import { evaluate } from '../../src/engine/training/evaluate';

describe('drawn digits: synthetic canvas drawings for judging models', () => {
  it('the same seed draws the same set, another seed a different one', () => {
    const a = drawnDigits(5, 7);
    expect(drawnDigits(5, 7).inputs).toEqual(a.inputs);
    expect(drawnDigits(5, 8).inputs).not.toEqual(a.inputs);
    expect(Array.from(a.labels.slice(0, 10))).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
  });

  it('every drawing is inked and centred by the app preprocessing', () => {
    const { inputs, count } = drawnDigits(3);
    for (let n = 0; n < count; n++) {
      const image = inputs.subarray(n * 784, (n + 1) * 784);
      let mass = 0;
      let cx = 0;
      let cy = 0;
      image.forEach((v, i) => {
        mass += v;
        cx += v * (i % 28);
        cy += v * Math.floor(i / 28);
      });
      expect(mass).toBeGreaterThan(20);
      expect(Math.abs(cx / mass - 13.5)).toBeLessThan(1.5);
      expect(Math.abs(cy / mass - 13.5)).toBeLessThan(1.5);
    }
  });

  it('the shipped default model reads at least 90% of them', async () => {
    const { model } = await loadModel('resources/default-model.tgk');
    const result = evaluate(model, drawnDigitsDataset(50));
    expect(result.accuracy).toBeGreaterThanOrEqual(0.9);
  });
});
