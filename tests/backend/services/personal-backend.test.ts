import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { explainPrediction } from '../../../src/digits/explain/gradient-times-input';
import { readFeatureFile } from '../../../src/digits/io/feature-file';
import { modelDigest } from '../../../src/digits/io/model-file';
import { loadModel } from '../../../src/digits/io/saved-model';
import { PREPARE_FINE_TUNE_AT } from '../../../src/backend/services/fine-tune-preparer';
import { frozenLayerCount } from '../../../src/digits/personal/frozen-features';
import type { Stroke } from '../../../src/digits/preprocess/strokes';
import { strokesToInput } from '../../../src/digits/preprocess/strokes';
import { parseStrokesJson } from '../../../src/digits/preprocess/strokes-file';
import type { EventOf } from '../../../src/shared/ipc/contract';
import { shippedResources, smallHyperparameters, useRealBackend } from '../fixtures';
import { quirkyDrawings } from '../../fixtures/quirky-drawings';
import { cornerToCornerDrawing } from '../../digits/preprocess/hostile-inputs';

// The personal sample set, explanations and fine-tuning through the same services the
// UI calls (the Electron shell and the browser mode forward to backend.handle), against
// real temp folders and a real engine child process.

const env = useRealBackend({ manual: true });
const { call, next } = env;

const seven: Stroke[] = [
  [
    [10, 10],
    [90, 10],
    [40, 140],
  ],
];

const argmax = (values: readonly number[]): number => values.indexOf(Math.max(...values));

describe('the personal sample channels', () => {
  beforeEach(async () => {
    await env.start();
  });

  it('add, list and delete, with counts per digit and a personal:changed event each time', async () => {
    const changed = next('personal:changed');
    const { sample, counts } = await call('personal:add', { strokes: seven, label: 7 });
    expect(counts[7]).toBe(1);
    expect((await changed).counts).toEqual(counts);
    expect(Array.from(sample.input)).toEqual(Array.from(strokesToInput(seven), (v) => Math.round(v * 255)));

    await call('personal:add', { strokes: seven, label: 1 });
    const list = await call('personal:list', undefined);
    expect(list.counts).toEqual([0, 1, 0, 0, 0, 0, 0, 1, 0, 0]);
    expect(list.samples.map((s) => s.label)).toEqual([7, 1]);

    expect((await call('personal:delete', { id: sample.id })).counts).toEqual([0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(await env.backend.handle('personal:delete', { id: sample.id })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
  });

  it('refuses a 1,000 x 20,000-point drawing at once, naming the limit; the set is unchanged', async () => {
    const result = await env.backend.handle('personal:add', { strokes: cornerToCornerDrawing(), label: 1 });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    expect(!result.ok && result.error.message).toMatch(/a drawing has at most 10000 points; this one has 20000000/);
    expect((await call('personal:list', undefined)).samples).toEqual([]);
  });

  it('rasterises a drawing in the engine process, as strokesToInput does', async () => {
    const { sample } = await call('personal:add', { strokes: seven, label: 7 });
    expect(Array.from(sample.input)).toEqual(Array.from(strokesToInput(seven), (v) => Math.round(v * 255)));
    expect(env.engineHost.pid).toBeDefined();
  });

  it('validates payloads: a label outside 0..9, no strokes, bad points', async () => {
    for (const payload of [
      { strokes: seven, label: 10 },
      { strokes: [], label: 1 },
      { strokes: [[[1, 'x']]], label: 1 },
      { strokes: [[[1, Infinity]]], label: 1 },
      { label: 1 },
    ]) {
      expect(await env.backend.handle('personal:add', payload)).toMatchObject({
        ok: false,
        error: { code: 'invalid-payload' },
      });
    }
    expect((await call('personal:list', undefined)).samples).toEqual([]);
  });

  it('persists across a restart of the services', async () => {
    await call('personal:add', { strokes: seven, label: 4 });
    await env.restart();
    expect((await call('personal:list', undefined)).counts[4]).toBe(1);
  });

  it('browser mode: export returns the labelled strokes JSON; import takes it back and refuses a bad file whole', async () => {
    await call('personal:add', { strokes: seven, label: 7 });
    const exported = await call('personal:export', undefined);
    expect(exported.path).toBeNull();
    expect(exported.count).toBe(1);
    expect(parseStrokesJson(exported.json!)).toEqual([expect.objectContaining({ label: 7, strokes: seven })]);

    const bad = await env.backend.handle('personal:import', {
      fileName: 'bad.json',
      text: '[{"id":"x","strokes":[[[0,0]]]}]',
    });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    expect(!bad.ok && bad.error.message).toMatch(/bad\.json: every sample needs a "label"/);
    expect((await call('personal:list', undefined)).counts[7]).toBe(1);

    const other = exported.json!.replace(/"id":"[^"]+"/, '"id":"from-elsewhere"');
    expect(await call('personal:import', { fileName: 'mine.json', text: other })).toMatchObject({
      cancelled: false,
      added: 1,
      skipped: 0,
    });
    expect((await call('personal:list', undefined)).counts[7]).toBe(2);
  });
});

describe('personal export and import in the app (native dialogs)', () => {
  it('saves where the user chooses, and reads the file the user picks', async () => {
    let chosen: string | null = null;
    const asked: string[] = [];
    await env.start({
      dialogs: {
        chooseExportPath: async (name, kind) => (asked.push(`save ${name} ${kind}`), chosen),
        chooseImportPath: async (kind) => (asked.push(`open ${kind}`), chosen),
      },
    });
    await call('personal:add', { strokes: seven, label: 7 });
    expect(await call('personal:export', undefined)).toEqual({ path: null, count: 1 });

    chosen = join(env.userData, 'out', 'mine.json');
    expect(await call('personal:export', undefined)).toEqual({ path: chosen, count: 1 });
    const text = await readFile(chosen, 'utf8');
    expect(parseStrokesJson(text)[0]).toMatchObject({ label: 7 });
    expect(asked).toEqual(['save tegaki-samples.json samples', 'save tegaki-samples.json samples']);

    // The same file again adds nothing (same ids); cancelling the dialog changes nothing.
    expect(await call('personal:import', undefined)).toMatchObject({ cancelled: false, added: 0, skipped: 1 });
    chosen = null;
    expect(await call('personal:import', undefined)).toMatchObject({ cancelled: true, added: 0 });
  });
});

describe('the explain channel', () => {
  beforeEach(async () => {
    await env.start();
  });

  it('is gradient x input of the active model: the top class, zero on blank pixels', async () => {
    const pixels = strokesToInput(seven);
    const explained = await call('explain', { pixels });
    const { probabilities, modelId } = await call('predict', { pixels });
    expect(explained.modelId).toBe(modelId);
    expect(explained.label).toBe(argmax(probabilities));
    expect(explained.attribution).toHaveLength(784);

    const { model } = await loadModel(join(env.resources, 'default-model.tgk'));
    const expected = explainPrediction(model, pixels);
    expect(Array.from(explained.attribution)).toEqual(Array.from(expected.attribution));
    const creditedBlank = Array.from(pixels).filter((p, i) => p === 0 && explained.attribution[i] !== 0);
    expect(creditedBlank).toEqual([]);
    expect(explained.attribution.some((v) => v !== 0)).toBe(true);

    // Another class can be asked for, and gives another map.
    const other = await call('explain', { pixels, target: (explained.label + 1) % 10 });
    expect(other.label).toBe((explained.label + 1) % 10);
    expect(Array.from(other.attribution)).not.toEqual(Array.from(explained.attribution));
  });

  it('follows the active model', async () => {
    const pixels = strokesToInput(seven);
    const before = await call('explain', { pixels });
    await call('training:start', { hyperparameters: smallHyperparameters(), name: 'Other', testSize: 100 });
    const { model } = await next('training:done');
    await call('models:setActive', { id: model.id });
    const after = await call('explain', { pixels });
    expect(after.modelId).toBe(model.id);
    expect(Array.from(after.attribution)).not.toEqual(Array.from(before.attribution));
  });

  it('refuses a malformed image', async () => {
    expect(await env.backend.handle('explain', { pixels: [0.5] })).toMatchObject({
      ok: false,
      error: { code: 'invalid-payload' },
    });
    expect(await env.backend.handle('explain', { pixels: new Float32Array(784), target: 10 })).toMatchObject({
      ok: false,
    });
  });
});

describe('training with personal samples', () => {
  beforeEach(async () => {
    await env.start();
  });

  it('refuses to include personal samples, or fine-tune, when there are none', async () => {
    for (const extra of [{ personal: { mode: 'include' as const } }, { personal: { mode: 'fine-tune' as const } }]) {
      const result = await env.backend.handle('training:start', { hyperparameters: smallHyperparameters(), ...extra });
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
      expect(!result.ok && result.error.message).toMatch(/no personal samples/);
    }
  });

  it('includes them, holds out the personal test split, and reports its accuracy beside MNIST test accuracy', async () => {
    for (const { label, strokes } of quirkyDrawings(12, 3)) await call('personal:add', { strokes, label });
    const done = next('training:done');
    await call('training:start', {
      hyperparameters: smallHyperparameters(),
      personal: { mode: 'include', weight: 5, testSplit: 0.5 },
      testSize: 200,
    });
    const finished = await done;
    expect(finished.personalTestCount).toBe(6);
    // Scored on the 6 held-out drawings: a whole number of them right, and the same figure the last epoch reported.
    const right = finished.personalTestAccuracy! * 6;
    expect(right).toBeCloseTo(Math.round(right), 9);
    expect(finished.testAccuracy).toBeGreaterThan(0);
    const epochs = env.events
      .filter((e) => e.channel === 'training:epoch')
      .map((e) => e.payload as EventOf<'training:epoch'>);
    expect(epochs.at(-1)!.personalTestAccuracy).toBe(finished.personalTestAccuracy);
    // The model file keeps how the drawings took part and what they scored, for the report.
    const details = await call('models:details', { id: finished.model.id });
    expect(details.personal).toEqual({ mode: 'include', weight: 5, testSplit: 0.5 });
    expect(details.metrics).toMatchObject({
      personalTestAccuracy: finished.personalTestAccuracy,
      personalTestCount: 6,
    });
  });
});

describe('threads in an app fine-tune', () => {
  beforeEach(async () => {
    await env.start();
  });

  it("an MLP's fine-tune (every layer, through train()) runs on the request's threads, and its file records them", async () => {
    let done = next('training:done', { timeoutMs: 60_000 });
    await call('training:start', { hyperparameters: smallHyperparameters(), testSize: 100, threads: 1 });
    const base = (await done).model;
    expect((await env.backend.models.read(base.id)).metadata.threads).toBe(1);
    await call('models:setActive', { id: base.id });
    for (const { label, strokes } of quirkyDrawings(6, 1)) await call('personal:add', { strokes, label });

    done = next('training:done', { timeoutMs: 60_000 });
    await call('training:start', {
      hyperparameters: smallHyperparameters(),
      testSize: 100,
      personal: { mode: 'fine-tune' },
      fineTune: { epochs: 1, trainSize: 500 },
      threads: 2,
    });
    const tuned = await env.backend.models.read((await done).model.id);
    expect(tuned.metadata.fineTuning).toBe('full');
    expect(tuned.metadata.threads).toBe(2);
  }, 120_000);
});

describe('correcting drawings and fine-tuning the shipped model (the issue end to end, through the services)', () => {
  beforeEach(async () => {
    await env.start({ resources: 'shipped' });
  });

  it(`prepares the first fine-tune once ${PREPARE_FINE_TUNE_AT} drawings are corrected: the engine computes its frozen features before the click`, async () => {
    const jobs: Promise<{ prepared: boolean }>[] = [];
    const prepare = env.engineHost.prepareFineTune.bind(env.engineHost);
    env.engineHost.prepareFineTune = (fineTune) => {
      const job = prepare(fineTune);
      jobs.push(job.result);
      return job;
    };
    const drawings = quirkyDrawings(PREPARE_FINE_TUNE_AT + 1, 3);
    for (const { label, strokes } of drawings.slice(0, PREPARE_FINE_TUNE_AT - 1))
      await call('personal:add', { strokes, label });
    await call('personal:list', undefined);
    expect(jobs).toHaveLength(0);
    for (const { label, strokes } of drawings.slice(PREPARE_FINE_TUNE_AT - 1))
      await call('personal:add', { strokes, label });
    // The preparation starts once the 5th drawing is counted, off the request: wait for it, however slow the machine.
    await vi.waitFor(() => expect(jobs).toHaveLength(1), { timeout: 60_000 });
    expect(await jobs[0]).toEqual({ prepared: true });
    // Saved for the next process too, keyed by the shipped model's digest.
    const saved = await readFeatureFile(join(env.userData, 'fine-tune-features.tgkf'));
    expect(saved.modelDigest).toBe(modelDigest(await readFile(join(shippedResources, 'default-model.tgk'))));
    expect(saved.features.mnist.count).toBe(10_000);
    expect(jobs).toHaveLength(1);
  }, 200_000);

  it('corrected drawings are then classified as labelled, and MNIST test accuracy drops by at most 0.5 points', async () => {
    // Drawings the fine-tuning never sees, in the same hand, are mostly misread at first.
    const fresh = quirkyDrawings(12, 2, 'held-out');
    const predictAll = async (): Promise<number[]> =>
      Promise.all(
        fresh.map(async ({ strokes }) =>
          argmax((await call('predict', { pixels: strokesToInput(strokes) })).probabilities),
        ),
      );
    const wrongBefore = (await predictAll()).filter((p, i) => p !== fresh[i].label).length;
    expect(wrongBefore).toBeGreaterThanOrEqual(9);

    // The person corrects 24 drawings, as the Draw screen's buttons do.
    for (const { label, strokes } of quirkyDrawings(24, 1)) await call('personal:add', { strokes, label });
    expect((await call('personal:list', undefined)).counts).toEqual([0, 0, 0, 8, 8, 0, 0, 0, 8, 0]);

    const done = next('training:done', { timeoutMs: 200_000 });
    await call('training:start', {
      hyperparameters: smallHyperparameters(),
      personal: { mode: 'fine-tune' },
      fineTune: {},
    });
    const finished = await done;
    expect(finished.model.name).toBe('Built-in model (fine-tuned)');
    expect(finished.model.architecture).toBe((await call('models:active', undefined)).architecture);
    expect(finished.personalTestCount).toBe(6);
    expect(finished.personalTestAccuracy).toBeGreaterThanOrEqual(5 / 6);
    // 3 epochs on 10,000 MNIST images: the CLI's recipe.
    expect(finished.model.hyperparameters).toMatchObject({ epochs: 3, trainSize: 10_000 });
    // The conv blocks stayed frozen (the default for a conv model): the saved file says so, and keeps the shipped weights bit for bit.
    const [shipped, tunedFile] = await Promise.all([
      env.backend.models.read('default'),
      env.backend.models.read(finished.model.id),
    ]);
    expect(tunedFile.metadata.fineTuning).toBe('head');
    const frozenTensors = (content: typeof shipped) =>
      content.tensors
        .filter((t) => Number(/^layer(\d+)\./.exec(t.name)![1]) < frozenLayerCount(shipped.spec)!)
        .map((t) => [t.name, Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).toString('hex')]);
    expect(frozenTensors(tunedFile)).toEqual(frozenTensors(shipped));

    const baseline = await call('evaluate', { id: 'default' });
    await call('models:setActive', { id: finished.model.id });
    const rightAfter = (await predictAll()).filter((p, i) => p === fresh[i].label).length;
    expect(rightAfter).toBeGreaterThanOrEqual(11);

    const tuned = await call('evaluate', { id: finished.model.id });
    expect(tuned.count).toBe(10_000);
    expect(baseline.accuracy - tuned.accuracy).toBeLessThanOrEqual(0.005);
  }, 240_000);
});
