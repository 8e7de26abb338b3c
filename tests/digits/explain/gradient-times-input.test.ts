import { describe, expect, it } from 'vitest';
import { explainPrediction } from '../../../src/digits/explain/gradient-times-input';
import { Sequential } from '../../../src/engine/model/sequential';
import { Random } from '../../../src/engine/random';
import { matrix } from '../../../src/engine/tensor';

const spec = {
  inputSize: 6,
  layers: [
    { type: 'dense' as const, units: 5, init: { kind: 'xavier' as const } },
    { type: 'tanh' as const },
    { type: 'dense' as const, units: 3, init: { kind: 'xavier' as const } },
  ],
  loss: 'softmax-cross-entropy' as const,
};

describe('gradient × input explanation', () => {
  it('equals x · ∂logit/∂x by central differences on a tiny float64 net', () => {
    const model = new Sequential(spec, { seed: 2, dtype: 'float64' });
    const random = new Random(4);
    const x = Array.from({ length: 6 }, () => random.uniform(0.1, 1));
    const logit = (pixels: number[], c: number) => {
      const input = matrix(1, 6, 'float64');
      input.data.set(pixels);
      return model.forward(input, false).data[c];
    };
    for (const target of [0, 1, 2]) {
      const { attribution, label } = explainPrediction(model, x, target);
      expect(label).toBe(target);
      const h = 1e-6;
      for (let i = 0; i < 6; i++) {
        const plus = [...x];
        const minus = [...x];
        plus[i] += h;
        minus[i] -= h;
        const numeric = (logit(plus, target) - logit(minus, target)) / (2 * h);
        expect(attribution[i]).toBeCloseTo(x[i] * numeric, 5);
      }
    }
  });

  it('explains a model with batch norm (running statistics, as at inference), by central differences', () => {
    const withBatchNorm = {
      ...spec,
      layers: [spec.layers[0], { type: 'batch-norm' as const }, ...spec.layers.slice(1)],
    };
    const model = new Sequential(withBatchNorm, { seed: 2, dtype: 'float64' });
    const random = new Random(6);
    // Running statistics away from their start, as a trained (or imported) model has them.
    for (let i = 0; i < 10; i++) {
      const batch = matrix(4, 6, 'float64');
      batch.data.set(Array.from({ length: 24 }, () => random.uniform(0, 1)));
      model.forward(batch, true);
    }
    const x = Array.from({ length: 6 }, () => random.uniform(0.1, 1));
    const logit = (pixels: number[], c: number) => {
      const input = matrix(1, 6, 'float64');
      input.data.set(pixels);
      return model.forward(input, false).data[c];
    };
    const { attribution, label } = explainPrediction(model, x);
    const h = 1e-6;
    for (let i = 0; i < 6; i++) {
      const plus = [...x];
      const minus = [...x];
      plus[i] += h;
      minus[i] -= h;
      expect(attribution[i]).toBeCloseTo((x[i] * (logit(plus, label) - logit(minus, label))) / (2 * h), 5);
    }
  });

  it('explains the top class by default, and blank pixels get no credit', () => {
    const model = new Sequential(spec, { seed: 3 });
    const x = [0, 0.5, 0, 1, 0.2, 0];
    const { label, probabilities, attribution } = explainPrediction(model, x);
    expect(label).toBe(probabilities.indexOf(Math.max(...probabilities)));
    expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    for (const blank of [0, 2, 5]) expect(Math.abs(attribution[blank])).toBe(0);
    expect(attribution.some((v) => v !== 0)).toBe(true);
  });
});
