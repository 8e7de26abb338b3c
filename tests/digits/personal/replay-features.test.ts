import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Dataset } from '../../../src/engine/data/dataset';
import { Sequential } from '../../../src/engine/model/sequential';
import type { ModelSpec } from '../../../src/engine/model/spec';
import { saveModel } from '../../../src/digits/io/saved-model';
import { frozenFeatures } from '../../../src/digits/personal/frozen-features';
import { ReplayFeatureCache, loadFineTuneBase } from '../../../src/digits/personal/replay-features';
import { preset } from '../../../src/shared/presets';

const he = { kind: 'he' } as const;
const spec: ModelSpec = {
  inputSize: 784,
  inputShape: [28, 28, 1],
  layers: [
    { type: 'conv2d', filters: 2, kernelSize: 3, padding: 'same', init: he },
    { type: 'relu' },
    { type: 'max-pool', size: 4 },
    { type: 'flatten' },
    { type: 'dense', units: 10, init: he },
  ],
  loss: 'softmax-cross-entropy',
};
const images = (count: number): Dataset => ({
  images: Uint8Array.from({ length: count * 784 }, (_, i) => (i * 37) % 256),
  labels: Uint8Array.from({ length: count }, (_, i) => i % 10),
  count,
  rows: 28,
  cols: 28,
});
const sources = { train: images(30), test: images(10), synthetic: () => undefined };
const h = { ...preset('cnn'), trainSize: 20, styleDrawings: undefined, nonDigitDrawings: undefined };

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('ReplayFeatureCache', () => {
  it("keeps one model file's features for its next fine-tune, and computes a replaced file's afresh (keyed by digest, not path)", async () => {
    dir = await mkdtemp(join(tmpdir(), 'replay-features-'));
    const path = join(dir, 'model.tgk');
    const cache = new ReplayFeatureCache();
    await saveModel(path, new Sequential(spec, { seed: 1 }), {});
    const first = await loadFineTuneBase(path);
    const features = await cache.featuresFor(first, 4, h, sources);
    expect(features.mnist.count).toBe(20);
    expect(features.test.count).toBe(10);
    expect(await cache.featuresFor(await loadFineTuneBase(path), 4, h, sources)).toBe(features);

    // Another model saved under the same name: its own features, not the old file's.
    await saveModel(path, new Sequential(spec, { seed: 2 }), {});
    const replaced = await loadFineTuneBase(path);
    expect(replaced.digest).not.toBe(first.digest);
    const fresh = await cache.featuresFor(replaced, 4, h, sources);
    expect(fresh).not.toBe(features);
    const expected = await frozenFeatures(replaced.model, 4, images(20));
    expect(Array.from(fresh.mnist.features)).toEqual(Array.from(expected.features));
    expect(Array.from(fresh.mnist.features)).not.toEqual(Array.from(features.mnist.features));
    expect(cache.heldKey()).toMatch(new RegExp(`^${replaced.digest}\\|`));
  });

  it('keeps them on disk for the next process, and computes afresh when the file there is of another model', async () => {
    dir = await mkdtemp(join(tmpdir(), 'replay-features-'));
    const path = join(dir, 'model.tgk');
    const diskPath = join(dir, 'features.tgkf');
    await saveModel(path, new Sequential(spec, { seed: 1 }), {});
    const computed = await new ReplayFeatureCache().featuresFor(await loadFineTuneBase(path), 4, h, sources, { diskPath });
    let batches = 0;
    const counting = { diskPath, betweenBatches: async () => void batches++ };
    const read = await new ReplayFeatureCache().featuresFor(await loadFineTuneBase(path), 4, h, sources, counting);
    expect(batches).toBe(0);
    expect(Array.from(read.mnist.features)).toEqual(Array.from(computed.mnist.features));
    expect(Array.from(read.test.labels)).toEqual(Array.from(computed.test.labels));

    await saveModel(path, new Sequential(spec, { seed: 2 }), {});
    const replaced = await loadFineTuneBase(path);
    const fresh = await new ReplayFeatureCache().featuresFor(replaced, 4, h, sources, counting);
    expect(batches).toBeGreaterThan(0);
    expect(Array.from(fresh.mnist.features)).toEqual(Array.from((await frozenFeatures(replaced.model, 4, images(20))).features));
  });

  it('forgets features whose computation was cancelled, so the next fine-tune computes them whole', async () => {
    dir = await mkdtemp(join(tmpdir(), 'replay-features-'));
    const path = join(dir, 'model.tgk');
    await saveModel(path, new Sequential(spec, { seed: 1 }), {});
    const base = await loadFineTuneBase(path);
    const cache = new ReplayFeatureCache();
    const cancelled = cache.featuresFor(base, 4, h, sources, {
      betweenBatches: async () => {
        throw new Error('cancelled');
      },
    });
    await expect(cancelled).rejects.toThrow('cancelled');
    expect(cache.heldKey()).toBeUndefined();
    expect((await cache.featuresFor(base, 4, h, sources)).mnist.count).toBe(20);
  });
});
