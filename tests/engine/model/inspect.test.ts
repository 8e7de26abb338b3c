import { describe, expect, it } from 'vitest';
import { InspectionError, inspectActivations, inspectParameters } from '../../../src/engine/model/inspect';
import { Sequential } from '../../../src/engine/model/sequential';
import type { ModelSpec } from '../../../src/engine/model/spec';
import { layerShapes } from '../../../src/engine/model/spec';
import { Random } from '../../../src/engine/random';
import { matrix } from '../../../src/engine/tensor';
import { INSPECTION_LIMITS } from '../../../src/shared/inspection';
import type { LayerActivation } from '../../../src/shared/inspection';

const he = { kind: 'he' } as const;

/** Every kind of layer, with shapes that differ on each axis so a transposition cannot hide. */
const spec: ModelSpec = {
  inputSize: 784,
  inputShape: [28, 28, 1],
  layers: [
    { type: 'conv2d', filters: 4, kernelSize: 3, padding: 'same', init: he },
    { type: 'batch-norm' },
    { type: 'relu' },
    { type: 'max-pool', size: 2 },
    { type: 'conv2d', filters: 3, kernelSize: 3, stride: 2, padding: 'valid', init: he },
    { type: 'tanh' },
    { type: 'flatten' },
    { type: 'dense', units: 12, init: he },
    { type: 'sigmoid' },
    { type: 'dropout', rate: 0.5 },
    { type: 'dense', units: 10, init: he },
  ],
  loss: 'softmax-cross-entropy',
};

/** A model whose every tensor (batch norm's statistics too) holds random values, at T = 1.7. */
function randomModel(modelSpec: ModelSpec = spec): Sequential {
  const model = new Sequential(modelSpec, { seed: 5, temperature: 1.7 });
  const random = new Random(11);
  for (const tensor of [...model.params(), ...model.state()]) {
    for (let i = 0; i < tensor.value.length; i++) {
      tensor.value[i] = tensor.name.endsWith('runningVar') ? 0.5 + random.next() : random.next() * 2 - 1;
    }
  }
  return model;
}

function randomPixels(seed = 3): Float32Array {
  const random = new Random(seed);
  return Float32Array.from({ length: 784 }, () => (random.next() < 0.3 ? random.next() : 0));
}

/** A layer's values back in the engine's layout: [C, H, W] -> [H, W, C]; a flat [n] is as it is. */
function engineLayout(layer: LayerActivation): Float32Array {
  if (layer.shape.length === 1) return layer.values;
  const [channels, height, width] = layer.shape;
  const out = new Float32Array(layer.values.length);
  for (let c = 0; c < channels; c++)
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) out[(y * width + x) * channels + c] = layer.values[(c * height + y) * width + x];
  return out;
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  expect(worst).toBeLessThanOrEqual(tolerance);
}

describe('inspectActivations', () => {
  it('gives every layer in model order, with its kind and its output as [channels, height, width] or [units]', () => {
    const { layers } = inspectActivations(randomModel(), randomPixels());
    expect(layers.map((l) => l.index)).toEqual(spec.layers.map((_, i) => i));
    expect(layers.map((l) => l.kind)).toEqual(spec.layers.map((l) => l.type));
    expect(layers.map((l) => l.shape)).toEqual([
      [4, 28, 28],
      [4, 28, 28],
      [4, 28, 28],
      [4, 14, 14],
      [3, 6, 6],
      [3, 6, 6],
      [108],
      [12],
      [12],
      [12],
      [10],
    ]);
    const shapes = layerShapes(spec);
    layers.forEach((layer, i) => {
      expect(layer.values.length).toBe(shapes[i].height * shapes[i].width * shapes[i].channels);
      expect(layer.truncated).toBe(false);
      expect(layer.fullShape).toEqual(layer.shape);
    });
  });

  it("gives conv and pooling windows with their padding, leaky ReLU's slope and batch norm's ε, what a unit's formula needs", () => {
    const { layers } = inspectActivations(randomModel(), randomPixels());
    expect(layers[0].window).toEqual({ size: 3, stride: 1, padTop: 1, padLeft: 1 });
    expect(layers[1].epsilon).toBe(1e-5);
    expect(layers[3].window).toEqual({ size: 2, stride: 2, padTop: 0, padLeft: 0 });
    expect(layers[4].window).toEqual({ size: 3, stride: 2, padTop: 0, padLeft: 0 });
    expect(layers.filter((l) => l.window).map((l) => l.index)).toEqual([0, 3, 4]);
    expect(layers[2].alpha).toBeUndefined();
    const leaky = inspectActivations(
      randomModel({
        ...spec,
        layers: spec.layers.map((l) => (l.type === 'tanh' ? { type: 'leaky-relu', alpha: 0.2 } : l)),
      }),
      randomPixels(),
    );
    expect(leaky.layers[5].alpha).toBe(0.2);
  });

  it("gives each layer's output as that layer applied to the previous one's, and the logits last", () => {
    const model = randomModel();
    const pixels = randomPixels();
    const { layers } = inspectActivations(model, pixels);
    let previous = pixels;
    layers.forEach((layer, i) => {
      const input = matrix(1, previous.length);
      input.data.set(previous);
      const expected = Float32Array.from(model.layers[i].forward(input, false).data);
      expectClose(engineLayout(layer), expected);
      previous = engineLayout(layer);
    });
    const input = matrix(1, 784);
    input.data.set(pixels);
    expectClose(layers.at(-1)!.values, model.forward(input, false).data);
  });

  it('gives the probabilities softmax(logits / T), as predictOne does', () => {
    const model = randomModel();
    const pixels = randomPixels(8);
    const { layers, probabilities, temperature } = inspectActivations(model, pixels);
    expect(temperature).toBe(1.7);
    const logits = Array.from(layers.at(-1)!.values);
    const top = Math.max(...logits);
    const exps = logits.map((z) => Math.exp((z - top) / 1.7));
    const sum = exps.reduce((a, b) => a + b, 0);
    expectClose(
      probabilities,
      exps.map((e) => e / sum),
    );
    expectClose(probabilities, model.predictOne(pixels));
  });

  it('computes the first conv layer as b[f] + Σ W[f, c, ky, kx] · x[c, y + ky - 1, x + kx - 1] with the shown filters', () => {
    const model = randomModel();
    const pixels = randomPixels(4);
    const conv = inspectActivations(model, pixels).layers[0];
    const [weights, bias] = inspectParameters(model, 0).tensors;
    expect(weights.shape).toEqual([4, 1, 3, 3]);
    const w = weights.values;
    for (let f = 0; f < 4; f++) {
      for (let y = 0; y < 28; y++) {
        for (let x = 0; x < 28; x++) {
          let sum = bias.values[f];
          for (let ky = 0; ky < 3; ky++)
            for (let kx = 0; kx < 3; kx++) {
              const iy = y + ky - 1;
              const ix = x + kx - 1;
              if (iy >= 0 && iy < 28 && ix >= 0 && ix < 28) sum += w[f * 9 + ky * 3 + kx] * pixels[iy * 28 + ix];
            }
          expect(conv.values[(f * 28 + y) * 28 + x]).toBeCloseTo(sum, 4);
        }
      }
    }
  });

  it('computes a dense layer as b[u] + Σ_i W[i, u] · input[i] with the shown [inputs, units] weights', () => {
    const model = randomModel();
    const { layers } = inspectActivations(model, randomPixels(6));
    const { tensors, inputShape } = inspectParameters(model, 7);
    expect(inputShape).toEqual([108]);
    const [weights, bias] = tensors;
    expect(weights.shape).toEqual([108, 12]);
    const input = layers[6].values;
    for (let u = 0; u < 12; u++) {
      let sum = bias.values[u];
      for (let i = 0; i < 108; i++) sum += weights.values[i * 12 + u] * input[i];
      expect(layers[7].values[u]).toBeCloseTo(sum, 4);
    }
  });

  it('states min, max, mean and the share of zeros of the whole output', () => {
    const { layers } = inspectActivations(randomModel(), randomPixels());
    for (const layer of layers) {
      const v = Array.from(layer.values);
      expect(layer.stats.min).toBe(Math.min(...v));
      expect(layer.stats.max).toBe(Math.max(...v));
      expect(layer.stats.mean).toBeCloseTo(v.reduce((a, b) => a + b, 0) / v.length, 5);
      expect(layer.stats.zeroFraction).toBe(v.filter((x) => x === 0).length / v.length);
    }
    // After a ReLU some units are dead: the statistic is not stuck at 0.
    expect(layers[2].stats.zeroFraction).toBeGreaterThan(0);
  });

  it('cuts a layer to whole feature maps within maxValues and says so; the statistics still cover all of it', () => {
    const model = randomModel();
    const pixels = randomPixels();
    const whole = inspectActivations(model, pixels).layers;
    const cut = inspectActivations(model, pixels, 2 * 784 + 100).layers;
    expect(cut[0]).toMatchObject({
      shape: [2, 28, 28],
      fullShape: [4, 28, 28],
      truncated: true,
      stats: whole[0].stats,
    });
    expect(Array.from(cut[0].values)).toEqual(Array.from(whole[0].values.subarray(0, 2 * 784)));
    // Layers that fit are whole.
    expect(cut[4]).toMatchObject({ shape: [3, 6, 6], truncated: false });
    expect(cut[6]).toMatchObject({ shape: [108], truncated: false });
    const flat = inspectActivations(model, pixels, 50).layers[6];
    expect(flat).toMatchObject({ shape: [50], fullShape: [108], truncated: true });
  });

  it('never returns more than INSPECTION_LIMITS.activationValues of a layer, whatever is asked', () => {
    const wide: ModelSpec = {
      ...spec,
      layers: [
        { type: 'conv2d', filters: 100, kernelSize: 1, padding: 'valid', init: he },
        { type: 'flatten' },
        { type: 'dense', units: 10, init: he },
      ],
    };
    const [conv, flat] = inspectActivations(new Sequential(wide), randomPixels(), Infinity).layers;
    const maps = Math.floor(INSPECTION_LIMITS.activationValues / 784);
    expect(conv).toMatchObject({ shape: [maps, 28, 28], fullShape: [100, 28, 28], truncated: true });
    expect(flat.values.length).toBe(INSPECTION_LIMITS.activationValues);
    expect(flat.truncated).toBe(true);
  });

  it('refuses an input of the wrong size, naming both sizes', () => {
    expect(() => inspectActivations(randomModel(), new Float32Array(783))).toThrow(InspectionError);
    expect(() => inspectActivations(randomModel(), new Float32Array(785))).toThrow(/785 values; this model takes 784/);
  });
});

describe('inspectParameters', () => {
  it('shows conv filters as [filters, inChannels, k, k], taken from the engine layout [k, k, inChannels, filters]', () => {
    const model = randomModel();
    const { kind, inputShape, tensors } = inspectParameters(model, 4);
    expect(kind).toBe('conv2d');
    expect(inputShape).toEqual([4, 14, 14]);
    expect(tensors.map((t) => t.name)).toEqual(['weights', 'bias']);
    const [weights] = tensors;
    expect(weights).toMatchObject({ shape: [3, 4, 3, 3], fullShape: [3, 4, 3, 3], truncated: false });
    const engine = model.layers[4].params()[0].value;
    for (let f = 0; f < 3; f++)
      for (let c = 0; c < 4; c++)
        for (let ky = 0; ky < 3; ky++)
          for (let kx = 0; kx < 3; kx++)
            expect(weights.values[((f * 4 + c) * 3 + ky) * 3 + kx]).toBe(engine[((ky * 3 + kx) * 4 + c) * 3 + f]);
  });

  it("gives batch norm's four tensors and nothing for a layer that learns nothing", () => {
    const model = randomModel();
    expect(inspectParameters(model, 1).tensors.map((t) => [t.name, t.shape])).toEqual([
      ['gamma', [4]],
      ['beta', [4]],
      ['runningMean', [4]],
      ['runningVar', [4]],
    ]);
    for (const index of [2, 3, 5, 6, 8, 9]) expect(inspectParameters(model, index).tensors).toEqual([]);
  });

  it("cuts dense weights by whole units: each kept unit's column is complete", () => {
    const model = randomModel();
    const whole = inspectParameters(model, 7).tensors[0];
    const cut = inspectParameters(model, 7, 108 * 5 + 7).tensors[0];
    expect(cut).toMatchObject({ shape: [108, 5], fullShape: [108, 12], truncated: true, stats: whole.stats });
    for (let i = 0; i < 108; i++)
      for (let u = 0; u < 5; u++) expect(cut.values[i * 5 + u]).toBe(whole.values[i * 12 + u]);
  });

  it('refuses a layer the model does not have, naming the ones it has', () => {
    const model = randomModel();
    for (const index of [-1, 11, 1.5, NaN]) expect(() => inspectParameters(model, index)).toThrow(InspectionError);
    expect(() => inspectParameters(model, 11)).toThrow('there is no layer 11: this model has layers 0 to 10');
  });
});
