import { describe, expect, it } from 'vitest';
import type { Param } from '../../../src/engine/layers/layer';
import { createOptimizer } from '../../../src/engine/optimizers';
import type { OptimizerKind } from '../../../src/engine/optimizers';
import { Random } from '../../../src/engine/random';
import { allocate } from '../../../src/engine/tensor';

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

/**
 * Data-parallel training updates a parameter a chunk at a time, each chunk on whichever
 * thread takes it (data-parallel.ts): updateRange over chunks that start at multiples of 8
 * must give what step gives over the whole array, bit for bit, step after step.
 */
describe('an update taken range by range', () => {
  const kinds: OptimizerKind[] = ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam'];
  it.each(kinds)('%s: updateRange over chunks of 24 and a ragged tail is step, bit for bit', (kind) => {
    const length = 24 * 7 + 5;
    const make = (): Param => ({
      name: 'w',
      shape: [length],
      value: allocate('float32', length, 'kernel'),
      grad: allocate('float32', length, 'kernel'),
      regularised: true,
    });
    const [whole, ranged] = [make(), make()];
    const random = new Random(4);
    for (let i = 0; i < length; i++) whole.value[i] = ranged.value[i] = random.uniform(-1, 1);
    const a = createOptimizer({ kind, learningRate: 0.01 });
    const b = createOptimizer({ kind, learningRate: 0.01 });
    for (let step = 0; step < 3; step++) {
      for (let i = 0; i < length; i++) whole.grad[i] = ranged.grad[i] = random.uniform(-1, 1);
      a.step([whole]);
      b.steps += 1;
      // Out of order, as threads take them.
      for (const from of [48, 0, 120, 24, 72, 144, 96, 168])
        b.updateRange(b.rangeOf(ranged, from, Math.min(from + 24, length)));
    }
    expect(Array.from(ranged.value)).toEqual(Array.from(whole.value));
    expect(b.steps).toBe(a.steps);
    expect(Array.from(ranged.value)).not.toEqual(Array.from(ranged.grad));
  });

  it("a mirror that adopts another optimiser's state continues its updates", () => {
    const p: Param = {
      name: 'w',
      shape: [16],
      value: new Float32Array(16).fill(1),
      grad: new Float32Array(16).fill(0.5),
      regularised: false,
    };
    const original = createOptimizer({ kind: 'adam', learningRate: 0.1 });
    original.step([p]);
    const mirror = createOptimizer(original.spec!);
    const q: Param = { ...p, value: Float32Array.from(p.value), grad: Float32Array.from(p.grad) };
    mirror.adoptState(
      q,
      original.stateOf(p).map((s) => Float32Array.from(s)),
    );
    mirror.steps = original.steps + 1;
    original.step([p]);
    mirror.updateRange(mirror.rangeOf(q, 0, 16));
    expect(Array.from(q.value)).toEqual(Array.from(p.value));
    expect(() => mirror.adoptState(q, [new Float32Array(16)])).toThrow(/expected 2 state buffers/);
  });
});
