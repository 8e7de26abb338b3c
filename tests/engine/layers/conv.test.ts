import { describe, expect, it } from 'vitest';
import { gradientCheck } from '../../../src/engine/gradient-check';
import { BatchNorm } from '../../../src/engine/layers/batch-norm';
import { Conv2D } from '../../../src/engine/layers/conv2d';
import { Flatten } from '../../../src/engine/layers/flatten';
import type { Layer } from '../../../src/engine/layers/layer';
import { MaxPool2D } from '../../../src/engine/layers/max-pool';
import { SoftmaxCrossEntropy } from '../../../src/engine/losses';
import { Sequential } from '../../../src/engine/model/sequential';
import type { FeatureShape, LayerSpec, ModelSpec } from '../../../src/engine/model/spec';
import { layerShapes, parameterShapes } from '../../../src/engine/model/spec';
import { Random } from '../../../src/engine/random';
import type { DType, Matrix } from '../../../src/engine/tensor';
import { matrix } from '../../../src/engine/tensor';

const BOUND = 1e-6;

function randomMatrix(rows: number, cols: number, random: Random, dtype: DType = 'float64'): Matrix {
  const m = matrix(rows, cols, dtype);
  for (let i = 0; i < m.data.length; i++) {
    const v = random.uniform(0.05, 1);
    m.data[i] = random.next() < 0.5 ? -v : v;
  }
  return m;
}

function dot(a: Matrix, b: Matrix): number {
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += a.data[i] * b.data[i];
  return s;
}

/** L = Σ r ⊙ layer(x) for a fixed random r, so dL/dy = r; checks the input and every parameter. */
function checkLayer(fresh: () => Layer, inputSize: number, batch = 3) {
  const random = new Random(3);
  const x = randomMatrix(batch, inputSize, random);
  const layer = fresh();
  const y = layer.forward(x, true);
  const r = randomMatrix(y.rows, y.cols, random);
  const dx = Float64Array.from(layer.backward(r).data);
  const lossAt = (): number => dot(r, layer.forward(x, true));
  const results = gradientCheck(lossAt, [{ name: 'input', value: x.data as Float64Array, grad: dx }]);
  results.push(
    ...gradientCheck(
      lossAt,
      layer.params().map((p) => ({ name: p.name, value: p.value as Float64Array, grad: Float64Array.from(p.grad) })),
    ),
  );
  return results;
}

const shape = (height: number, width: number, channels: number): FeatureShape => ({ height, width, channels });
const conv = (filters: number, kernelSize: number, padding: 'same' | 'valid' | number, stride = 1) =>
  ({ type: 'conv2d', filters, kernelSize, padding, stride, init: { kind: 'he' } }) as Extract<
    LayerSpec,
    { type: 'conv2d' }
  >;

describe('gradient check: image layers agree with central differences in float64', () => {
  const cases: [string, () => Layer, number][] = [
    ['conv2d 3x3 same', () => new Conv2D(conv(3, 3, 'same'), shape(5, 5, 2), 'c', new Random(1), 'float64'), 50],
    ['conv2d 2x2 valid', () => new Conv2D(conv(2, 2, 'valid'), shape(4, 5, 1), 'c', new Random(1), 'float64'), 20],
    [
      'conv2d 3x3 stride 2 pad 1',
      () => new Conv2D(conv(2, 3, 1, 2), shape(6, 5, 2), 'c', new Random(1), 'float64'),
      60,
    ],
    [
      'conv2d 4x4 same stride 2 (uneven padding)',
      () => new Conv2D(conv(2, 4, 'same', 2), shape(5, 5, 1), 'c', new Random(1), 'float64'),
      25,
    ],
    ['max-pool 2', () => new MaxPool2D({ type: 'max-pool', size: 2 }, shape(4, 5, 2), 'float64'), 40],
    [
      'max-pool 3 stride 2',
      () => new MaxPool2D({ type: 'max-pool', size: 3, stride: 2 }, shape(5, 5, 2), 'float64'),
      50,
    ],
    ['batch-norm per channel', () => new BatchNorm({ type: 'batch-norm' }, 3, 'bn', 'float64'), 12],
    ['batch-norm per feature (after dense)', () => new BatchNorm({ type: 'batch-norm' }, 5, 'bn', 'float64'), 5],
    ['flatten', () => new Flatten({ type: 'flatten' }), 12],
  ];
  for (const [name, fresh, inputSize] of cases) {
    it(name, () => {
      const results = checkLayer(fresh, inputSize);
      expect(results.length).toBeGreaterThan(0);
      for (const r of results) expect(r.maxRelativeError, `${name} ${r.name}`).toBeLessThan(BOUND);
    });
  }

  it('a whole CNN (conv, batch norm, relu, pool, conv, flatten, dense) through softmax cross-entropy', () => {
    const spec: ModelSpec = {
      inputSize: 6 * 6,
      inputShape: [6, 6, 1],
      layers: [
        conv(3, 3, 'same'),
        { type: 'batch-norm' },
        { type: 'relu' },
        { type: 'max-pool', size: 2 },
        conv(4, 2, 'valid'),
        { type: 'tanh' },
        { type: 'flatten' },
        { type: 'dense', units: 3, init: { kind: 'xavier' } },
      ],
      loss: 'softmax-cross-entropy',
    };
    const model = new Sequential(spec, { seed: 4, dtype: 'float64' });
    const x = randomMatrix(4, 36, new Random(8));
    const labels = [1, 0, 2, 1];
    const lossOf = () => new SoftmaxCrossEntropy('float64').forward(model.forward(x, true), labels);
    const loss = new SoftmaxCrossEntropy('float64');
    loss.forward(model.forward(x, true), labels);
    const dInput = Float64Array.from(model.backward(loss.backward(), true).data);
    // The conv bias feeding batch norm has a true gradient of exactly 0 (the mean is
    // subtracted again), so a relative error there compares rounding noise; a floor of
    // 1e-4 makes differences that small count as absolute.
    const results = gradientCheck(
      lossOf,
      [
        { name: 'input', value: x.data as Float64Array, grad: dInput },
        ...model
          .params()
          .map((p) => ({ name: p.name, value: p.value as Float64Array, grad: Float64Array.from(p.grad) })),
      ],
      { floor: 1e-4 },
    );
    expect(results.map((r) => r.name)).toEqual([
      'input',
      'layer0.W',
      'layer0.b',
      'layer1.gamma',
      'layer1.beta',
      'layer4.W',
      'layer4.b',
      'layer7.W',
      'layer7.b',
    ]);
    for (const r of results) {
      expect(r.meanAbsoluteDifference, r.name).toBeLessThan(1e-9);
      expect(r.maxRelativeError, r.name).toBeLessThan(BOUND);
    }
  });
});

describe('Conv2D', () => {
  it('computes a hand-worked cross-correlation with zero padding', () => {
    // 3x3 image 1..9, one 2x2 filter [[1, 0], [0, -1]], 'same' pads the bottom and right.
    const layer = new Conv2D(conv(1, 2, 'same'), shape(3, 3, 1), 'c', new Random(1), 'float64');
    layer.weights.value.set([1, 0, 0, -1]);
    layer.bias.value.set([0.5]);
    const x = matrix(1, 9, 'float64');
    x.data.set([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const y = Array.from(layer.forward(x, false).data);
    // x[i][j] - x[i+1][j+1] + 0.5, with zeros past the edge.
    expect(y).toEqual([1 - 5, 2 - 6, 3, 4 - 8, 5 - 9, 6, 7, 8, 9].map((v) => v + 0.5));
  });

  it("gives each sample of a batch the output and input gradient it gets alone, and sums the filters' gradient", () => {
    const spec = conv(4, 3, 'same');
    const layer = new Conv2D(spec, shape(6, 6, 2), 'c', new Random(2), 'float32');
    const random = new Random(5);
    const x = randomMatrix(7, 72, random, 'float32');
    const g = randomMatrix(7, 144, random, 'float32');
    const y = Float32Array.from(layer.forward(x, true).data);
    const dx = Float32Array.from(layer.backward(g, true).data);
    const dW = Float32Array.from(layer.weights.grad);
    const db = Float32Array.from(layer.bias.grad);
    const dWSum = new Float64Array(dW.length);
    const dbSum = new Float64Array(db.length);
    for (let n = 0; n < 7; n++) {
      const one = (m: typeof x) => {
        const row = matrix(1, m.cols, 'float32');
        row.data.set(m.data.subarray(n * m.cols, (n + 1) * m.cols));
        return row;
      };
      expect(Array.from(layer.forward(one(x), true).data)).toEqual(Array.from(y.subarray(n * 144, (n + 1) * 144)));
      expect(Array.from(layer.backward(one(g), true).data)).toEqual(Array.from(dx.subarray(n * 72, (n + 1) * 72)));
      layer.weights.grad.forEach((v, i) => (dWSum[i] += v));
      layer.bias.grad.forEach((v, i) => (dbSum[i] += v));
    }
    for (let i = 0; i < dW.length; i++) expect(dW[i]).toBeCloseTo(dWSum[i], 4);
    for (let i = 0; i < db.length; i++) expect(db[i]).toBeCloseTo(dbSum[i], 4);
  });
});

describe('MaxPool2D', () => {
  it('takes the maximum of each window per channel and routes the gradient to it', () => {
    const layer = new MaxPool2D({ type: 'max-pool', size: 2 }, shape(2, 2, 2), 'float64');
    const x = matrix(1, 8, 'float64');
    // Pixels (0,0) (0,1) (1,0) (1,1), two channels each.
    x.data.set([1, -1, 4, -2, 3, -3, 2, -4]);
    expect(Array.from(layer.forward(x, true).data)).toEqual([4, -1]);
    const g = matrix(1, 2, 'float64');
    g.data.set([10, 20]);
    expect(Array.from(layer.backward(g).data)).toEqual([0, 20, 10, 0, 0, 0, 0, 0]);
  });
});

describe('BatchNorm', () => {
  it('normalises each channel to mean 0 and variance 1 in training, and updates running statistics with momentum 0.9', () => {
    const layer = new BatchNorm({ type: 'batch-norm' }, 2, 'bn', 'float64');
    const x = matrix(4, 2, 'float64');
    x.data.set([1, 10, 2, 20, 3, 30, 4, 40]);
    const y = layer.forward(x, true).data;
    const channel = (c: number) => [0, 1, 2, 3].map((i) => y[i * 2 + c]);
    for (const c of [0, 1]) {
      const values = channel(c);
      const mean = values.reduce((a, b) => a + b) / 4;
      const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / 4;
      expect(mean).toBeCloseTo(0, 12);
      expect(variance).toBeCloseTo(1, 4);
    }
    expect(layer.runningMean.value[0]).toBeCloseTo(0.1 * 2.5, 12);
    expect(layer.runningMean.value[1]).toBeCloseTo(0.1 * 25, 12);
    expect(layer.runningVar.value[0]).toBeCloseTo(0.9 + 0.1 * 1.25, 12);
  });

  it('uses the running statistics at inference, so one image gives the same answer alone or in a batch', () => {
    const layer = new BatchNorm({ type: 'batch-norm' }, 2, 'bn', 'float64');
    const random = new Random(1);
    for (let i = 0; i < 50; i++) layer.forward(randomMatrix(8, 6, random), true);
    const batch = randomMatrix(3, 6, random);
    const together = Array.from(layer.forward(batch, false).data);
    const alone = matrix(1, 6, 'float64');
    alone.data.set(batch.data.subarray(0, 6));
    expect(Array.from(layer.forward(alone, false).data)).toEqual(together.slice(0, 6));
    layer.runningMean.value.set([1, 2]);
    layer.runningVar.value.set([4, 9]);
    const one = matrix(1, 2, 'float64');
    one.data.set([3, 5]);
    const y = layer.forward(one, false).data;
    expect(y[0]).toBeCloseTo((3 - 1) / Math.sqrt(4 + 1e-5), 12);
    expect(y[1]).toBeCloseTo((5 - 2) / Math.sqrt(9 + 1e-5), 12);
  });

  it('backpropagates to its input after an inference forward too (for explanations), agreeing with central differences', () => {
    const layer = new BatchNorm({ type: 'batch-norm' }, 3, 'bn', 'float64');
    const random = new Random(5);
    for (let i = 0; i < 20; i++) layer.forward(randomMatrix(4, 12, random), true);
    layer.gamma.value.set([0.5, -2, 3]);
    const x = randomMatrix(2, 12, random);
    const r = randomMatrix(2, 12, random);
    layer.forward(x, false);
    const dx = Float64Array.from(layer.backward(r).data);
    const [check] = gradientCheck(
      () => dot(r, layer.forward(x, false)),
      [{ name: 'input', value: x.data as Float64Array, grad: dx }],
    );
    expect(check.maxRelativeError).toBeLessThan(BOUND);
    expect(() => new BatchNorm({ type: 'batch-norm' }, 3, 'bn').backward(r)).toThrow(/needs a forward first/);
  });
});

describe('model spec with image layers', () => {
  const spec: ModelSpec = {
    inputSize: 784,
    inputShape: [28, 28, 1],
    layers: [
      conv(8, 5, 'same'),
      { type: 'batch-norm' },
      { type: 'relu' },
      { type: 'max-pool', size: 2 },
      conv(16, 5, 'valid'),
      { type: 'relu' },
      { type: 'max-pool', size: 2 },
      { type: 'flatten' },
      { type: 'dense', units: 10, init: { kind: 'he' } },
    ],
    loss: 'softmax-cross-entropy',
  };

  it("tracks each layer's shape: 28x28x1 -> 28x28x8 -> 14x14x8 -> 10x10x16 -> 5x5x16 -> 400 -> 10", () => {
    expect(layerShapes(spec).map((s) => `${s.height}x${s.width}x${s.channels}`)).toEqual([
      '28x28x8',
      '28x28x8',
      '28x28x8',
      '14x14x8',
      '10x10x16',
      '10x10x16',
      '5x5x16',
      '1x1x400',
      '1x1x10',
    ]);
  });

  it("lists conv kernels as [k, k, in, out] and batch norm's four per-channel tensors", () => {
    expect(parameterShapes(spec)).toEqual([
      { name: 'layer0.W', shape: [5, 5, 1, 8] },
      { name: 'layer0.b', shape: [8] },
      { name: 'layer1.gamma', shape: [8] },
      { name: 'layer1.beta', shape: [8] },
      { name: 'layer1.runningMean', shape: [8] },
      { name: 'layer1.runningVar', shape: [8] },
      { name: 'layer4.W', shape: [5, 5, 8, 16] },
      { name: 'layer4.b', shape: [16] },
      { name: 'layer8.W', shape: [400, 10] },
      { name: 'layer8.b', shape: [10] },
    ]);
    const model = new Sequential(spec, { seed: 1 });
    expect(model.exportWeights().map((t) => t.name)).toEqual(parameterShapes(spec).map((s) => s.name));
    expect(model.classes).toBe(10);
  });

  it('runs the float32 fast kernels to the same logits as the float64 reference path', () => {
    const fast = new Sequential(spec, { seed: 2 });
    const slow = new Sequential(spec, { seed: 2, dtype: 'float64' });
    const random = new Random(4);
    const x32 = matrix(5, 784);
    for (let i = 0; i < x32.data.length; i++) x32.data[i] = random.next() < 0.8 ? 0 : random.next();
    const x64 = matrix(5, 784, 'float64');
    x64.data.set(x32.data);
    const a = fast.forward(x32, true).data;
    const b = slow.forward(x64, true).data;
    for (let i = 0; i < b.length; i++) expect(a[i]).toBeCloseTo(b[i], 3);
  });
});

describe('model file with image layers', () => {
  it('a signed header whose conv layer does not fit its input is a wrong-shape ModelFileError', async () => {
    const { encodeModelFile, decodeModelFile, ModelFileError } = await import('../../../src/digits/io/model-file');
    const spec: ModelSpec = {
      inputSize: 16,
      inputShape: [4, 4, 1],
      layers: [conv(2, 3, 'valid'), { type: 'flatten' }, { type: 'dense', units: 2, init: { kind: 'he' } }],
      loss: 'softmax-cross-entropy',
    };
    const tensors = new Sequential(spec, { seed: 1 }).exportWeights();
    expect(decodeModelFile(encodeModelFile({ spec, metadata: {}, tensors })).tensors).toHaveLength(4);
    const broken: ModelSpec = { ...spec, layers: [conv(2, 7, 'valid'), ...spec.layers.slice(1)] };
    const bytes = encodeModelFile({ spec: broken, metadata: {}, tensors });
    expect(() => decodeModelFile(bytes)).toThrow(ModelFileError);
    expect(() => decodeModelFile(bytes)).toThrow(/leaves nothing of its input/);
    const zeroPool: ModelSpec = { ...spec, layers: [{ type: 'max-pool', size: 0 }, ...spec.layers.slice(1)] };
    // Refused by the header's schema (digits/io/model-header.ts) before the spec is built.
    const zeroPoolBytes = encodeModelFile({ spec: zeroPool, metadata: {}, tensors });
    expect(() => decodeModelFile(zeroPoolBytes)).toThrow(ModelFileError);
    expect(() => decodeModelFile(zeroPoolBytes)).toThrow(/layers\.0\.size.*>=1/);
  });
});
