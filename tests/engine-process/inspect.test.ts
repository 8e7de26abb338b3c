import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineHost, EngineJobError } from '../../src/backend/engine/engine-host';
import { engineSourceEntry, nodeSpawn } from '../../src/backend/engine/node-spawn';
import { encodeModelFile } from '../../src/digits/io/model-file';
import { loadModel } from '../../src/digits/io/saved-model';
import { Sequential } from '../../src/engine/model/sequential';
import type { ModelSpec } from '../../src/engine/model/spec';
import { Random } from '../../src/engine/random';
import { matrix } from '../../src/engine/tensor';
import type { LayerActivation } from '../../src/shared/inspection';

// Over a real engine: src/engine-process/entry.ts in a child process (child_process.fork
// through tsx), asked by the host the backend uses. What comes back is compared with a
// forward pass run here, one layer at a time, on the same model file.

const he = { kind: 'he' } as const;
const spec: ModelSpec = {
  inputSize: 784,
  inputShape: [28, 28, 1],
  layers: [
    { type: 'conv2d', filters: 6, kernelSize: 5, padding: 'same', init: he },
    { type: 'batch-norm' },
    { type: 'relu' },
    { type: 'max-pool', size: 2 },
    { type: 'conv2d', filters: 5, kernelSize: 3, padding: 'valid', init: he },
    { type: 'leaky-relu', alpha: 0.1 },
    { type: 'max-pool', size: 2 },
    { type: 'flatten' },
    { type: 'dense', units: 20, init: he },
    { type: 'tanh' },
    { type: 'dense', units: 10, init: he },
  ],
  loss: 'softmax-cross-entropy',
};

const dir = mkdtempSync(join(tmpdir(), 'tegaki-inspect-'));
const modelPath = join(dir, 'inspected.tgk');
let host: EngineHost;

beforeAll(() => {
  const model = new Sequential(spec, { seed: 21 });
  const random = new Random(9);
  for (const t of model.state())
    for (let i = 0; i < t.value.length; i++)
      t.value[i] = t.name.endsWith('runningVar') ? 0.5 + random.next() : random.next() - 0.5;
  writeFileSync(modelPath, encodeModelFile({ spec, metadata: { name: 'inspected' }, tensors: model.exportWeights() }));
  host = new EngineHost({ spawn: nodeSpawn, entryPath: engineSourceEntry, log: () => undefined });
});

afterAll(async () => {
  await host.dispose();
  rmSync(dir, { recursive: true, force: true });
});

function pixels(seed: number): Float32Array {
  const random = new Random(seed);
  return Float32Array.from({ length: 784 }, () => (random.next() < 0.25 ? random.next() : 0));
}

/** [C, H, W] back to the engine's channels-last [H, W, C]; [n] as it is. */
function channelsLast(layer: LayerActivation): Float32Array {
  if (layer.shape.length === 1) return layer.values;
  const [c, h, w] = layer.shape;
  const out = new Float32Array(layer.values.length);
  for (let k = 0; k < c; k++) for (let p = 0; p < h * w; p++) out[p * c + k] = layer.values[k * h * w + p];
  return out;
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

describe('inspect-activations over the engine process', () => {
  it('equals a forward pass run here layer by layer, and ends in the logits and the model’s probabilities', async () => {
    const { model } = await loadModel(modelPath);
    for (const seed of [1, 2]) {
      const input = pixels(seed);
      const result = await host.inspectActivations(modelPath, input);
      expect(result.layers.map((l) => l.kind)).toEqual(spec.layers.map((l) => l.type));
      let x = matrix(1, 784);
      x.data.set(input);
      result.layers.forEach((layer, i) => {
        expect(layer.values).toBeInstanceOf(Float32Array);
        x = model.layers[i].forward(x, false);
        expect(maxDifference(channelsLast(layer), x.data), `layer ${i} (${layer.kind})`).toBeLessThan(1e-5);
      });
      const logits = matrix(1, 784);
      logits.data.set(input);
      expect(maxDifference(result.layers.at(-1)!.values, model.forward(logits, false).data)).toBeLessThan(1e-5);
      expect(maxDifference(result.probabilities, model.predictOne(input))).toBeLessThan(1e-6);
      expect(result.layers.map((l) => l.shape)).toEqual([
        [6, 28, 28],
        [6, 28, 28],
        [6, 28, 28],
        [6, 14, 14],
        [5, 12, 12],
        [5, 12, 12],
        [5, 6, 6],
        [180],
        [20],
        [20],
        [10],
      ]);
    }
  });

  it('cuts each layer to maxValues in whole maps, with the flag set', async () => {
    const result = await host.inspectActivations(modelPath, pixels(3), 1000);
    expect(result.layers[0]).toMatchObject({ shape: [1, 28, 28], fullShape: [6, 28, 28], truncated: true });
    expect(result.layers[4]).toMatchObject({ shape: [5, 12, 12], truncated: false });
    expect(result.layers.every((l) => l.values.length <= 1000)).toBe(true);
  });

  it('refuses an input of the wrong size as an invalid payload', async () => {
    const refused = host.inspectActivations(modelPath, new Float32Array(100));
    await expect(refused).rejects.toBeInstanceOf(EngineJobError);
    await expect(refused).rejects.toMatchObject({
      code: 'invalid-payload',
      message: 'the input has 100 values; this model takes 784',
    });
  });
});

describe('inspect-parameters over the engine process', () => {
  it('gives the filters [F, C, k, k] and the dense weights [inputs, units] of the model file', async () => {
    const { model } = await loadModel(modelPath);
    const conv = await host.inspectParameters(modelPath, 4);
    expect(conv).toMatchObject({ index: 4, kind: 'conv2d', inputShape: [6, 14, 14] });
    const [filters, bias] = conv.tensors;
    expect(filters).toMatchObject({ name: 'weights', shape: [5, 6, 3, 3], truncated: false });
    expect(Array.from(bias.values)).toEqual(Array.from(model.layers[4].params()[1].value));
    const w = model.layers[4].params()[0].value; // [k, k, C, F]
    expect(filters.values[((2 * 6 + 4) * 3 + 1) * 3 + 0]).toBe(w[((1 * 3 + 0) * 6 + 4) * 5 + 2]);

    const dense = await host.inspectParameters(modelPath, 8);
    expect(dense.tensors[0]).toMatchObject({ shape: [180, 20], fullShape: [180, 20] });
    expect(Array.from(dense.tensors[0].values)).toEqual(Array.from(model.layers[8].params()[0].value));
  });

  it('refuses a layer the model does not have, naming its layers', async () => {
    await expect(host.inspectParameters(modelPath, 11)).rejects.toMatchObject({
      code: 'invalid-payload',
      message: 'there is no layer 11: this model has layers 0 to 10',
    });
  });
});
