import { describe, expect, it } from 'vitest';
import { JoinedDataset, oversampledParts } from '../../../src/engine/data/dataset';
import { personalDataset, splitPersonal } from '../../../src/digits/personal/samples';
import { strokesToInput } from '../../../src/digits/preprocess/strokes';
import type { StrokeSample } from '../../../src/digits/preprocess/strokes-file';
import { Random } from '../../../src/engine/random';
import { train } from '../../../src/engine/training/trainer';
import { parseHyperparameters } from '../../../src/shared/hyperparameters';
import { syntheticDigits } from '../../engine/training/synthetic';

const one: StrokeSample = {
  id: 'one',
  label: 1,
  strokes: [
    [
      [50, 10],
      [52, 120],
    ],
  ],
};
const seven: StrokeSample = {
  id: 'seven',
  label: 7,
  strokes: [
    [
      [10, 10],
      [90, 10],
      [40, 120],
    ],
  ],
};

describe('personal samples', () => {
  it('become MNIST-shaped uint8 images through the canvas preprocessing', () => {
    const d = personalDataset([one, seven]);
    expect(d).toMatchObject({ count: 2, rows: 28, cols: 28 });
    expect(Array.from(d.labels)).toEqual([1, 7]);
    const expected = strokesToInput(one.strokes);
    for (let p = 0; p < 784; p++) expect(d.images[p]).toBe(Math.round(expected[p] * 255));
  });

  it('refuse samples without a label', () => {
    expect(() => personalDataset([{ id: 'x', strokes: one.strokes }])).toThrow(/needs a "label".*x/);
  });

  it('split by digit: every digit with two or more drawings appears on both sides', () => {
    const samples = Array.from({ length: 20 }, (_, i) => ({ ...(i % 2 ? one : seven), id: `s${i}` }));
    const { train: kept, test } = splitPersonal(personalDataset(samples), 0.3, new Random(1));
    expect(kept.count + test.count).toBe(20);
    expect(test.count).toBe(6);
    expect(new Set(test.labels)).toEqual(new Set([1, 7]));
  });

  it('oversampling repeats the personal images after the MNIST ones', () => {
    // Five 28x28 images labelled 7 stand for MNIST's.
    const mnist = personalDataset(Array.from({ length: 5 }, (_, i) => ({ ...seven, id: `m${i}` })));
    const mine = personalDataset([one]);
    const both = new JoinedDataset(oversampledParts(mnist, mine, 3));
    expect(both.count).toBe(8);
    expect(both.head(8).labels.subarray(0, 5)).toEqual(mnist.labels);
    expect(Array.from(both.head(8).labels.subarray(5))).toEqual([1, 1, 1]);
  });

  it('training reports accuracy on the held-out personal test set beside the test set', async () => {
    // Personal "digits" here are synthetic images relabelled: class k drawn as class (k+1) % 10.
    // Only training on them (oversampled) can make the model answer as the person labels.
    const personalAll = syntheticDigits(200, 9);
    personalAll.labels.forEach((l, i) => (personalAll.labels[i] = (l + 1) % 10));
    const { train: personalTrain, test: personalTest } = splitPersonal(personalAll, 0.25, new Random(2));
    const h = parseHyperparameters({
      hiddenLayers: [{ units: 16, activation: 'relu' }],
      init: 'he',
      loss: 'softmax-cross-entropy',
      optimizer: 'adam',
      learningRate: 0.01,
      batchSize: 32,
      epochs: 4,
      sampling: 'shuffle',
      weightDecay: 0,
      l1: 0,
      dropout: 0,
      seed: 3,
      trainSize: 100,
    });
    const data = { train: syntheticDigits(100, 1), test: syntheticDigits(100, 2) };
    const result = await train(h, data, { personal: { train: personalTrain, test: personalTest, weight: 5 } });
    expect(result.personalTest?.count).toBe(personalTest.count);
    expect(result.personalTest!.accuracy).toBeGreaterThan(0.8);
    expect(result.history.at(-1)!.personalTestAccuracy).toBe(result.personalTest!.accuracy);
    const without = await train(h, data);
    expect(without.personalTest).toBeUndefined();
  });
});
