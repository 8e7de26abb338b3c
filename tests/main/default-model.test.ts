import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMnist } from '../../src/digits/data/mnist';
import { decodeModelFile, modelDigest } from '../../src/digits/io/model-file';
import { loadModel } from '../../src/digits/io/saved-model';
import type { Dataset } from '../../src/engine/data/dataset';
import { describeArchitecture, modelSpecFor } from '../../src/engine/training/architecture';
import { evaluate } from '../../src/engine/training/evaluate';
import { validationSet } from '../../src/engine/training/trainer';
import { DEFAULT_MODEL_PRESET, preset } from '../../src/shared/presets';

const resources = resolve(import.meta.dirname, '..', '..', 'resources');
const modelPath = resolve(resources, 'default-model.tgk');
const percent = (x: number): string => `${(x * 100).toFixed(2)} %`;

describe('the shipped default model (npm run train:default)', () => {
  let mnist: { train: Dataset; test: Dataset };
  let report: string;
  beforeAll(async () => {
    mnist = await loadMnist();
    report = await readFile(resolve(resources, 'default-model-report.md'), 'utf8');
  });

  it('is the default-model preset, reads cleanly, and its committed report describes this very file', async () => {
    const bytes = new Uint8Array(await readFile(modelPath));
    const { spec, metadata } = decodeModelFile(bytes);
    expect(describeArchitecture(spec)).toBe(describeArchitecture(modelSpecFor(preset(DEFAULT_MODEL_PRESET))));
    expect(metadata.hyperparameters).toEqual(preset(DEFAULT_MODEL_PRESET));
    expect(report).toContain(modelDigest(bytes));
    expect(report).toContain(`the \`${DEFAULT_MODEL_PRESET}\` preset`);
    expect(report).toMatch(/precision +recall +f1-score +support/);
    expect(report).not.toMatch(/SMOKE RUN/);
  });

  // Measured here, on every image, rather than read from the file: the metadata and the
  // report are claims the file makes about itself.
  it("scores on MNIST's test set and on the validation set what its metadata and report claim", async () => {
    const { model, metadata } = await loadModel(modelPath);
    const h = metadata.hyperparameters!;
    const onTest = evaluate(model, mnist.test);
    expect(onTest.count).toBe(10_000);
    expect(onTest.accuracy).toBeGreaterThan(0.99);
    // Another machine's kernels may round a near-tie differently: at most two images apart.
    expect(Math.abs(onTest.accuracy - metadata.metrics!.testAccuracy) * onTest.count).toBeLessThanOrEqual(2);
    expect(report).toContain(`Test accuracy: ${percent(onTest.accuracy)}`);

    const held = validationSet(mnist.train, h.trainSize, h.validationSize ?? 0);
    expect(held?.count).toBe(5_000);
    const onValidation = evaluate(model, held!);
    expect(metadata.metrics!.validationCount).toBe(held!.count);
    expect(Math.abs(onValidation.accuracy - metadata.metrics!.validationAccuracy!) * onValidation.count).toBeLessThanOrEqual(2);
    expect(report).toContain(`Validation accuracy: ${percent(onValidation.accuracy)}`);
  }, 180_000);
});
