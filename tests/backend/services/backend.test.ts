import { readdir, readFile, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { paddedConvThenPoolFile } from '../../digits/io/hostile-model-files';
import { PERSONAL_SAMPLES_FILE } from '../../../src/backend/services/personal-samples';
import type { EventOf } from '../../../src/shared/ipc/contract';
import type { Hyperparameters } from '../../../src/shared/hyperparameters';
import { smallHyperparameters, useRealBackend } from '../fixtures';

// The services as the Electron shell and the browser mode use them, against real temp
// folders and a real engine child process.

const env = useRealBackend();
const { call, next } = env;

const longRun = (): Hyperparameters =>
  smallHyperparameters({
    hiddenLayers: [{ units: 512, activation: 'relu' }],
    // Every image before the quick preset's validation set.
    trainSize: 55_000,
    epochs: 5,
    batchSize: 16,
  });

describe('notices', () => {
  it('reach the page without absolute paths, naming the file instead (the log keeps the path)', async () => {
    await writeFile(join(env.userData, PERSONAL_SAMPLES_FILE), '{"version":1,"samples":[');
    await call('personal:list', undefined);
    const notices = env.events
      .filter((e) => e.channel === 'notice')
      .map((e) => (e.payload as EventOf<'notice'>).message);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/personal-samples\.json\.unreadable-/);
    expect(notices[0]).not.toContain(env.userData);
  });
});

describe('backend.handle', () => {
  it('answers an invalid payload or an unknown channel with a typed error, never a throw', async () => {
    const cases: [string, unknown][] = [
      ['predict', { pixels: 'not pixels' }],
      ['training:start', { hyperparameters: { learningRate: 'fast' } }],
      ['models:rename', { id: 'default' }],
      ['models:delete', null],
      ['models:import', { bytes: [1, 2, 3] }],
      ['evaluate', { id: 42 }],
      ['shell:exec', { command: 'rm -rf /' }],
      ['__proto__', {}],
    ];
    for (const [channel, payload] of cases) {
      const result = await env.backend.handle(channel, payload);
      expect(result.ok).toBe(false);
      expect(!result.ok && ['invalid-payload', 'unknown-channel']).toContain(!result.ok && result.error.code);
    }
    expect(await env.backend.handle('models:delete', { id: 'default' })).toMatchObject({
      ok: false,
      error: { code: 'read-only' },
    });
  });

  it('classifies with the default model from the first launch', async () => {
    const { modelId, probabilities } = await call('predict', { pixels: new Float32Array(784).fill(0.5) });
    expect(modelId).toBe('default');
    expect(probabilities.reduce((a, b) => a + b)).toBeCloseTo(1, 5);
    expect((await call('models:active', undefined)).id).toBe('default');
  });

  it('hands out MNIST test images by index', async () => {
    const { pixels, labels } = await call('mnist:testImages', { indices: [0, 1, 9_999] });
    expect(pixels).toHaveLength(3 * 784);
    expect(Array.from(labels.subarray(0, 2))).toEqual([7, 2]); // MNIST's first two test digits
  });
});

describe('training through the backend', () => {
  it('trains a small job end to end: progress events, a saved model, then predict and evaluate with it', async () => {
    const done = next('training:done');
    const { jobId } = await call('training:start', {
      hyperparameters: smallHyperparameters(),
      name: 'Tiny',
      testSize: 200,
    });
    const finished = await done;
    expect(finished.jobId).toBe(jobId);
    expect(finished.model).toMatchObject({ name: 'Tiny', source: 'trained' });

    const progress = env.events
      .filter((e) => e.channel === 'training:progress')
      .map((e) => e.payload as EventOf<'training:progress'>);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((p) => p.jobId === jobId)).toBe(true);
    const epochs = env.events
      .filter((e) => e.channel === 'training:epoch')
      .map((e) => e.payload as EventOf<'training:epoch'>);
    expect(epochs).toHaveLength(1);
    expect(env.events.some((e) => e.channel === 'models:changed')).toBe(true);

    const list = await call('models:list', undefined);
    expect(list.map((m) => m.id)).toContain(finished.model.id);
    await call('models:setActive', { id: finished.model.id });
    expect((await call('predict', { pixels: Array(784).fill(0) })).modelId).toBe(finished.model.id);

    const evaluation = await call('evaluate', { id: finished.model.id, testSize: 300 });
    expect(evaluation).toMatchObject({ modelId: finished.model.id, count: 300 });
    expect(evaluation.probabilities).toHaveLength(3000);
    expect(evaluation.predictions).toHaveLength(300);
    expect(evaluation.confusion.flat().reduce((a, b) => a + b)).toBe(300);
    expect(evaluation.report.classes.length).toBeGreaterThan(0);
  });

  it('trains on the threads the request names and records them in the model file; refuses a count out of range', async () => {
    const done = next('training:done');
    await call('training:start', { hyperparameters: smallHyperparameters({ batchSize: 20 }), testSize: 100, threads: 2 });
    const { model } = await done;
    expect((await env.backend.models.read(model.id)).metadata.threads).toBe(2);
    for (const threads of [0, 65, 1.5, '2']) {
      const refused = await env.backend.handle('training:start', { hyperparameters: smallHyperparameters(), threads });
      expect(refused, String(threads)).toMatchObject({ ok: false, error: { code: 'invalid-payload', message: expect.stringMatching(/threads/) } });
    }
  });

  it("'app:machine' tells the page the cores and the engine's default thread count, every core but one", async () => {
    const machine = await call('app:machine', undefined);
    expect(machine.cores).toBe(availableParallelism());
    expect(machine.defaultThreads).toBe(Math.max(1, availableParallelism() - 1));
    expect(machine.maxThreads).toBe(64);
  });

  it('refuses a second training request while one is running (refused, not queued)', async () => {
    const { jobId } = await call('training:start', { hyperparameters: longRun() });
    const second = await env.backend.handle('training:start', { hyperparameters: smallHyperparameters() });
    expect(second).toMatchObject({ ok: false, error: { code: 'busy' } });
    const ended = next('training:error');
    expect(await call('training:cancel', { jobId })).toEqual({ cancelled: true });
    expect((await ended).error.code).toBe('cancelled');
    // Once the first has ended, a new one is accepted.
    expect((await env.backend.handle('training:start', { hyperparameters: smallHyperparameters() })).ok).toBe(true);
    await next('training:done');
  });

  it('cancels in the middle of a run: an error event, nothing saved', async () => {
    const started = next('training:progress', { where: (p) => p.step > 0 });
    const { jobId } = await call('training:start', { hyperparameters: longRun() });
    await started;
    const ended = next('training:error');
    await call('training:cancel', undefined);
    expect(await ended).toMatchObject({ jobId, error: { code: 'cancelled' } });
    expect((await call('models:list', undefined)).map((m) => m.id)).toEqual(['default']);
  });

  it('recovers when the engine is killed mid-run: a clear error, saved models untouched, the next job succeeds', async () => {
    await call('training:start', { hyperparameters: smallHyperparameters(), name: 'Saved before' });
    const saved = (await next('training:done')).model;
    const savedBytes = await readFile(join(env.userData, 'models', `${saved.id}.tgk`));
    const indexBefore = await readFile(join(env.userData, 'tegaki-store.json'), 'utf8');

    const running = next('training:progress', { where: (p) => p.step > 0 });
    const { jobId } = await call('training:start', { hyperparameters: longRun() });
    await running;
    const ended = next('training:error');
    process.kill(env.engineHost.pid!, 'SIGKILL');
    const error = await ended;
    expect(error).toMatchObject({ jobId, error: { code: 'engine-crashed' } });
    expect(error.error.message).toMatch(/stopped unexpectedly.*nothing saved was touched/);

    expect(await readFile(join(env.userData, 'models', `${saved.id}.tgk`))).toEqual(savedBytes);
    expect(await readFile(join(env.userData, 'tegaki-store.json'), 'utf8')).toBe(indexBefore);
    expect(await readdir(join(env.userData, 'models'))).toEqual([`${saved.id}.tgk`]);

    await call('training:start', { hyperparameters: smallHyperparameters(), name: 'After the crash' });
    expect((await next('training:done')).model.name).toBe('After the crash');
  });
});

describe('models through the backend', () => {
  it('falls back to the default with a notice when the active model is corrupted', async () => {
    await call('training:start', { hyperparameters: smallHyperparameters(), name: 'Soon broken' });
    const model = (await next('training:done')).model;
    await call('models:setActive', { id: model.id });
    const path = join(env.userData, 'models', `${model.id}.tgk`);
    const bytes = await readFile(path);
    await writeFile(path, bytes.subarray(0, 1000));

    // A fresh backend, as after a restart: the first prediction finds the damage.
    await env.restart();
    const notice = next('notice');
    const prediction = await call('predict', { pixels: Array(784).fill(0) });
    expect(prediction.modelId).toBe('default');
    expect((await notice).message).toMatch(/"Soon broken" could not be read .*truncated.*default/);
    expect((await call('models:active', undefined)).id).toBe('default');
  });

  it('rejects a bad import with its reason and leaves the list unchanged', async () => {
    const before = await call('models:list', undefined);
    const result = await env.backend.handle('models:import', {
      fileName: 'junk.tgk',
      bytes: new TextEncoder().encode('junk'),
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-model' } });
    expect(!result.ok && result.error.message).toMatch(/junk\.tgk .*not a Tegaki model file/);
    expect(await call('models:list', undefined)).toEqual(before);
  });

  it('refuses a hostile import, tried in the engine process, with the limit it breaks; the list is unchanged', async () => {
    const before = await call('models:list', undefined);
    const result = await env.backend.handle('models:import', {
      fileName: 'padded.tgk',
      bytes: paddedConvThenPoolFile(),
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-model' } });
    expect(!result.ok && result.error.message).toMatch(/padded\.tgk .*pads by 20000 pixels with a 1x1 kernel/);
    expect(env.engineHost.pid).toBeDefined();
    expect(await call('models:list', undefined)).toEqual(before);
  });

  it('exports to the exports folder when no dialog is available, and imports those bytes back', async () => {
    const { path } = await call('models:export', { id: 'default' });
    expect(path).toBe(join(env.userData, 'exports', 'Built-in-model.tgk'));
    const { model } = await call('models:import', { fileName: 'copy.tgk', bytes: await readFile(path!) });
    expect(model).toMatchObject({ source: 'imported', name: 'test default' });
    await call('models:rename', { id: model!.id, name: 'Copy' });
    await call('models:delete', { id: model!.id });
    expect((await call('models:list', undefined)).map((m) => m.id)).toEqual(['default']);
  });
});
