import { writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EngineHost } from '../../../src/backend/engine/engine-host';
import { engineSourceEntry, nodeSpawn } from '../../../src/backend/engine/node-spawn';
import type { Backend } from '../../../src/backend/services/backend';
import { createBackend } from '../../../src/backend/services/backend';
import { invokeContract } from '../../../src/shared/ipc/contract';
import { fakeTrainedModel, removeDirs, resourcesWithDefaultModel, tempDir } from '../fixtures';

// models:details reads the model file itself: the list's summaries leave the history out.

const dirs: string[] = [];
let backend: Backend;

beforeEach(async () => {
  const userData = await tempDir('details');
  const resources = await resourcesWithDefaultModel();
  dirs.push(userData, resources);
  const engineHost = new EngineHost({ spawn: nodeSpawn, entryPath: engineSourceEntry, log: () => undefined });
  backend = createBackend({ userDataDir: userData, resourcesDir: resources, engineHost, log: () => undefined });
});

afterEach(async () => {
  await backend.dispose();
  await removeDirs(dirs);
});

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
    const model = await backend.models.addTrained(trained, 'with history');
    const result = await backend.handle('models:details', { id: model.id });
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
    const result = await backend.handle('models:details', { id: 'default' });
    expect(result).toMatchObject({ ok: true, value: { id: 'default', history: [], lossCurve: [] } });
  });

  it('answers an unknown id with not-found and an unreadable file with invalid-model', async () => {
    expect(await backend.handle('models:details', { id: 'no-such-model' })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
    const model = await backend.models.addTrained(fakeTrainedModel(4), 'soon broken');
    await writeFile(backend.models.pathOf(model.id), 'not a model');
    expect(await backend.handle('models:details', { id: model.id })).toMatchObject({
      ok: false,
      error: { code: 'invalid-model' },
    });
  });
});
