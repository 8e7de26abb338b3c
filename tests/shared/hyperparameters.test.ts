import { describe, expect, it } from 'vitest';
import {
  HyperparameterError,
  MNIST_TRAIN_SIZE,
  MNIST_VALIDATION_SIZE,
  parseHyperparameters,
} from '../../src/shared/hyperparameters';
import { preset, presetNames } from '../../src/shared/presets';
import { modelSpecFor, describeArchitecture } from '../../src/engine/training/architecture';

describe('hyperparameters', () => {
  it('every preset is valid', () => {
    for (const name of presetNames) expect(() => parseHyperparameters(preset(name))).not.toThrow();
  });

  it("the seed presets are the notes' networks", () => {
    expect(describeArchitecture(modelSpecFor(preset('seed-classic')))).toBe('784-100-10 sigmoid');
    expect(preset('seed-classic')).toMatchObject({
      init: 'uniform',
      initScale: 1,
      optimizer: 'sgd',
      learningRate: 0.4,
      batchSize: 50,
      iterations: 2000,
      sampling: 'replacement',
    });
    expect(describeArchitecture(modelSpecFor(preset('seed-layered')))).toBe('784-50-10 relu');
    expect(preset('seed-layered')).toMatchObject({
      init: 'gaussian',
      initScale: 0.01,
      optimizer: 'sgd',
      learningRate: 0.1,
      batchSize: 100,
      iterations: 10_000,
    });
  });

  it('rejects out-of-range values with one readable line per problem', () => {
    const bad = { ...preset('recommended'), learningRate: -1, dropout: 1.5, batchSize: 0 };
    try {
      parseHyperparameters(bad);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(HyperparameterError);
      const message = (error as Error).message;
      expect(message).toMatch(/learningRate: the learning rate must be positive/);
      expect(message).toMatch(/dropout: /);
      expect(message).toMatch(/batchSize: /);
    }
  });

  it('needs exactly one of epochs and iterations', () => {
    expect(() => parseHyperparameters({ ...preset('recommended'), iterations: 10 })).toThrow(
      /exactly one of epochs or iterations/,
    );
    const { epochs: _epochs, ...neither } = preset('recommended');
    expect(() => parseHyperparameters(neither)).toThrow(/exactly one/);
  });

  it('a batch larger than the training set is refused', () => {
    expect(() => parseHyperparameters({ ...preset('quick'), trainSize: 100, batchSize: 200 })).toThrow(
      /larger than the 100 training images/,
    );
  });

  it('the training images and the validation tail may not overlap: trainSize + validationSize ≤ 60,000', () => {
    expect(() => parseHyperparameters({ ...preset('recommended'), trainSize: 55_001 })).toThrow(
      /trainSize: the 55001 training images and the last 5000 held out for validation overlap: together at most 60000/,
    );
    expect(parseHyperparameters({ ...preset('recommended'), trainSize: 55_000 }).validationSize).toBe(
      MNIST_VALIDATION_SIZE,
    );
    const { validationSize: _none, ...withoutValidation } = { ...preset('recommended'), trainSize: 60_000 };
    expect(parseHyperparameters(withoutValidation).trainSize).toBe(60_000);
  });

  it('every preset validates on the same last 5,000 training images and trains on images before them', () => {
    for (const name of presetNames) {
      const h = preset(name);
      expect(h.validationSize, name).toBe(MNIST_VALIDATION_SIZE);
      expect(h.trainSize + MNIST_VALIDATION_SIZE, name).toBeLessThanOrEqual(MNIST_TRAIN_SIZE);
    }
  });

  it('one-cycle and label smoothing: bounded, and refused where they mean nothing', () => {
    const h = parseHyperparameters({
      ...preset('lenet'),
      learningRateDecay: undefined,
      learningRateSchedule: 'one-cycle',
      labelSmoothing: 0.1,
    });
    expect(h).toMatchObject({ learningRateSchedule: 'one-cycle', labelSmoothing: 0.1 });
    expect(() => parseHyperparameters({ ...preset('lenet'), learningRateSchedule: 'one-cycle' })).toThrow(
      /learningRateDecay: the one-cycle schedule sets the learning rate at every step/,
    );
    expect(() => parseHyperparameters({ ...preset('quick'), labelSmoothing: 0.5 })).toThrow(
      /labelSmoothing: label smoothing at most 0.3/,
    );
    expect(() => parseHyperparameters({ ...preset('quick'), loss: 'squared-error', labelSmoothing: 0.1 })).toThrow(
      /labelSmoothing: label smoothing is for the softmax-cross-entropy loss/,
    );
  });

  it("the fast preset: batch norm in every conv block, one-cycle, label smoothing, and the cnn preset's data", () => {
    const h = parseHyperparameters(preset('fast'));
    expect(h.convBlocks?.length).toBeGreaterThan(0);
    expect(h.convBlocks?.every((block) => block.batchNorm)).toBe(true);
    expect(h.learningRateSchedule).toBe('one-cycle');
    expect(h.learningRateDecay).toBeUndefined();
    expect(h.labelSmoothing).toBeGreaterThan(0);
    const cnn = preset('cnn');
    expect(h).toMatchObject({
      augmentation: cnn.augmentation,
      styleDrawings: cnn.styleDrawings,
      nonDigitDrawings: cnn.nonDigitDrawings,
      trainSize: cnn.trainSize,
      validationSize: cnn.validationSize,
    });
  });

  it('dropout adds a layer after each hidden activation', () => {
    const spec = modelSpecFor({ ...preset('recommended'), dropout: 0.3 });
    expect(spec.layers.map((l) => l.type)).toEqual(['dense', 'relu', 'dropout', 'dense', 'relu', 'dropout', 'dense']);
  });
});
