import { closeSync, openSync, writeSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { EngineHost } from '../../../src/backend/engine/engine-host';
import type { Backend } from '../../../src/backend/services/backend';
import { createBackend } from '../../../src/backend/services/backend';
import type { TrainedModel } from '../../../src/engine-process/protocol';
import { mountTinyDisk, tinyDiskSkipReason } from '../../fixtures/tiny-disk';
import { callBackend, fakeTrainedModel, nextBackendEvent, recordBackendEvents, removeDirs, resourcesWithDefaultModel, smallHyperparameters, tempDir } from '../fixtures';

/** An engine whose jobs end when the test says so, with the model the test gives. */
function fakeEngine(): { host: EngineHost; finish: (trained: TrainedModel) => void } {
  let finish: (trained: TrainedModel) => void = () => undefined;
  let jobs = 0;
  const host = {
    train: () => ({ jobId: `job-${++jobs}`, result: new Promise<TrainedModel>((resolve) => (finish = resolve)) }),
    cancel: () => false,
    dispose: async () => undefined,
  };
  return { host: host as unknown as EngineHost, finish: (trained) => finish(trained) };
}

const dirs: string[] = [];
const backends: Backend[] = [];
afterEach(async () => {
  await Promise.all(backends.splice(0).map((b) => b.dispose()));
  await removeDirs(dirs);
});

async function open(userDataDir: string, saveBoundMs?: number) {
  const resources = await resourcesWithDefaultModel();
  dirs.push(resources);
  const engine = fakeEngine();
  const backend = createBackend({ userDataDir, resourcesDir: resources, engineHost: engine.host, log: () => undefined, saveBoundMs });
  backends.push(backend);
  await backend.ready;
  return { backend, engine, recorded: recordBackendEvents(backend) };
}

describe('quitting waits for a save in flight', () => {
  it('dispose() resolves only once the model being written is on disk and listed', async () => {
    const userData = await tempDir('quit');
    dirs.push(userData);
    const { backend, engine } = await open(userData);
    const addTrained = backend.models.addTrained.bind(backend.models);
    let saving!: () => void;
    const started = new Promise<void>((resolve) => (saving = resolve));
    backend.models.addTrained = async (...args) => {
      saving();
      await new Promise((resolve) => setTimeout(resolve, 300));
      return addTrained(...args);
    };
    await callBackend(backend, 'training:start', { hyperparameters: smallHyperparameters(), name: 'Saved at quit' });
    engine.finish(fakeTrainedModel());
    await started;
    await backend.dispose();
    expect(await readdir(join(userData, 'models'))).toHaveLength(1);
    expect((await backend.models.list()).map((m) => m.name)).toContain('Saved at quit');
  });

  it('but not for ever: a save that never ends is given up after the bound', async () => {
    const userData = await tempDir('quit-bound');
    dirs.push(userData);
    const { backend, engine } = await open(userData, 200);
    backend.models.addTrained = () => new Promise(() => undefined);
    await callBackend(backend, 'training:start', { hyperparameters: smallHyperparameters() });
    engine.finish(fakeTrainedModel());
    await new Promise((resolve) => setTimeout(resolve, 10));
    const startedAt = Date.now();
    await backend.dispose();
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(190);
    expect(Date.now() - startedAt).toBeLessThan(2_000);
  });
});

const disk = mountTinyDisk();
if (!disk) console.warn(`[save-again] ${tinyDiskSkipReason}`);
afterAll(() => disk?.unmount());

/** Fills what is left of the tiny disk; returns the filler's path. */
function fillDisk(folder: string): string {
  const path = join(folder, 'filler');
  const fd = openSync(path, 'w');
  try {
    const chunk = Buffer.alloc(1024, 1);
    for (;;) writeSync(fd, chunk);
  } catch {
    // ENOSPC: full.
  } finally {
    closeSync(fd);
  }
  return path;
}

describe.skipIf(!disk)(`a save onto a full disk keeps the trained model${disk ? '' : ` (${tinyDiskSkipReason})`}`, () => {
  it("fails with 'save-failed', lists nothing, and 'Save again' writes the same model once there is room", async () => {
    const userData = join(disk!.dir, 'user-data');
    const { backend, engine, recorded } = await open(userData);
    const filler = fillDisk(disk!.dir);

    const { jobId } = await callBackend(backend, 'training:start', { hyperparameters: smallHyperparameters(), name: 'Worth keeping' });
    const failed = nextBackendEvent(backend, 'training:error');
    engine.finish(fakeTrainedModel(7));
    const { error } = await failed;
    expect(error.code).toBe('save-failed');
    expect(error.message).toMatch(/the disk is full.*Save again/);
    expect((await backend.models.list()).map((m) => m.name)).toEqual(['Built-in model']);
    // Still no room: it fails again and is still kept.
    expect(await backend.handle('training:saveAgain', { jobId })).toMatchObject({ ok: false, error: { code: 'save-failed' } });

    await rm(filler);
    const done = await callBackend(backend, 'training:saveAgain', { jobId });
    expect(done).toMatchObject({ jobId, model: { name: 'Worth keeping', source: 'trained' }, testAccuracy: 0.9 });
    expect((await backend.models.read(done.model.id)).tensors).toEqual(fakeTrainedModel(7).tensors);
    // Saved once: it is no longer kept.
    expect(await backend.handle('training:saveAgain', { jobId })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(recorded.invalid).toEqual([]);
  });
});
