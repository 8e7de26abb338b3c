import { describe, expect, it } from 'vitest';
import { gradientCheck } from '../../src/engine/gradient-check';
import { Dense } from '../../src/engine/layers/dense';
import { Dropout } from '../../src/engine/layers/dropout';
import { LeakyReLU, ReLU, Sigmoid, Tanh } from '../../src/engine/layers/activations';
import type { Layer } from '../../src/engine/layers/layer';
import { NO_CLASS_LABEL } from '../../src/engine/data/dataset';
import { SoftmaxCrossEntropy, SquaredError } from '../../src/engine/losses';
import type { Loss } from '../../src/engine/losses';
import { Sequential } from '../../src/engine/model/sequential';
import type { LayerSpec, ModelSpec } from '../../src/engine/model/spec';
import { Random } from '../../src/engine/random';
import type { Matrix } from '../../src/engine/tensor';
import { matrix } from '../../src/engine/tensor';

const BOUND = 1e-6;

function randomMatrix(rows: number, cols: number, random: Random, scale = 1): Matrix {
  const m = matrix(rows, cols, 'float64');
  // Keep inputs away from 0 so ReLU's kink is never straddled by ±h.
  for (let i = 0; i < m.data.length; i++) {
    const v = random.uniform(0.05, 1) * scale;
    m.data[i] = random.next() < 0.5 ? -v : v;
  }
  return m;
}

function dot(a: Matrix, b: Matrix): number {
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += a.data[i] * b.data[i];
  return s;
}

/**
 * Checks a layer under the scalar loss L = Σ r ⊙ layer(x) for a fixed random r, so
 * dL/dy = r. `fresh` must build an identical layer each time (same seed), which is
 * how dropout keeps the same mask across the perturbed evaluations.
 */
function checkLayer(fresh: () => Layer, inputSize: number) {
  const random = new Random(3);
  const x = randomMatrix(4, inputSize, random);
  const layer = fresh();
  const y = layer.forward(x, true);
  const r = randomMatrix(y.rows, y.cols, random);
  const dx = Float64Array.from(layer.backward(r).data);
  const params = layer.params();
  const lossAt = (): number => dot(r, layer.forward(x, true));
  const lossFresh = (): number => dot(r, fresh().forward(x, true));
  const results = gradientCheck(lossFresh, [{ name: 'input', value: x.data as Float64Array, grad: dx }]);
  results.push(
    ...gradientCheck(
      lossAt,
      params.map((p) => ({ name: p.name, value: p.value as Float64Array, grad: Float64Array.from(p.grad) })),
    ),
  );
  return results;
}

const dense = (
  units: number,
  init: LayerSpec & { type: 'dense' } = { type: 'dense', units, init: { kind: 'xavier' } },
) => init;

describe('gradient check: every layer agrees with central differences in float64', () => {
  const cases: [string, () => Layer, number][] = [
    ['dense', () => new Dense(dense(3), 5, 'd', new Random(1), 'float64'), 5],
    ['relu', () => new ReLU({ type: 'relu' }, 'float64'), 6],
    ['leaky-relu', () => new LeakyReLU({ type: 'leaky-relu', alpha: 0.1 }, 'float64', 0.1), 6],
    ['sigmoid', () => new Sigmoid({ type: 'sigmoid' }, 'float64'), 6],
    ['tanh', () => new Tanh({ type: 'tanh' }, 'float64'), 6],
    ['dropout', () => new Dropout({ type: 'dropout', rate: 0.5 }, new Random(9), 'float64'), 6],
  ];
  for (const [name, fresh, inputSize] of cases) {
    it(name, () => {
      const results = checkLayer(fresh, inputSize);
      for (const r of results) expect(r.maxRelativeError, `${name} ${r.name}`).toBeLessThan(BOUND);
    });
  }

  it('dropout really drops: some gradients are zero and survivors are scaled by 1/(1-rate)', () => {
    const layer = new Dropout({ type: 'dropout', rate: 0.5 }, new Random(9), 'float64');
    const x = matrix(10, 10, 'float64');
    x.data.fill(1);
    const y = Array.from(layer.forward(x, true).data);
    expect(y.filter((v) => v === 0).length).toBeGreaterThan(20);
    expect(y.filter((v) => v === 2).length).toBeGreaterThan(20);
    expect(Array.from(layer.forward(x, false).data)).toEqual(Array(100).fill(1));
  });
});

describe('gradient check: losses take logits and return d(mean loss)/d(logits)', () => {
  const cases: [string, () => Loss][] = [
    ['softmax-cross-entropy', () => new SoftmaxCrossEntropy('float64')],
    ['squared-error', () => new SquaredError('float64')],
    ['softmax-cross-entropy with label smoothing 0.1', () => new SoftmaxCrossEntropy('float64', 0.1)],
  ];
  for (const [name, create] of cases) {
    for (const [rows, labels] of [
      ['', [0, 3, 1, 1, 2]],
      [', with rows of no class (uniform target)', [0, NO_CLASS_LABEL, 1, NO_CLASS_LABEL, 2]],
    ] as const) {
      it(name + rows, () => {
        const logits = randomMatrix(5, 4, new Random(5), 3);
        const loss = create();
        loss.forward(logits, labels);
        const grad = Float64Array.from(loss.backward().data);
        const [result] = gradientCheck(
          () => create().forward(logits, labels),
          [{ name: 'logits', value: logits.data as Float64Array, grad }],
        );
        expect(result.maxRelativeError).toBeLessThan(BOUND);
      });
    }
  }

  it('a no-class row costs KL(uniform ‖ p): 0 when every class is equally likely, the same as by its definition otherwise', () => {
    const logits = matrix(2, 4, 'float64');
    logits.data.set([2, 2, 2, 2, 3, -1, 0.5, 2]);
    const loss = new SoftmaxCrossEntropy('float64');
    const mean = loss.forward(logits, [NO_CLASS_LABEL, NO_CLASS_LABEL]);
    const p = loss.probabilities().data;
    const kl = (o: number) => [0, 1, 2, 3].reduce((s, j) => s + 0.25 * Math.log(0.25 / p[o + j]), 0);
    expect(kl(0)).toBeCloseTo(0, 12);
    expect(mean).toBeCloseTo((kl(0) + kl(4)) / 2, 12);
    expect(mean).toBeGreaterThan(0.1);
  });

  it('label smoothing ε costs (1 − ε)·CE(onehot) + ε·CE(uniform) and leaves a no-class row as it was', () => {
    const logits = randomMatrix(3, 4, new Random(8), 3);
    const labels = [2, 0, NO_CLASS_LABEL];
    const plain = new SoftmaxCrossEntropy('float64');
    plain.forward(logits, labels);
    const p = plain.probabilities().data;
    const ce = (o: number, target: (j: number) => number) =>
      [0, 1, 2, 3].reduce((s, j) => s - target(j) * Math.log(p[o + j]), 0);
    const onehot = (t: number) => (j: number) => (j === t ? 1 : 0);
    const uniform = () => 0.25;
    const smoothed = (o: number, t: number) => 0.9 * ce(o, onehot(t)) + 0.1 * ce(o, uniform);
    const noClass = ce(8, uniform) - Math.log(4); // KL(u ‖ p), as without smoothing
    const loss = new SoftmaxCrossEntropy('float64', 0.1);
    expect(loss.forward(logits, labels)).toBeCloseTo((smoothed(0, 2) + smoothed(4, 0) + noClass) / 3, 12);
    // dL/dz = (p − 0.9·onehot − 0.025) / N: the true class's entry p − 0.925, the others p − 0.025.
    const grad = loss.backward().data;
    expect(grad[2]).toBeCloseTo((p[2] - 0.925) / 3, 12);
    expect(grad[1]).toBeCloseTo((p[1] - 0.025) / 3, 12);
    expect(grad[9]).toBeCloseTo((p[9] - 0.25) / 3, 12);
  });

  it('probabilities sum to 1 per row, even for huge logits', () => {
    const logits = matrix(2, 3, 'float64');
    logits.data.set([1000, 1001, 1002, -5, 0, 5]);
    const loss = new SoftmaxCrossEntropy('float64');
    expect(Number.isFinite(loss.forward(logits, [2, 0]))).toBe(true);
    const p = loss.probabilities().data;
    expect(p[0] + p[1] + p[2]).toBeCloseTo(1, 12);
    expect(p[3] + p[4] + p[5]).toBeCloseTo(1, 12);
  });
});

describe('gradient check: a whole model, like the notes (784 inputs would be slow; 12-8-6-4)', () => {
  for (const activation of ['sigmoid', 'relu', 'tanh'] as const) {
    it(`two hidden ${activation} layers: every parameter's mean difference is near the notes' 1e-12`, () => {
      const spec: ModelSpec = {
        inputSize: 12,
        layers: [
          { type: 'dense', units: 8, init: { kind: 'he' } },
          { type: activation },
          { type: 'dense', units: 6, init: { kind: 'he' } },
          { type: activation },
          { type: 'dense', units: 4, init: { kind: 'he' } },
        ],
        loss: 'softmax-cross-entropy',
      };
      const model = new Sequential(spec, { seed: 4, dtype: 'float64' });
      const x = randomMatrix(3, 12, new Random(8));
      const labels = [1, 0, 3];
      const loss = new SoftmaxCrossEntropy('float64');
      loss.forward(model.forward(x, true), labels);
      const dInput = Float64Array.from(model.backward(loss.backward(), true).data);
      const [inputCheck] = gradientCheck(
        () => new SoftmaxCrossEntropy('float64').forward(model.forward(x, true), labels),
        [{ name: 'input', value: x.data as Float64Array, grad: dInput }],
      );
      expect(inputCheck.maxRelativeError).toBeLessThan(BOUND);
      const results = gradientCheck(
        () => new SoftmaxCrossEntropy('float64').forward(model.forward(x, true), labels),
        model.params().map((p) => ({ name: p.name, value: p.value as Float64Array, grad: Float64Array.from(p.grad) })),
      );
      expect(results.map((r) => r.name)).toEqual([
        'layer0.W',
        'layer0.b',
        'layer2.W',
        'layer2.b',
        'layer4.W',
        'layer4.b',
      ]);
      for (const r of results) {
        expect(r.maxRelativeError, r.name).toBeLessThan(BOUND);
        expect(r.meanAbsoluteDifference, r.name).toBeLessThan(1e-9);
      }
    });
  }
});
