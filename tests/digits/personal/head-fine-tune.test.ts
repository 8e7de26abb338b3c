import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../../src/engine/data/dataset';
import { Sequential } from '../../../src/engine/model/sequential';
import type { ModelSpec } from '../../../src/engine/model/spec';
import { Random } from '../../../src/engine/random';
import { evaluate } from '../../../src/engine/training/evaluate';
import { decodeModelFile, encodeModelFile } from '../../../src/digits/io/model-file';
import { frozenFeatures, frozenLayerCount } from '../../../src/digits/personal/frozen-features';
import { fineTuneHead, replayFeaturesOf } from '../../../src/digits/personal/head-fine-tune';
import { fineTuneHyperparameters } from '../../../src/digits/personal/recipe';
import { preset } from '../../../src/shared/presets';

const he = { kind: 'he' } as const;
const convSpec: ModelSpec = {
  inputSize: 784,
  inputShape: [28, 28, 1],
  layers: [
    { type: 'conv2d', filters: 4, kernelSize: 3, padding: 'same', init: he },
    { type: 'relu' },
    { type: 'max-pool', size: 4 },
    { type: 'flatten' },
    { type: 'dense', units: 16, init: he },
    { type: 'relu' },
    { type: 'dropout', rate: 0.2 },
    { type: 'dense', units: 10, init: he },
  ],
  loss: 'softmax-cross-entropy',
};

/** `count` images of a blob whose place gives the label, as learnable and as quick as data gets. */
function blobs(count: number, seed: number): Dataset {
  const random = new Random(seed);
  const images = new Uint8Array(count * 784);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    const label = random.int(10);
    labels[n] = label;
    const top = 2 + 2 * label;
    for (let y = top; y < top + 6; y++) for (let x = 4; x < 24; x++) images[n * 784 + y * 28 + x] = 128 + random.int(128);
  }
  return { images, labels, count, rows: 28, cols: 28 };
}

const h = fineTuneHyperparameters(preset('cnn'), { trainSize: 200, epochs: 2, way: 'head', learningRate: 0.01 });

describe('frozenLayerCount', () => {
  it('freezes a conv model up to and including its flatten, and nothing of an MLP', () => {
    expect(frozenLayerCount(convSpec)).toBe(4);
    const mlp: ModelSpec = { inputSize: 784, layers: [{ type: 'dense', units: 10, init: he }], loss: 'softmax-cross-entropy' };
    expect(frozenLayerCount(mlp)).toBeUndefined();
  });
});

describe('fineTuneHead', () => {
  it("gives a normal model whose conv weights are the base model's bit for bit and whose head has moved", async () => {
    const base = new Sequential(convSpec, { seed: 3 });
    const before = base.exportWeights();
    const replay = await replayFeaturesOf(base, 4, { mnist: blobs(200, 1), test: blobs(50, 2) });
    const personal = { train: blobs(6, 3), test: blobs(4, 4), weight: 5 };
    const result = await fineTuneHead(h, base, 4, replay, { personal });

    const after = decodeModelFile(encodeModelFile({ spec: result.spec, metadata: {}, tensors: result.model.exportWeights() })).tensors;
    const byName = new Map(after.map((t) => [t.name, t]));
    for (const t of before) {
      const same = Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).equals(
        Buffer.from(byName.get(t.name)!.data.buffer, byName.get(t.name)!.data.byteOffset, byName.get(t.name)!.data.byteLength),
      );
      expect(same, t.name).toBe(t.name.startsWith('layer0.'));
    }
    // The base model itself is untouched: a fine-tune leaves what it started from.
    expect(base.exportWeights()).toEqual(before);
    expect(result.history).toHaveLength(2);
    expect(result.personalTest?.count).toBe(4);
    expect(result.test.accuracy).toBeGreaterThan(0.5);
  });

  it("reports the figures the whole model gives on images: features then head is the model's forward pass", async () => {
    const base = new Sequential(convSpec, { seed: 5 });
    const test = blobs(60, 6);
    const replay = await replayFeaturesOf(base, 4, { mnist: blobs(100, 7), test });
    const result = await fineTuneHead({ ...h, epochs: 1 }, base, 4, replay);
    const onImages = evaluate(result.model, test);
    expect(result.test.accuracy).toBe(onImages.accuracy);
    expect(result.test.loss).toBeCloseTo(onImages.loss, 5);
    const features = await frozenFeatures(result.model, 4, test);
    expect(Array.from(features.features)).toEqual(Array.from(replay.test.features));
  });

  it('draws the same batches from the same seed: two runs give the same weights', async () => {
    const base = new Sequential(convSpec, { seed: 8 });
    const replay = await replayFeaturesOf(base, 4, { mnist: blobs(100, 9), synthetic: blobs(20, 10), test: blobs(20, 11) });
    const a = await fineTuneHead({ ...h, epochs: 1 }, base, 4, replay);
    const b = await fineTuneHead({ ...h, epochs: 1 }, base, 4, replay);
    expect(a.model.exportWeights()).toEqual(b.model.exportWeights());
    expect(a.history).toEqual(b.history.map((record) => ({ ...record, elapsedSeconds: expect.any(Number) })));
  });
});
