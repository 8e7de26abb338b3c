import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeModelFile } from '../../../src/digits/io/model-file';
import { loadModel } from '../../../src/digits/io/saved-model';
import { applyEdits } from '../../../src/engine/model/experiment';
import type { ExperimentEdit } from '../../../src/shared/experiment';
import { useRealBackend } from '../fixtures';

// "Break it" ('network:experiment', 'network:restore', 'network:save-experiment') as the
// app calls it: backend.handle, real temp folders, a real engine child process and MNIST's
// first test images. The fixture's default model is 784-8-10 relu.

const env = useRealBackend({ ready: true });
const { call } = env;

const stroke = (): number[] => {
  const pixels = new Array<number>(784).fill(0);
  for (let y = 4; y < 24; y++) pixels[y * 28 + 14] = 1;
  return pixels;
};

const edits: ExperimentEdit[] = [
  { kind: 'unit-off', layer: 0, unit: 3 },
  { kind: 'weight-noise', layer: 2, scale: 1.5, seed: 7 },
];

describe('network:experiment', () => {
  it('measures the edited copy against the model on the drawing and the first test images, and the layers follow it until restore', async () => {
    const before = await call('inspect:activations', { pixels: stroke() });
    expect(before.originalProbabilities).toBeUndefined();
    const file = await readFile(join(env.resources, 'default-model.tgk'));

    const result = await call('network:experiment', { edits, pixels: stroke(), testSize: 300 });
    expect(result).toMatchObject({ modelId: 'default', testCount: 300, edits });
    expect(result.applied[1].sigma).toBeGreaterThan(0);
    // The same model, edited here, gives the same probabilities.
    const { model } = await loadModel(join(env.resources, 'default-model.tgk'));
    const here = applyEdits(model, edits).model.predictOne(Float32Array.from(stroke()));
    result.probabilities.forEach((p, i) => expect(p).toBeCloseTo(here[i], 6));
    result.originalProbabilities.forEach((p, i) => expect(p).toBeCloseTo(before.probabilities[i], 6));
    expect(result.probabilities).not.toEqual(result.originalProbabilities);
    expect(result.testAccuracy).not.toBe(result.originalTestAccuracy);

    // While it is on, the Network screen's layers are the copy's: unit 3 is off.
    const during = await call('inspect:activations', { pixels: stroke() });
    expect(during.layers[0].values[3]).toBe(0);
    expect(before.layers[0].values[3]).not.toBe(0);
    expect(during.originalProbabilities).toEqual(result.originalProbabilities);
    const weights = await call('inspect:parameters', { layer: 0 });
    expect(Array.from(weights.tensors[1].values)[3]).toBe(0);

    expect(await call('network:restore', undefined)).toEqual({ modelId: 'default', restored: true });
    const after = await call('inspect:activations', { pixels: stroke() });
    expect(after.originalProbabilities).toBeUndefined();
    expect(Array.from(after.layers[0].values)).toEqual(Array.from(before.layers[0].values));
    expect(after.probabilities).toEqual(before.probabilities);
    const restored = await call('inspect:parameters', { layer: 2 });
    expect(Array.from(restored.tensors[0].values)).toEqual(Array.from(model.layers[2].params()[0].value));
    // Nothing was written.
    expect(await readFile(join(env.resources, 'default-model.tgk'))).toEqual(file);
    expect(await call('network:restore', undefined)).toEqual({ modelId: 'default', restored: false });
  });

  it('refuses edits the model cannot take, and more edits or noise than the limits', async () => {
    const relu = await env.backend.handle('network:experiment', {
      edits: [{ kind: 'biases-off', layer: 1 }],
      pixels: stroke(),
    });
    expect(relu).toMatchObject({
      ok: false,
      error: {
        code: 'invalid-payload',
        message: 'layer 1 (relu) has no weights to change: choose a dense or conv layer',
      },
    });
    const tooMany = Array.from({ length: 33 }, () => ({ kind: 'biases-off', layer: 0 }));
    expect(await env.backend.handle('network:experiment', { edits: tooMany, pixels: stroke() })).toMatchObject({
      ok: false,
      error: { code: 'invalid-payload' },
    });
    const loud = [{ kind: 'weight-noise', layer: 0, scale: 100, seed: 1 }];
    expect(await env.backend.handle('network:experiment', { edits: loud, pixels: stroke() })).toMatchObject({
      ok: false,
      error: { code: 'invalid-payload' },
    });
  });
});

describe('network:save-experiment', () => {
  it('saves the edited copy as a new model, leaves the original as it was, and refuses when no experiment is on', async () => {
    expect(await env.backend.handle('network:save-experiment', { name: 'nothing' })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
    await call('network:experiment', { edits, pixels: stroke(), testSize: 100 });
    const saved = await call('network:save-experiment', { name: 'Broken on purpose' });
    expect(saved).toMatchObject({
      name: 'Broken on purpose',
      source: 'trained',
      active: false,
      architecture: '784-8-10 relu',
    });
    expect((await call('models:list', undefined)).map((m) => m.id)).toContain(saved.id);
    const content = decodeModelFile(await readFile(env.backend.models.pathOf(saved.id)));
    const { model } = await loadModel(join(env.resources, 'default-model.tgk'));
    const expected = applyEdits(model, edits).model.exportWeights();
    expect(content.tensors.map((t) => [t.name, Array.from(t.data)])).toEqual(
      expected.map((t) => [t.name, Array.from(t.data)]),
    );
    expect(content.metadata.name).toBe('Broken on purpose');
    expect(content.metadata.metrics).toBeUndefined();
    // The experiment is still on the active model (the default); the saved model is not it.
    expect((await call('models:active', undefined)).id).toBe('default');
  });
});
