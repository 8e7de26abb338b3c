import { readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readSnapshotFile } from '../../../src/digits/io/snapshot-file';
import { inspectParameters } from '../../../src/engine/model/inspect';
import { Sequential } from '../../../src/engine/model/sequential';
import type { InvokeChannel, RequestOf } from '../../../src/shared/ipc/contract';
import { fakeTrainedModel, smallHyperparameters, useRealBackend } from '../fixtures';

// The training timeline as the Electron shell and the browser mode call it: backend.handle,
// real temp folders, a real engine child process on MNIST.

const env = useRealBackend({ ready: true });
const { call, next } = env;

async function refused<C extends InvokeChannel>(channel: C, request: RequestOf<C>): Promise<string> {
  const result = await env.backend.handle(channel, request);
  if (result.ok) throw new Error(`${channel} was not refused`);
  return result.error.code;
}

const stroke = (): Float32Array => {
  const pixels = new Float32Array(784);
  for (let y = 4; y < 24; y++) pixels[y * 28 + 14] = 1;
  return pixels;
};

/** A model saved with three snapshots: its own initialisation (seed 5), another seed's, and the final weights. */
async function modelWithTimeline(): Promise<{ id: string; weights: Sequential[] }> {
  const trained = fakeTrainedModel(1);
  const weights = [new Sequential(trained.spec, { seed: 5 }), new Sequential(trained.spec, { seed: 6 }), Sequential.fromWeights(trained.spec, trained.tensors)];
  const steps = [0, 10, 25];
  const snapshots = weights.map((m, i) => ({ step: steps[i], epoch: steps[i] / 25, tensors: m.exportWeights() }));
  const summary = await env.backend.models.addTrained({ ...trained, snapshots });
  return { id: summary.id, weights };
}

describe('the training timeline over the backend', () => {
  it('a training job asked to keep snapshots saves its timeline beside the model; its last snapshot is the final model', async () => {
    const done = next('training:done', { timeoutMs: 120_000 });
    // 500 images in batches of 20: 25 steps, snapshots after 0, 10 and 25.
    await call('training:start', { hyperparameters: smallHyperparameters(), testSize: 200, keepSnapshots: true });
    const { model } = await done;
    expect(model.timelineBytes).toBeGreaterThan(0);
    const timeline = await call('timeline:list', { id: model.id });
    expect(timeline.snapshots).toEqual([
      { index: 0, step: 0, epoch: 0 },
      { index: 1, step: 10, epoch: 0.4 },
      { index: 2, step: 25, epoch: 1 },
    ]);
    expect(timeline.bytes).toBe(model.timelineBytes);
    // The last snapshot is the final weights: same prediction as the model (temperature aside, the same argmax).
    const last = await call('inspect:activations', { id: model.id, pixels: stroke(), snapshot: 2 });
    const final = await call('inspect:activations', { id: model.id, pixels: stroke() });
    expect(last.snapshot).toBe(2);
    expect(Array.from(last.layers.at(-1)!.values)).toEqual(Array.from(final.layers.at(-1)!.values));
    // Accuracy rises from the initialisation to the end, on the first 1,000 test images by default.
    const first = await call('timeline:evaluate', { id: model.id, index: 0 });
    const end = await call('timeline:evaluate', { id: model.id, index: 2 });
    expect(first.count).toBe(1000);
    expect(end.accuracy).toBeGreaterThan(first.accuracy + 0.1);
    expect(end.confusion.flat().reduce((a, b) => a + b, 0)).toBe(1000);
  }, 180_000);

  it('a replay (the same request again) saves the same snapshots, bit for bit', async () => {
    const request = { hyperparameters: smallHyperparameters({ trainSize: 200, dropout: 0.2 }), testSize: 100, keepSnapshots: true };
    const trainOnce = async (): Promise<string> => {
      const done = next('training:done', { timeoutMs: 120_000 });
      await call('training:start', request);
      return (await done).model.id;
    };
    const first = await readSnapshotFile(env.backend.models.snapshotsPathOf(await trainOnce()));
    const replay = await readSnapshotFile(env.backend.models.snapshotsPathOf(await trainOnce()));
    const bits = (c: typeof first) =>
      c.snapshots.map((s) => [s.step, ...s.tensors.map((t) => Array.from(new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.length)))]);
    expect(first.snapshots.map((s) => s.step)).toEqual([0, 10]);
    expect(bits(replay)).toEqual(bits(first));
    // Two model files (their names and dates differ), the same weights all along.
    expect(replay.modelDigest).not.toBe(first.modelDigest);
  }, 180_000);

  it('a job not asked keeps none', async () => {
    const done = next('training:done', { timeoutMs: 120_000 });
    await call('training:start', { hyperparameters: smallHyperparameters({ trainSize: 100 }), testSize: 100 });
    const { model } = await done;
    expect(model.timelineBytes).toBeUndefined();
    expect(await call('timeline:list', { id: model.id })).toEqual({ modelId: model.id, snapshots: [], bytes: 0 });
    expect(await refused('timeline:evaluate', { id: model.id, index: 0 })).toBe('not-found');
  }, 180_000);

  it("looks through a snapshot's weights: activations and parameters are that snapshot's, bit for bit", async () => {
    const { id, weights } = await modelWithTimeline();
    for (const [index, model] of weights.entries()) {
      const parameters = await call('inspect:parameters', { id, layer: 0, snapshot: index });
      const expected = inspectParameters(model, 0);
      expect(parameters.tensors.map((t) => Array.from(t.values))).toEqual(expected.tensors.map((t) => Array.from(t.values)));
      const activations = await call('inspect:activations', { id, pixels: stroke(), snapshot: index });
      const logits = model.forward({ rows: 1, cols: 784, data: stroke() }, false).data;
      expect(Array.from(activations.layers.at(-1)!.values)).toEqual(Array.from(logits));
    }
    expect(await refused('inspect:activations', { id, pixels: stroke(), snapshot: 3 })).toBe('not-found');
    expect(await refused('timeline:evaluate', { id, index: 24 })).toBe('invalid-payload');
  }, 60_000);

  it('refuses a corrupted or truncated timeline and one of another model file, and keeps the model', async () => {
    const { id } = await modelWithTimeline();
    const path = env.backend.models.snapshotsPathOf(id);
    const bytes = await readFile(path);
    await writeFile(path, bytes.subarray(0, bytes.length - 7));
    expect(await refused('timeline:list', { id })).toBe('invalid-model');
    const changed = Buffer.from(bytes);
    changed[100] ^= 1;
    await writeFile(path, changed);
    expect(await refused('inspect:activations', { id, pixels: stroke(), snapshot: 0 })).toBe('invalid-model');
    // Another model's timeline put in its place.
    const other = await modelWithTimeline();
    await writeFile(path, await readFile(env.backend.models.snapshotsPathOf(other.id)));
    expect(await refused('timeline:list', { id })).toBe('invalid-model');
    // The model itself is untouched.
    expect((await call('inspect:activations', { id, pixels: stroke() })).modelId).toBe(id);
  }, 60_000);

  it("deletes a model's timeline and keeps the model; deleting the model deletes its timeline", async () => {
    const { id } = await modelWithTimeline();
    const changed = next('models:changed', { where: (e) => e.models.some((m) => m.id === id && m.timelineBytes === undefined) });
    expect(await call('timeline:delete', { id })).toEqual({ modelId: id, deleted: true });
    await changed;
    expect(await call('timeline:delete', { id })).toEqual({ modelId: id, deleted: false });
    expect((await call('timeline:list', { id })).snapshots).toEqual([]);
    const again = await modelWithTimeline();
    const path = env.backend.models.snapshotsPathOf(again.id);
    expect(existsSync(path)).toBe(true);
    await call('models:delete', { id: again.id });
    expect(existsSync(path)).toBe(false);
    expect(await refused('timeline:delete', { id: 'default' })).toBe('read-only');
  }, 60_000);
});
