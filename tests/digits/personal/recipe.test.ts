import { describe, expect, it } from 'vitest';
import { fineTuneHyperparameters, fineTuneWay, personalTrainingData } from '../../../src/digits/personal/recipe';
import { modelSpecFor } from '../../../src/engine/training/architecture';
import { FINE_TUNE_DEFAULTS, personalTrainingSchema } from '../../../src/shared/personal-training';
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
      trainSize: FINE_TUNE_DEFAULTS.trainSize,
      // No validation set, though the recommended preset holds one out.
      validationSize: 0,
      seed: original.seed,
    });
    expect(h.learningRateDecay).toBeUndefined();
    expect(h.iterations).toBeUndefined();
  });

  it('takes overrides, and stands in the recommended preset for a model without hyperparameters', () => {
    const h = fineTuneHyperparameters(undefined, { learningRate: 0.01, epochs: 5, trainSize: 500, seed: 9 });
    expect(h).toMatchObject({
      optimizer: preset('recommended').optimizer,
      learningRate: 0.01,
      epochs: 5,
      trainSize: 500,
      seed: 9,
    });
  });

  it('keeps the share of synthesised drawings in the smaller MNIST reminder, and none when the original had none', () => {
    const original = { ...preset('recommended'), trainSize: 40_000, styleDrawings: 4_000, nonDigitDrawings: 8_000 };
    const h = fineTuneHyperparameters(original, { trainSize: 10_000 });
    expect(h).toMatchObject({ trainSize: 10_000, styleDrawings: 1_000, nonDigitDrawings: 2_000 });
    const plain = fineTuneHyperparameters(preset('recommended'));
    expect(plain.styleDrawings).toBeUndefined();
    expect(plain.nonDigitDrawings).toBeUndefined();
  });

  it('trains the head alone at half the learning rate and without augmentation, which cached features cannot take', () => {
    const original = preset('cnn');
    const h = fineTuneHyperparameters(original, { way: 'head' });
    expect(h.learningRate).toBeCloseTo(original.learningRate * FINE_TUNE_DEFAULTS.headLearningRateFactor, 12);
    expect(h.augmentation).toBeUndefined();
    expect(fineTuneHyperparameters(original, { way: 'full' }).augmentation).toEqual(original.augmentation);
  });

  it('ignores personal options that older model files kept among their hyperparameters', () => {
    const h = fineTuneHyperparameters({ ...preset('recommended'), personalWeight: 7, personalTestSplit: 0.5 });
    expect(h).not.toHaveProperty('personalWeight');
    expect(h).not.toHaveProperty('personalTestSplit');
  });
});

describe('fineTuneWay', () => {
  it("fine-tunes a conv model's head unless asked for every layer, and an MLP whole", () => {
    const conv = modelSpecFor(preset('cnn'), 784);
    expect(fineTuneWay(conv)).toBe('head');
    expect(fineTuneWay(conv, { full: true })).toBe('full');
    expect(fineTuneWay(modelSpecFor(preset('recommended'), 784))).toBe('full');
  });
});

describe('personalTrainingData', () => {
  const count = 12;
  const all = {
    images: new Uint8Array(count * 784).map((_, i) => Math.floor(i / 784)),
    labels: Uint8Array.from({ length: count }, (_, i) => i % 3),
    count,
    rows: 28,
    cols: 28,
  };

  it('holds out the same drawings for the same seed, stratified by digit, and carries the weight', () => {
    const personal = personalTrainingSchema.parse({ mode: 'include', weight: 7 });
    const a = personalTrainingData(all, personal, 1);
    const b = personalTrainingData(all, personal, 1);
    expect(a.test.count).toBe(3);
    expect(Array.from(a.test.labels).sort()).toEqual([0, 1, 2]);
    expect(Array.from(a.test.images)).toEqual(Array.from(b.test.images));
    expect(a.train.count).toBe(9);
    expect(a.weight).toBe(7);
  });

  it('holds out nothing when the split is 0', () => {
    const data = personalTrainingData(all, personalTrainingSchema.parse({ mode: 'include', testSplit: 0 }), 1);
    expect(data.train.count).toBe(count);
    expect(data.test.count).toBe(0);
  });
});

describe('personalTrainingSchema', () => {
  it('fills in the defaults and refuses values out of range with a reason', () => {
    expect(personalTrainingSchema.parse({})).toEqual({ mode: 'none', weight: 20, testSplit: 0.25 });
    const bad = personalTrainingSchema.safeParse({ mode: 'include', weight: 0, testSplit: 0.95 });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.path.join('.'))).toEqual(['weight', 'testSplit']);
  });
});
