import { describe, expect, it } from 'vitest';
import { preset } from '../../../src/shared/presets';
import { smallHyperparameters, useRealBackend } from '../fixtures';

// 'step:start' and 'step:next' as the app calls them: backend.handle, a real engine child
// process and MNIST's training images.

const env = useRealBackend({ ready: true });
const { call } = env;

describe('step mode over the engine process', () => {
  it("trains the notes' 784-100-10 one MNIST batch a step, each step's record checked by its schema", async () => {
    expect(await env.backend.handle('step:next', undefined)).toMatchObject({ ok: false, error: { code: 'not-found' } });
    const session = await call('step:start', { hyperparameters: { ...preset('seed-classic'), validationSize: 0 } });
    expect(session).toMatchObject({
      architecture: '784-100-10 sigmoid',
      parameters: 79_510,
      batchSize: 50,
      optimizer: 'sgd',
    });
    const first = await call('step:next', undefined);
    const second = await call('step:next', undefined);
    expect([first.step, second.step]).toEqual([1, 2]);
    expect(first.batch).toMatchObject({ size: 50, shown: 32 });
    expect(first.batch.images).toHaveLength(32 * 784);
    expect(first.layers.map((l) => [l.inputs, l.units, l.activation])).toEqual([
      [784, 100, 'sigmoid'],
      [100, 10, undefined],
    ]);
    expect(first.firstLayerGradient.values).toHaveLength(8 * 784);
    expect(first.loss).toBeGreaterThan(0);
  });

  it('refuses a conv net and a network over the limit with the reason, and a new start begins again at step 1', async () => {
    const conv = await env.backend.handle('step:start', { hyperparameters: preset('cnn') });
    expect(conv).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    expect(!conv.ok && conv.error.message).toContain('fully connected networks only');
    const wide = await env.backend.handle('step:start', {
      hyperparameters: smallHyperparameters({ hiddenLayers: [{ units: 512, activation: 'relu' }] }),
    });
    expect(!wide.ok && wide.error.message).toBe(
      'step mode takes networks of up to 300,000 parameters; this one has 407,050',
    );
    await call('step:start', { hyperparameters: smallHyperparameters() });
    await call('step:next', undefined);
    await call('step:start', { hyperparameters: smallHyperparameters() });
    expect((await call('step:next', undefined)).step).toBe(1);
  });
});
