import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel, saveModel } from '../../../src/digits/io/saved-model';
import { Sequential } from '../../../src/engine/model/sequential';
import { matrix } from '../../../src/engine/tensor';
import { temperedSoftmax } from '../../../src/engine/training/temperature-scaling';
import { fakeTrainedModel, smallHyperparameters, useRealBackend } from '../fixtures';

// The app's services with a calibrated built-in model (T = 2.5): every probability the
// page gets is softmax(z / T), and the report's evaluation says what T did.

const TEMPERATURE = 2.5;
const calibration = { temperature: TEMPERATURE, validationCount: 5000, eceBefore: 0.04, eceAfter: 0.01 };
const trained = fakeTrainedModel(7);
const network = Sequential.fromWeights(trained.spec, trained.tensors);
const pixels = Float32Array.from({ length: 784 }, (_, i) => ((i * 37) % 11) / 10);
const rawLogits = (): number[] => {
  const input = matrix(1, 784);
  input.data.set(pixels);
  return Array.from(network.forward(input, false).data);
};

const env = useRealBackend({
  resources: (dir) =>
    saveModel(join(dir, 'default-model.tgk'), network, {
      name: 'calibrated default',
      createdAt: '2024-01-01T00:00:00.000Z',
      metrics: { testAccuracy: 0.5, testLoss: 1 },
      calibration,
    }),
});
const { call, next } = env;

describe('a calibrated model in the app', () => {
  it('predicts and explains with its temperature: softmax(z / T), the same top digit as softmax(z)', async () => {
    const expected = temperedSoftmax(rawLogits(), 10, TEMPERATURE);
    const raw = temperedSoftmax(rawLogits(), 10, 1);
    const { probabilities } = await call('predict', { pixels });
    probabilities.forEach((p, k) => expect(p).toBeCloseTo(expected[k], 6));
    const top = (p: ArrayLike<number>) => Array.from(p).indexOf(Math.max(...Array.from(p)));
    expect(top(probabilities)).toBe(top(raw));
    expect(Math.max(...probabilities)).toBeLessThan(Math.max(...raw));
    const explained = await call('explain', { pixels });
    explained.probabilities.forEach((p, k) => expect(p).toBeCloseTo(expected[k], 6));
  });

  it("reports the calibration: the file's in the details, ECE and reliability bins before and after in the evaluation", async () => {
    const details = await call('models:details', { id: 'default' });
    expect(details.calibration).toEqual(calibration);
    const evaluation = await call('evaluate', { id: 'default', testSize: 200 });
    expect(evaluation.calibration).toMatchObject({ temperature: TEMPERATURE, count: 200 });
    const { reliabilityBefore, reliabilityAfter } = evaluation.calibration;
    expect(reliabilityBefore).toHaveLength(15);
    expect(reliabilityAfter.reduce((n, bin) => n + bin.count, 0)).toBe(200);
    // Softer probabilities: the mean top probability falls, the predictions do not change.
    const meanConfidence = (bins: typeof reliabilityAfter) =>
      bins.reduce((s, b) => s + b.confidence * b.count, 0) / 200;
    expect(meanConfidence(reliabilityAfter)).toBeLessThan(meanConfidence(reliabilityBefore));
    const correct = (bins: typeof reliabilityAfter) => Math.round(bins.reduce((s, b) => s + b.accuracy * b.count, 0));
    expect(correct(reliabilityAfter)).toBe(correct(reliabilityBefore));
    // The per-image probabilities the gallery sorts by are the calibrated ones.
    const first = Array.from(evaluation.probabilities.subarray(0, 10));
    expect(first.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  });

  it('a model trained in the app gets its temperature, fitted on its validation set, in its file and in its predictions', async () => {
    const done = next('training:done');
    await call('training:start', { hyperparameters: smallHyperparameters(), name: 'Warm', testSize: 200 });
    const { model: summary } = await done;
    const details = await call('models:details', { id: summary.id });
    expect(details.calibration?.validationCount).toBe(5000);
    const temperature = details.calibration!.temperature;
    expect(temperature).toBeGreaterThan(0);
    expect(temperature).not.toBe(1);
    await call('models:setActive', { id: summary.id });
    const files = (await readdir(join(env.userData, 'models'))).filter((f) => f.endsWith('.tgk'));
    expect(files).toHaveLength(1);
    const { model } = await loadModel(join(env.userData, 'models', files[0]));
    expect(model.temperature).toBe(temperature);
    const input = matrix(1, 784);
    input.data.set(pixels);
    const expected = temperedSoftmax(Array.from(model.forward(input, false).data), 10, temperature);
    (await call('predict', { pixels })).probabilities.forEach((p, k) => expect(p).toBeCloseTo(expected[k], 6));
  }, 120_000);
});
