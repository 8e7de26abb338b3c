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
