import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { invokeContract } from '../../../src/shared/ipc/contract';
import { fakeTrainedModel, useRealBackend } from '../fixtures';

// models:details reads the model file itself: the list's summaries leave the history out.

const env = useRealBackend();

const epoch = (n: number) => ({
  epoch: n,
  step: n * 10,
  trainLoss: 1 / n,
  trainAccuracy: 0.8 + n / 100,
  testLoss: 1.1 / n,
  testAccuracy: 0.79 + n / 100,
  elapsedSeconds: n,
});

describe('models:details', () => {
  it('gives a trained model its per-epoch history, hyperparameters and metrics', async () => {
    const lossCurve = [1, 2, 3].map((step) => ({ step, loss: 2.3 / step }));
    const trained = { ...fakeTrainedModel(3), history: [epoch(1), epoch(2)], lossCurve, samplesPerSecond: 1234 };
    const model = await env.backend.models.addTrained(trained, 'with history');
    const result = await env.backend.handle('models:details', { id: model.id });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(invokeContract['models:details'].response.safeParse(result.value).success).toBe(true);
    expect(result.value).toMatchObject({
      id: model.id,
      history: [epoch(1), epoch(2)],
      lossCurve,
      hyperparameters: trained.hyperparameters,
      metrics: { testAccuracy: 0.9, testLoss: 0.3, samplesPerSecond: 1234 },
    });
  });

  it('gives an empty history for a model file that kept none (the test default has none)', async () => {
    const result = await env.backend.handle('models:details', { id: 'default' });
    expect(result).toMatchObject({ ok: true, value: { id: 'default', history: [], lossCurve: [] } });
  });

  it('answers an unknown id with not-found and an unreadable file with invalid-model', async () => {
    expect(await env.backend.handle('models:details', { id: 'no-such-model' })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
    const model = await env.backend.models.addTrained(fakeTrainedModel(4), 'soon broken');
    await writeFile(env.backend.models.pathOf(model.id), 'not a model');
    expect(await env.backend.handle('models:details', { id: model.id })).toMatchObject({
      ok: false,
      error: { code: 'invalid-model' },
    });
  });
});
