import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { quirkyDrawings } from '../fixtures/quirky-drawings';
import type { ModelTensor } from '../../src/digits/io/model-file';
import { loadModelFile } from '../../src/digits/io/model-file';
import { frozenLayerCount } from '../../src/digits/personal/frozen-features';
import { readFeatureFile } from '../../src/digits/io/feature-file';
import { loadFineTuneBase } from '../../src/digits/personal/replay-features';

const run = promisify(execFile);
const bin = join(import.meta.dirname, '../../bin/tegaki.mjs');
const defaultModel = join(import.meta.dirname, '../../resources/default-model.tgk');

async function tegakiJson<T>(...args: string[]): Promise<T> {
  const { stdout } = await run(process.execPath, [bin, ...args, '--json'], { maxBuffer: 64 * 2 ** 20 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as T;
}

type Prediction = { id: string; label: number; probabilities: number[]; attribution?: number[] };

describe("learning a person's handwriting from the command line (real processes)", () => {
  let dir: string;
  let personalFile: string;
  let freshFile: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tegaki-personal-'));
    personalFile = join(dir, 'personal.json');
    freshFile = join(dir, 'fresh.json');
    await writeFile(personalFile, JSON.stringify(quirkyDrawings(24, 1)));
    // Drawings the fine-tuning never sees, in the same hand, from templates it was never shown.
    await writeFile(freshFile, JSON.stringify(quirkyDrawings(12, 2, 'held-out')));
  });

  it('finetune: the corrected drawings are then read as labelled, and MNIST accuracy drops by at most 0.5 points', async () => {
    const fresh = quirkyDrawings(12, 2, 'held-out');
    const before = await tegakiJson<Prediction[]>('predict', defaultModel, freshFile);
    const wrongBefore = before.filter((p, i) => p.label !== fresh[i].label).length;
    expect(wrongBefore).toBeGreaterThanOrEqual(9);

    const tuned = join(dir, 'tuned.tgk');
    const featureCache = join(dir, 'features.tgkf');
    const done = await tegakiJson<{
      type: string;
      personalTestAccuracy: number;
      personalTestCount: number;
      calibration: unknown;
    }>('finetune', defaultModel, '--personal', personalFile, '--out', tuned, '--test-size', '3000', '--feature-cache', featureCache);
    expect(done.type).toBe('done');
    expect(done.personalTestCount).toBe(6);
    expect(done.personalTestAccuracy).toBeGreaterThanOrEqual(5 / 6);
    // Fine-tuning holds out no validation set: the new weights get no temperature (the old one no longer fits them).
    expect(done.calibration).toBeNull();
    // By default the conv blocks stay frozen: the file says so, and their weights are the base model's bit for bit.
    const [base, tunedFile] = await Promise.all([loadModelFile(defaultModel), loadModelFile(tuned)]);
    expect(tunedFile.metadata.fineTuning).toBe('head');
    const frozen = frozenLayerCount(base.spec)!;
    const frozenOf = (tensors: ModelTensor[]) =>
      tensors.filter((t) => Number(/^layer(\d+)\./.exec(t.name)![1]) < frozen).map((t) => [t.name, Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).toString('hex')]);
    expect(frozenOf(tunedFile.tensors)).toEqual(frozenOf(base.tensors));
    expect(frozenOf(base.tensors).length).toBeGreaterThan(0);
    // --feature-cache kept the base model's features for the next run, under its digest.
    const kept = await readFeatureFile(featureCache);
    expect(kept.modelDigest).toBe((await loadFineTuneBase(defaultModel)).digest);
    expect([kept.features.mnist.count, kept.features.test.count]).toEqual([10_000, 3000]);

    const after = await tegakiJson<Prediction[]>('predict', tuned, freshFile);
    const rightAfter = after.filter((p, i) => p.label === fresh[i].label).length;
    expect(rightAfter).toBeGreaterThanOrEqual(11);

    type Evaluation = { testAccuracy: number };
    const baseline = await tegakiJson<Evaluation>('evaluate', defaultModel, '--test-size', '3000');
    const tunedAccuracy = await tegakiJson<Evaluation>('evaluate', tuned, '--test-size', '3000');
    expect(baseline.testAccuracy - tunedAccuracy.testAccuracy).toBeLessThanOrEqual(0.005);
  }, 300_000);

  it("train --personal reports the personal test accuracy beside MNIST's", async () => {
    const done = await tegakiJson<{ testAccuracy: number; personalTestAccuracy: number }>(
      'train',
      '--preset',
      'quick',
      '--train-size',
      '3000',
      '--epochs',
      '1',
      '--test-size',
      '500',
      '--personal',
      personalFile,
      '--personal-test-split',
      '0.5',
      '--out',
      join(dir, 'p.tgk'),
    );
    expect(done.testAccuracy).toBeGreaterThan(0.7);
    expect(done.personalTestAccuracy).toBeGreaterThanOrEqual(0);
    expect(done.personalTestAccuracy).toBeLessThanOrEqual(1);
  }, 120_000);

  it('explain returns a 784-pixel attribution that is zero on blank pixels', async () => {
    const [e] = await tegakiJson<Prediction[]>('explain', defaultModel, personalFile);
    expect(e.attribution).toHaveLength(784);
    expect(e.attribution![0]).toBe(0);
    expect(e.attribution!.some((v) => v > 0)).toBe(true);
    const { stdout } = await run(process.execPath, [bin, 'explain', defaultModel, freshFile]);
    expect(stdout).toMatch(/quirk-0: \d \(\d+\.\d%\)/);
    expect(stdout.split('\n').filter((l) => /^ {2}[·+#=-]{28}$/.test(l)).length).toBeGreaterThanOrEqual(28);
  });
});
