import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel, saveModel } from '../../../src/digits/io/saved-model';
import type { BatchNorm } from '../../../src/engine/layers/batch-norm';
import { evaluate } from '../../../src/engine/training/evaluate';
import { train } from '../../../src/engine/training/trainer';
import type { Hyperparameters } from '../../../src/shared/hyperparameters';
import { syntheticDigits, syntheticHyperparameters } from './synthetic';

const data = { train: syntheticDigits(600, 1), test: syntheticDigits(200, 2) };

/** The synthetic settings with one conv block (batch norm, pooling) and no hidden dense layer. */
function hyper(overrides: Partial<Hyperparameters> = {}): Hyperparameters {
  return syntheticHyperparameters({
    convBlocks: [{ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', batchNorm: true, pool: 2 }],
    hiddenLayers: [],
    ...overrides,
  });
}

describe('training a CNN', () => {
  it('learns the synthetic digits with conv, batch norm and pooling, and updates the running statistics', async () => {
    const result = await train(hyper({ epochs: 6 }), data);
    expect(result.test.accuracy).toBeGreaterThan(0.9);
    const bn = result.model.layers.find((l) => l.spec.type === 'batch-norm') as BatchNorm;
    expect(Array.from(bn.runningMean.value).some((v) => v !== 0)).toBe(true);
    expect(Array.from(bn.runningVar.value).some((v) => v !== 1)).toBe(true);
  });

  it('saves and loads: weights and running statistics round-trip, and predictions agree', async () => {
    const result = await train(hyper({ epochs: 1 }), data);
    const path = join(await mkdtemp(join(tmpdir(), 'tegaki-cnn-')), 'cnn.tgk');
    await saveModel(path, result.model, { hyperparameters: result.hyperparameters });
    const { model, metadata } = await loadModel(path);
    expect(model.spec).toEqual(result.spec);
    expect(model.exportWeights()).toEqual(result.model.exportWeights());
    expect(model.exportWeights().map((t) => t.name)).toContain('layer1.runningVar');
    const before = evaluate(result.model, data.test, { keepProbabilities: true });
    const after = evaluate(model, data.test, { keepProbabilities: true });
    expect(Array.from(after.probabilities!)).toEqual(Array.from(before.probabilities!));
    expect(metadata.hyperparameters).toMatchObject({ convBlocks: result.hyperparameters.convBlocks });
  });

  it('augments reproducibly: the same seed gives bit-identical weights, and augmentation changes them', async () => {
    const augmentation = { shift: 1, rotation: 10, scale: 0.1, strokeWidth: 0.5, elastic: 1 };
    const weights = async (h: Hyperparameters) =>
      (await train(h, data)).model.exportWeights().map((t) => Array.from(t.data));
    const a = await weights(hyper({ epochs: 1, augmentation }));
    const b = await weights(hyper({ epochs: 1, augmentation }));
    const plain = await weights(hyper({ epochs: 1 }));
    expect(a).toEqual(b);
    expect(a).not.toEqual(plain);
  });
});
