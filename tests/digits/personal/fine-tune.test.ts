import { describe, expect, it } from 'vitest';
import { FINE_TUNE_DEFAULTS, fineTuneHyperparameters, holdOutPersonal } from '../../../src/digits/personal/fine-tune';
import { preset } from '../../../src/shared/presets';

describe('fineTuneHyperparameters', () => {
  it("continues from the model's own hyperparameters at a tenth of its learning rate, for a few epochs", () => {
    const original = { ...preset('recommended'), learningRateDecay: 0.8 };
    const h = fineTuneHyperparameters(original);
    expect(h.learningRate).toBeCloseTo(original.learningRate / 10, 12);
    expect(h).toMatchObject({
      optimizer: original.optimizer,
      hiddenLayers: original.hiddenLayers,
      epochs: FINE_TUNE_DEFAULTS.epochs,
      trainSize: FINE_TUNE_DEFAULTS.mnistSize,
      validationSplit: 0,
      personalWeight: FINE_TUNE_DEFAULTS.personalWeight,
      personalTestSplit: FINE_TUNE_DEFAULTS.personalTestSplit,
      seed: original.seed,
    });
    expect(h.learningRateDecay).toBeUndefined();
    expect(h.iterations).toBeUndefined();
  });

  it('takes overrides, and stands in the recommended preset for a model without hyperparameters', () => {
    const h = fineTuneHyperparameters(undefined, {
      learningRate: 0.01,
      epochs: 5,
      personalWeight: 7,
      personalTestSplit: 0,
      seed: 9,
    });
    expect(h).toMatchObject({
      optimizer: preset('recommended').optimizer,
      learningRate: 0.01,
      epochs: 5,
      personalWeight: 7,
      personalTestSplit: 0,
      seed: 9,
    });
  });
});

describe('holdOutPersonal', () => {
  it('holds out the same drawings for the same seed, stratified by digit', () => {
    const count = 12;
    const all = {
      images: new Uint8Array(count * 784).map((_, i) => Math.floor(i / 784)),
      labels: Uint8Array.from({ length: count }, (_, i) => i % 3),
      count,
      rows: 28,
      cols: 28,
    };
    const a = holdOutPersonal(all, 0.25, 1);
    const b = holdOutPersonal(all, 0.25, 1);
    expect(a.test.count).toBe(3);
    expect(Array.from(a.test.labels).sort()).toEqual([0, 1, 2]);
    expect(Array.from(a.test.images)).toEqual(Array.from(b.test.images));
    expect(a.train.count).toBe(9);
  });
});
