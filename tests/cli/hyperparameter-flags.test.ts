import { describe, expect, it } from 'vitest';
import { resolveHyperparameters } from '../../src/cli/hyperparameter-flags';
import { preset } from '../../src/shared/presets';

describe('tegaki train flags', () => {
  it('without flags, trains the recommended preset', () => {
    expect(resolveHyperparameters({})).toEqual(preset('recommended'));
  });

  it('flags override the preset', () => {
    const h = resolveHyperparameters({ preset: 'seed-classic', lr: 0.1, batch: 20, seed: 9 });
    expect(h).toMatchObject({ learningRate: 0.1, batchSize: 20, seed: 9, iterations: 2000, init: 'uniform' });
  });

  it('--arch sets the hidden layers; --activation applies to each', () => {
    const h = resolveHyperparameters({ arch: '784-128-64-10', activation: 'tanh' });
    expect(h.hiddenLayers).toEqual([
      { units: 128, activation: 'tanh' },
      { units: 64, activation: 'tanh' },
    ]);
    expect(resolveHyperparameters({ arch: '784-10' }).hiddenLayers).toEqual([]);
  });

  it('--epochs replaces a preset measured in iterations, and vice versa', () => {
    const h = resolveHyperparameters({ preset: 'seed-classic', epochs: 3 });
    expect(h.epochs).toBe(3);
    expect(h.iterations).toBeUndefined();
    const g = resolveHyperparameters({ preset: 'recommended', iterations: 50 });
    expect(g.iterations).toBe(50);
    expect(g.epochs).toBeUndefined();
  });

  it('a config file sits between the preset and the flags', () => {
    const h = resolveHyperparameters({ lr: 0.05 }, { learningRate: 0.2, optimizer: 'momentum', iterations: 100 });
    expect(h).toMatchObject({ learningRate: 0.05, optimizer: 'momentum', iterations: 100 });
    expect(h.epochs).toBeUndefined();
  });

  it('bad values fail with a message naming the flag or field', () => {
    expect(() => resolveHyperparameters({ arch: '784-x-10' })).toThrow(/--arch expects sizes/);
    expect(() => resolveHyperparameters({ arch: '100-10' })).toThrow(/start with 784/);
    expect(() => resolveHyperparameters({ epochs: 2, iterations: 3 })).toThrow(/not both/);
    expect(() => resolveHyperparameters({ lr: 0 })).toThrow(/learningRate/);
    expect(() => resolveHyperparameters({ preset: 'nope' })).toThrow(/unknown preset/);
  });
});

describe('tegaki train flags for conv nets and augmentation', () => {
  it('--conv builds blocks with same padding, relu and 2x2 pooling unless told otherwise', () => {
    const h = resolveHyperparameters({ conv: '32x3,64x5:valid', batchNorm: true });
    expect(h.convBlocks).toEqual([
      { filters: 32, kernelSize: 3, padding: 'same', activation: 'relu', batchNorm: true, pool: 2 },
      { filters: 64, kernelSize: 5, padding: 'valid', activation: 'relu', batchNorm: true, pool: 2 },
    ]);
    expect(resolveHyperparameters({ conv: '8x5', pool: 1, activation: 'tanh' }).convBlocks).toEqual([
      { filters: 8, kernelSize: 5, padding: 'same', activation: 'tanh', batchNorm: false, pool: 1 },
    ]);
  });

  it('--batch-norm, --no-batch-norm and --pool change a conv preset; --conv none makes it an MLP', () => {
    expect(resolveHyperparameters({ preset: 'lenet', batchNorm: true }).convBlocks?.every((b) => b.batchNorm)).toBe(
      true,
    );
    expect(resolveHyperparameters({ preset: 'lenet', pool: 1 }).convBlocks?.map((b) => b.pool)).toEqual([1, 1]);
    expect(resolveHyperparameters({ preset: 'lenet', conv: 'none' }).convBlocks).toBeUndefined();
    expect(resolveHyperparameters({ preset: 'lenet' }).convBlocks).toEqual(preset('lenet').convBlocks);
  });

  it('augmentation flags fill the augmentation settings', () => {
    const h = resolveHyperparameters({ shift: 2, rotation: 10, scale: 0.1, strokeWidth: 0.5, elastic: 3 });
    expect(h.augmentation).toEqual({ shift: 2, rotation: 10, scale: 0.1, strokeWidth: 0.5, elastic: 3 });
    expect(resolveHyperparameters({}).augmentation).toBeUndefined();
  });

  it('bad conv and augmentation values fail with a message naming the flag or field', () => {
    expect(() => resolveHyperparameters({ conv: '32by3' })).toThrow(/--conv expects blocks like 32x3/);
    expect(() => resolveHyperparameters({ pool: 2 })).toThrow(/add --conv/);
    expect(() => resolveHyperparameters({ conv: '32x9' })).toThrow(/kernelSize/);
    expect(() => resolveHyperparameters({ rotation: 90 })).toThrow(/rotation/);
  });
});
