import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeModelFile } from '../../../src/digits/io/model-file';
import { loadModel } from '../../../src/digits/io/saved-model';
import { inspectActivations } from '../../../src/engine/model/inspect';
import { withDerivedValues } from '../../../src/shared/derived-activations';
import { fakeTrainedModel, useRealBackend } from '../fixtures';

// 'inspect:activations' and 'inspect:parameters' as the Electron shell and the browser
// mode call them: backend.handle, real temp folders, a real engine child process.

const env = useRealBackend({ ready: true });
const { call } = env;

const stroke = (): Float32Array => {
  const pixels = new Float32Array(784);
  for (let y = 4; y < 24; y++) pixels[y * 28 + 14] = 1;
  return pixels;
};

describe('inspect:activations', () => {
  it("gives the active model's layers for the drawing, the last one its logits, and its prediction", async () => {
    const result = await call('inspect:activations', { pixels: Array.from(stroke()) });
    const { model } = await loadModel(join(env.resources, 'default-model.tgk'));
    expect(result.modelId).toBe('default');
    // The fixture's default model is 784-8-10 relu.
    expect(result.layers.map((l) => [l.kind, l.shape])).toEqual([
      ['dense', [8]],
      ['relu', [8]],
      ['dense', [10]],
    ]);
    const logits = model.forward({ rows: 1, cols: 784, data: stroke() }, false).data;
    result.layers.at(-1)!.values.forEach((z, i) => expect(z).toBeCloseTo(logits[i], 5));
    const { probabilities } = await call('predict', { pixels: stroke() });
    result.probabilities.forEach((p, i) => expect(p).toBeCloseTo(probabilities[i], 6));
  });

  it("sends the ReLU's stats but not its values, which the page computes to the engine's bits", async () => {
    const result = await call('inspect:activations', { pixels: Array.from(stroke()) });
    const { model } = await loadModel(join(env.resources, 'default-model.tgk'));
    const relu = result.layers[1];
    expect(relu).toMatchObject({ kind: 'relu', derived: true, shape: [8] });
    expect(relu.values).toHaveLength(0);
    expect(withDerivedValues(result).layers).toEqual(inspectActivations(model, stroke()).layers);
  });

  it('inspects the model `id` names, not the active one', async () => {
    const other = fakeTrainedModel(7);
    const bytes = encodeModelFile({ spec: other.spec, metadata: { name: 'other' }, tensors: other.tensors });
    const { model } = await call('models:import', { bytes, fileName: 'other.tgk' });
    const [mine, active] = await Promise.all([
      call('inspect:activations', { id: model!.id, pixels: stroke() }),
      call('inspect:activations', { pixels: stroke() }),
    ]);
    expect(mine.modelId).toBe(model!.id);
    expect(active.modelId).toBe('default');
    expect(Array.from(mine.layers[0].values)).not.toEqual(Array.from(active.layers[0].values));
  });

  it('refuses pixels that are not 784 numbers in 0..1, and a model that does not exist', async () => {
    const wrongCount = await env.backend.handle('inspect:activations', { pixels: new Float32Array(783) });
    expect(wrongCount).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    expect(!wrongCount.ok && wrongCount.error.message).toContain('784 pixels');
    const tooBright = await env.backend.handle('inspect:activations', { pixels: Array.from({ length: 784 }, () => 2) });
    expect(!tooBright.ok && tooBright.error.message).toContain('0..1');
    expect(await env.backend.handle('inspect:activations', { id: 'no-such-model', pixels: stroke() })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
  });
});

describe('inspect:parameters', () => {
  it("gives the first dense layer's weights as [784, units] (a 28x28 template per unit) and its biases", async () => {
    const result = await call('inspect:parameters', { layer: 0 });
    const { model } = await loadModel(join(env.resources, 'default-model.tgk'));
    expect(result).toMatchObject({ modelId: 'default', index: 0, kind: 'dense', inputShape: [784] });
    expect(result.tensors.map((t) => [t.name, t.shape])).toEqual([
      ['weights', [784, 8]],
      ['bias', [8]],
    ]);
    expect(Array.from(result.tensors[0].values)).toEqual(Array.from(model.layers[0].params()[0].value));
    expect((await call('inspect:parameters', { layer: 1 })).tensors).toEqual([]);
  });

  it('refuses a layer the model does not have, naming the ones it has', async () => {
    const missing = await env.backend.handle('inspect:parameters', { layer: 3 });
    expect(missing).toMatchObject({
      ok: false,
      error: { code: 'invalid-payload', message: 'there is no layer 3: this model has layers 0 to 2' },
    });
    for (const layer of [-1, 64, 0.5, '1'])
      expect(await env.backend.handle('inspect:parameters', { layer })).toMatchObject({
        ok: false,
        error: { code: 'invalid-payload' },
      });
  });
});
