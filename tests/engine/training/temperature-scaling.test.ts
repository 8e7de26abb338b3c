import { describe, expect, it } from 'vitest';
import { explainPrediction } from '../../../src/digits/explain/gradient-times-input';
import { Sequential } from '../../../src/engine/model/sequential';
import { Random } from '../../../src/engine/random';
import { matrix } from '../../../src/engine/tensor';
import { evaluate } from '../../../src/engine/training/evaluate';
import { syntheticDigits } from './synthetic';
import {
  TEMPERATURE_RANGE,
  fitTemperature,
  measureCalibration,
  temperedNll,
  temperedSoftmax,
} from '../../../src/engine/training/temperature-scaling';

/**
 * Logits z ~ N(0, scale²) and labels drawn from softmax(z / trueTemperature): a model whose
 * logits are right once divided by trueTemperature, so fitting on z should recover it.
 */
function syntheticSet(n: number, classes: number, trueTemperature: number, seed: number) {
  const random = new Random(seed);
  const logits = new Float32Array(n * classes);
  for (let i = 0; i < logits.length; i++) logits[i] = 3 * random.gaussian();
  const p = temperedSoftmax(logits, classes, trueTemperature);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let u = random.next();
    let k = 0;
    while (k < classes - 1 && u >= p[i * classes + k]) u -= p[i * classes + k++];
    labels[i] = k;
  }
  return { logits, labels };
}

describe('temperature scaling', () => {
  it('recovers the temperature the labels were drawn with', () => {
    for (const trueTemperature of [0.5, 2.5]) {
      const { logits, labels } = syntheticSet(20_000, 10, trueTemperature, 7);
      expect(fitTemperature(logits, labels, 10)).toBeCloseTo(trueTemperature, 1);
    }
  });

  it('leaves T at 1 for a set that is already calibrated', () => {
    const { logits, labels } = syntheticSet(20_000, 10, 1, 11);
    expect(Math.abs(fitTemperature(logits, labels, 10) - 1)).toBeLessThan(0.05);
  });

  it('finds the minimum of NLL(T): no nearby temperature does better', () => {
    const { logits, labels } = syntheticSet(2_000, 10, 1.7, 3);
    const t = fitTemperature(logits, labels, 10);
    const best = temperedNll(logits, labels, 10, t);
    expect(temperedNll(logits, labels, 10, t * 1.01)).toBeGreaterThan(best);
    expect(temperedNll(logits, labels, 10, t / 1.01)).toBeGreaterThan(best);
  });

  it('computes NLL(T) as the mean cross-entropy of softmax(z / T)', () => {
    // Two samples, two classes, T = 2: −(log σ(1) + log σ(−0.5)) / 2 with z/T = [1, 0] and [0, 0.5].
    const nll = temperedNll([2, 0, 0, 1], [0, 0], 2, 2);
    const logSigmoid = (x: number) => -Math.log(1 + Math.exp(-x));
    expect(nll).toBeCloseTo(-(logSigmoid(1) + logSigmoid(-0.5)) / 2, 12);
  });

  it('stops at the edge of its range for a set it gets all right with margin, and fits T = 1 for none', () => {
    const logits = [10, 0, 0, 10];
    expect(fitTemperature(logits, [0, 1], 2)).toBeCloseTo(TEMPERATURE_RANGE.min, 4);
    expect(fitTemperature([], [], 10)).toBe(1);
  });

  it('never changes the predicted class, and lowers the ECE of an overconfident set', () => {
    const { logits, labels } = syntheticSet(10_000, 10, 2.5, 5);
    const t = fitTemperature(logits, labels, 10);
    const before = temperedSoftmax(logits, 10, 1);
    const after = temperedSoftmax(logits, 10, t);
    const argmax = (p: Float32Array, i: number) =>
      p.subarray(i * 10, i * 10 + 10).indexOf(Math.max(...p.subarray(i * 10, i * 10 + 10)));
    for (let i = 0; i < 10_000; i++) expect(argmax(after, i)).toBe(argmax(before, i));
    const measure = measureCalibration(logits, labels, 10, t);
    expect(measure.count).toBe(10_000);
    expect(measure.eceBefore).toBeGreaterThan(0.1);
    expect(measure.eceAfter).toBeLessThan(0.03);
  });
});

describe('a model with a temperature', () => {
  const spec = {
    inputSize: 36,
    layers: [
      { type: 'dense' as const, units: 8, init: { kind: 'he' as const } },
      { type: 'relu' as const },
      { type: 'dense' as const, units: 10, init: { kind: 'he' as const } },
    ],
    loss: 'softmax-cross-entropy' as const,
  };
  const data = syntheticDigits(50, 1);
  const pixels = Array.from(data.images.subarray(0, 36), (v) => v / 255);

  it('predicts softmax(logits / T) with the same argmax, in predict, evaluate and explain alike', () => {
    const plain = new Sequential(spec, { seed: 3 });
    const warm = Sequential.fromWeights(spec, plain.exportWeights(), { temperature: 2.5 });
    expect(warm.temperature).toBe(2.5);
    const input = matrix(1, 36);
    input.data.set(pixels);
    const logits = Array.from(plain.forward(input, false).data);
    const expected = temperedSoftmax(logits, 10, 2.5);
    const predicted = warm.predictOne(pixels);
    predicted.forEach((p, k) => expect(p).toBeCloseTo(expected[k], 6));
    expect(predicted.indexOf(Math.max(...predicted))).toBe(
      plain.predictOne(pixels).indexOf(Math.max(...plain.predictOne(pixels))),
    );
    expect(Math.max(...predicted)).toBeLessThan(Math.max(...plain.predictOne(pixels)));
    explainPrediction(warm, pixels).probabilities.forEach((p, k) => expect(p).toBeCloseTo(expected[k], 6));

    const onPlain = evaluate(plain, data, { keepProbabilities: true, keepLogits: true });
    const onWarm = evaluate(warm, data, { keepProbabilities: true, keepLogits: true });
    expect(Array.from(onWarm.predictions)).toEqual(Array.from(onPlain.predictions));
    // The raw logits are the network's, whatever the temperature; the loss and probabilities are the model's.
    expect(Array.from(onWarm.logits!)).toEqual(Array.from(onPlain.logits!));
    onWarm.probabilities!.subarray(0, 10).forEach((p, k) => expect(p).toBeCloseTo(expected[k], 6));
    expect(onWarm.loss).toBeCloseTo(temperedNll(onPlain.logits!, data.labels, 10, 2.5), 5);
  });

  it('is uncalibrated (T = 1) unless told otherwise', () => {
    expect(new Sequential(spec).temperature).toBe(1);
  });
});
