import { describe, expect, it } from 'vitest';
import { MODEL_FILE_LIMITS, modelBudgetProblem } from '../../../src/digits/io/model-header';
import { modelSpecFor } from '../../../src/engine/training/architecture';
import type { ModelSpec } from '../../../src/engine/model/spec';
import { MAX_CONV_BLOCKS, MAX_HIDDEN_LAYERS } from '../../../src/shared/hyperparameters';
import { preset } from '../../../src/shared/presets';

const conv = (filters: number, kernelSize: number, padding: number | 'same' | 'valid' = 'same') =>
  ({ type: 'conv2d', filters, kernelSize, padding, init: { kind: 'he' } }) as const;

function image(layers: ModelSpec['layers'], side = 28): ModelSpec {
  return { inputSize: side * side, inputShape: [side, side, 1], layers, loss: 'softmax-cross-entropy' };
}

describe('model file limits', () => {
  it('the largest conv stack the training form builds is within every limit', () => {
    const widest = { filters: 128, kernelSize: 7, padding: 'same' as const, activation: 'relu' as const, batchNorm: true, pool: 1 };
    const spec = modelSpecFor({ ...preset('quick'), convBlocks: Array(MAX_CONV_BLOCKS).fill(widest), hiddenLayers: [{ units: 128, activation: 'relu' }] });
    expect(modelBudgetProblem(spec)).toBeUndefined();
    const deepest = modelSpecFor({
      ...preset('quick'),
      dropout: 0.5,
      convBlocks: Array(MAX_CONV_BLOCKS).fill({ ...widest, pool: 2, kernelSize: 3 }),
      hiddenLayers: Array(MAX_HIDDEN_LAYERS).fill({ units: 1024, activation: 'relu' }),
    });
    expect(deepest.layers.length).toBeLessThanOrEqual(MODEL_FILE_LIMITS.layers);
    expect(modelBudgetProblem(deepest)).toBeUndefined();
  });

  it('padding is at most the kernel size less 1', () => {
    expect(modelBudgetProblem(image([conv(4, 5, 4), { type: 'flatten' }, { type: 'dense', units: 10, init: { kind: 'he' } }]))).toBeUndefined();
    expect(modelBudgetProblem(image([conv(4, 5, 5)]))).toMatch(/pads by 5 pixels with a 5x5 kernel/);
  });

  it('each limit names itself', () => {
    const dense = (units: number) => ({ type: 'dense', units, init: { kind: 'he' } }) as const;
    expect(modelBudgetProblem({ inputSize: 784, layers: Array(65).fill({ type: 'relu' }), loss: 'squared-error' })).toMatch(/65 layers; a model has at most 64/);
    expect(modelBudgetProblem({ inputSize: 784, layers: [dense(30_000)], loss: 'squared-error' })).toMatch(/hold 23550000 parameters; a model holds at most 16777216/);
    expect(modelBudgetProblem(image([conv(512, 1)]))).toMatch(/gives 28x28x512 = 401408 features per sample; a layer gives at most 262144/);
    expect(modelBudgetProblem(image(Array(12).fill(conv(256, 1)).flatMap((c) => [c, { type: 'relu' }])))).toMatch(/features per sample in all/);
    expect(modelBudgetProblem(image([conv(64, 3), conv(1, 101, 50)]))).toMatch(/im2col values per sample/);
    expect(modelBudgetProblem(image([conv(256, 3), ...Array(8).fill(conv(256, 5))]))).toMatch(/multiply-adds per sample; a model takes at most 2147483648/);
    expect(modelBudgetProblem({ inputSize: 300_000, layers: [], loss: 'squared-error' })).toMatch(/takes 300000 inputs/);
  });
});
