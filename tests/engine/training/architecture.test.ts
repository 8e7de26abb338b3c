import { describe, expect, it } from 'vitest';
import { parameterShapes } from '../../../src/engine/model/spec';
import { describeArchitecture, modelSpecFor } from '../../../src/engine/training/architecture';
import type { Hyperparameters } from '../../../src/shared/hyperparameters';
import { preset } from '../../../src/shared/presets';

describe('modelSpecFor with conv blocks', () => {
  it('builds conv, batch norm, activation and pooling per block, then flatten and the dense layers', () => {
    const h: Hyperparameters = {
      ...preset('recommended'),
      hiddenLayers: [{ units: 64, activation: 'relu' }],
      dropout: 0.25,
      convBlocks: [
        { filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', batchNorm: true, pool: 2 },
        { filters: 16, kernelSize: 3, padding: 'valid', activation: 'tanh', batchNorm: false, pool: 1 },
      ],
    };
    const spec = modelSpecFor(h);
    expect(spec.inputShape).toEqual([28, 28, 1]);
    expect(spec.layers.map((l) => l.type)).toEqual([
      'conv2d',
      'batch-norm',
      'relu',
      'max-pool',
      'conv2d',
      'tanh',
      'flatten',
      'dense',
      'relu',
      'dropout',
      'dense',
    ]);
    // 28 -> 28 (same) -> 14 (pool) -> 12 (valid 3x3): 12·12·16 = 2304 features.
    expect(parameterShapes(spec).find((p) => p.name === 'layer7.W')?.shape).toEqual([2304, 64]);
    expect(describeArchitecture(spec)).toBe('28x28 conv8x3-bn-pool2 conv16x3v | 2304-64-10 relu tanh');
  });

  it('an MLP spec is unchanged: no input shape, no flatten', () => {
    const spec = modelSpecFor(preset('recommended'));
    expect(spec.inputShape).toBeUndefined();
    expect(spec.layers.some((l) => l.type === 'flatten')).toBe(false);
    expect(describeArchitecture(spec)).toBe('784-256-128-10 relu');
  });

  it('the conv presets describe themselves readably', () => {
    expect(describeArchitecture(modelSpecFor(preset('lenet')))).toBe(
      '28x28 conv6x5-pool2 conv16x5v-pool2 | 400-120-84-10 relu',
    );
    expect(describeArchitecture(modelSpecFor(preset('cnn')))).toMatch(/^28x28 conv/);
  });

  it('refuses blocks that shrink the image to nothing, with a readable message', () => {
    const h: Hyperparameters = {
      ...preset('recommended'),
      convBlocks: Array(4).fill({
        filters: 4,
        kernelSize: 7,
        padding: 'valid',
        activation: 'relu',
        batchNorm: false,
        pool: 2,
      }),
    };
    expect(() => modelSpecFor(h)).toThrow(/leaves nothing of its input/);
  });
});
