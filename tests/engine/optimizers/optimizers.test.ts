import { describe, expect, it } from 'vitest';
import type { Param } from '../../../src/engine/layers/layer';
import { createOptimizer } from '../../../src/engine/optimizers';
import type { OptimizerKind } from '../../../src/engine/optimizers';

/**
 * Each optimiser minimises f(x) = x², gradient 2x, from x = 1 with learning rate 0.1.
 * The expected positions after two steps are worked out by hand in the comments.
 */
function twoSteps(kind: OptimizerKind): [number, number] {
  const param: Param = {
    name: 'x',
    shape: [1],
    value: Float64Array.of(1),
    grad: new Float64Array(1),
    regularised: false,
  };
  const optimizer = createOptimizer({ kind, learningRate: 0.1 });
  const positions: number[] = [];
  for (let i = 0; i < 2; i++) {
    param.grad[0] = 2 * param.value[0];
    optimizer.step([param]);
    positions.push(param.value[0]);
  }
  return positions as [number, number];
}

describe('optimisers on f(x) = x², x0 = 1, lr 0.1', () => {
  it('sgd: x ← x − 0.1·2x', () => {
    // 1 − 0.2 = 0.8;  0.8 − 0.16 = 0.64
    const [x1, x2] = twoSteps('sgd');
    expect(x1).toBeCloseTo(0.8, 12);
    expect(x2).toBeCloseTo(0.64, 12);
  });

  it('momentum (α 0.9): v ← αv − lr·g; x ← x + v', () => {
    // v1 = −0.2, x1 = 0.8;  g = 1.6, v2 = −0.18 − 0.16 = −0.34, x2 = 0.46
    const [x1, x2] = twoSteps('momentum');
    expect(x1).toBeCloseTo(0.8, 12);
    expect(x2).toBeCloseTo(0.46, 12);
  });

  it('nesterov (α 0.9): v ← αv − lr·g; x ← x + αv − lr·g', () => {
    // v1 = −0.2, x1 = 1 − 0.18 − 0.2 = 0.62
    // g = 1.24, v2 = −0.18 − 0.124 = −0.304, x2 = 0.62 − 0.2736 − 0.124 = 0.2224
    const [x1, x2] = twoSteps('nesterov');
    expect(x1).toBeCloseTo(0.62, 12);
    expect(x2).toBeCloseTo(0.2224, 12);
  });

  it('adagrad: h ← h + g²; x ← x − lr·g/√(h + 1e-7)', () => {
    // h1 = 4, x1 = 1 − 0.2/2 = 0.9 (the 1e-7 moves it by 2.5e-9)
    // g = 1.8, h2 = 4 + 3.24 = 7.24, x2 = 0.9 − 0.18/2.690725 = 0.833104
    const [x1, x2] = twoSteps('adagrad');
    expect(x1).toBeCloseTo(0.9, 8);
    expect(x2).toBeCloseTo(0.833104, 6);
  });

  it('rmsprop (ρ 0.9): h ← ρh + (1−ρ)g²; x ← x − lr·g/√(h + 1e-7)', () => {
    // h1 = 0.4, x1 = 1 − 0.2/0.632456 = 0.683772
    // g = 1.367544, h2 = 0.36 + 0.187018 = 0.547018, x2 = 0.683772 − 0.136754/0.739606 = 0.498870
    const [x1, x2] = twoSteps('rmsprop');
    expect(x1).toBeCloseTo(0.683772, 6);
    expect(x2).toBeCloseTo(0.49887, 5);
  });

  it('adam (β1 0.9, β2 0.999): bias-corrected moments', () => {
    // t=1: m = 0.2, v = 0.004, m̂ = 2, v̂ = 4, x1 = 1 − 0.1·2/2 = 0.9
    // t=2: g = 1.8, m = 0.36, v = 0.003996 + 0.00324 = 0.007236
    //      m̂ = 0.36/0.19 = 1.894737, v̂ = 0.007236/0.001999 = 3.619810, √v̂ = 1.902580
    //      x2 = 0.9 − 0.1·1.894737/1.902580 = 0.800412
    const [x1, x2] = twoSteps('adam');
    expect(x1).toBeCloseTo(0.9, 8);
    expect(x2).toBeCloseTo(0.800412, 6);
  });

  it('rejects a learning rate that is not a positive number', () => {
    expect(() => createOptimizer({ kind: 'sgd', learningRate: 0 })).toThrow(/positive/);
    expect(() => createOptimizer({ kind: 'adam', learningRate: Number.NaN })).toThrow(/positive/);
  });
});
