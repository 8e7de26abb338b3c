import { describe, expect, it } from 'vitest';
import { eventChannels, invokeChannels, parseRequest } from '../../../src/shared/ipc/contract';
import { createTegakiApi } from '../../../src/shared/ipc/api';
import type { Transport } from '../../../src/shared/ipc/api';
import { fromWire, toWire } from '../../../src/shared/ipc/wire';
import { preset } from '../../../src/shared/presets';

describe('the IPC contract', () => {
  it('names every channel the issue asks for', () => {
    expect(invokeChannels.sort()).toEqual(
      [
        'evaluate',
        'evaluate:cancel',
        'mnist:testImages',
        'models:active',
        'models:delete',
        'models:details',
        'models:export',
        'models:import',
        'models:list',
        'models:rename',
        'models:setActive',
        'predict',
        'explain',
        'inspect:activations',
        'inspect:parameters',
        'network:experiment',
        'network:restore',
        'network:save-experiment',
        'step:start',
        'step:next',
        'timeline:list',
        'timeline:evaluate',
        'timeline:delete',
        'personal:add',
        'personal:list',
        'personal:delete',
        'personal:export',
        'personal:import',
        'training:cancel',
        'training:start',
        'training:saveAgain',
        'notices:startup',
        'app:machine',
      ].sort(),
    );
    expect(eventChannels.sort()).toEqual(
      [
        'models:changed',
        'notice',
        'personal:changed',
        'training:done',
        'training:epoch',
        'training:error',
        'training:progress',
      ].sort(),
    );
  });

  it('accepts well-formed requests and passes the parsed value on', () => {
    expect(parseRequest('models:rename', { id: 'm-1', name: '  Mine ' })).toEqual({
      ok: true,
      value: { id: 'm-1', name: 'Mine' },
    });
    expect(parseRequest('models:list', undefined).ok).toBe(true);
    expect(parseRequest('predict', { pixels: new Float32Array(784) }).ok).toBe(true);
    expect(parseRequest('training:start', { hyperparameters: preset('quick') }).ok).toBe(true);
    // A model is exported as Tegaki's file unless ONNX is asked for.
    expect(parseRequest('models:export', { id: 'm-1' })).toEqual({ ok: true, value: { id: 'm-1', format: 'tegaki' } });
    expect(parseRequest('models:export', { id: 'm-1', format: 'onnx' })).toEqual({
      ok: true,
      value: { id: 'm-1', format: 'onnx' },
    });
  });

  it('refuses malformed requests with a typed error naming the field', () => {
    const badPixels = parseRequest('predict', { pixels: [1, 2, 3] });
    expect(badPixels).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    expect(!badPixels.ok && badPixels.error.message).toContain('784');

    const badRate = parseRequest('training:start', { hyperparameters: { ...preset('quick'), learningRate: -1 } });
    expect(badRate).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    expect(!badRate.ok && badRate.error.message).toContain('hyperparameters.learningRate');

    expect(parseRequest('models:rename', { id: '../../etc', name: 'x' }).ok).toBe(false);
    expect(parseRequest('models:delete', 'default').ok).toBe(false);
    expect(parseRequest('mnist:testImages', { indices: [10_000] }).ok).toBe(false);
    const badFormat = parseRequest('models:export', { id: 'm-1', format: 'pdf' });
    expect(!badFormat.ok && badFormat.error.message).toContain('format');
  });

  it('training:start takes threads from 1 to 64, whole numbers only, and refuses the rest naming the field', () => {
    const start = (threads: unknown) => parseRequest('training:start', { hyperparameters: preset('quick'), threads });
    expect(start(1)).toMatchObject({ ok: true, value: { threads: 1 } });
    expect(start(64)).toMatchObject({ ok: true, value: { threads: 64 } });
    expect(start(undefined)).toMatchObject({ ok: true, value: { threads: undefined } });
    for (const bad of [0, 65, 2.5, -1, '4', NaN]) {
      const refused = start(bad);
      expect(refused, String(bad)).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
      expect(!refused.ok && refused.error.message).toContain('threads');
    }
    // Threads travel beside the hyperparameters, never inside them.
    expect(parseRequest('training:start', { hyperparameters: { ...preset('quick'), threads: 2 } })).toMatchObject({
      ok: true,
      value: { hyperparameters: expect.not.objectContaining({ threads: 2 }) },
    });
  });
});

describe('the wire format of the browser bridge', () => {
  it('keeps typed arrays typed and turns non-finite numbers into null', () => {
    const value = {
      bytes: Uint8Array.of(0, 7, 255),
      floats: Float32Array.of(0.5, -1, 3e-8),
      loss: NaN,
      nested: [{ n: 1 }],
    };
    const back = fromWire(toWire(value)) as typeof value;
    expect(back.bytes).toBeInstanceOf(Uint8Array);
    expect(Array.from(back.bytes)).toEqual([0, 7, 255]);
    expect(back.floats).toBeInstanceOf(Float32Array);
    expect(Array.from(back.floats)).toEqual(Array.from(value.floats));
    expect(back.loss).toBeNull();
    expect(back.nested).toEqual([{ n: 1 }]);
  });

  it('encodes a subarray view, not its whole buffer', () => {
    const view = new Float32Array([1, 2, 3, 4]).subarray(1, 3);
    expect(Array.from(fromWire(toWire(view)) as Float32Array)).toEqual([2, 3]);
  });
});

describe('createTegakiApi', () => {
  it('maps each named function to its channel and request, and subscriptions to unsubscribes', async () => {
    const calls: [string, unknown][] = [];
    const subscribed: string[] = [];
    const transport: Transport = {
      invoke: async (channel, request) => {
        calls.push([channel, request]);
        return { ok: true, value: undefined as never };
      },
      subscribe: (channel) => {
        subscribed.push(channel);
        return () => subscribed.splice(subscribed.indexOf(channel), 1);
      },
    };
    const api = createTegakiApi(transport, 'web', '1.2.3');
    expect(api.version()).toBe('1.2.3');
    await api.models.rename('m-1', 'Mine');
    await api.training.cancel();
    await api.mnist.testImages([1, 2]);
    await api.models.export('m-1', 'onnx');
    await api.machine();
    expect(calls).toEqual([
      ['models:rename', { id: 'm-1', name: 'Mine' }],
      ['training:cancel', { jobId: undefined }],
      ['mnist:testImages', { indices: [1, 2] }],
      ['models:export', { id: 'm-1', format: 'onnx' }],
      ['app:machine', undefined],
    ]);
    const off = api.training.onProgress(() => undefined);
    expect(subscribed).toEqual(['training:progress']);
    off();
    expect(subscribed).toEqual([]);
  });
});
