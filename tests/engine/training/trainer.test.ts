import { describe, expect, it } from 'vitest';
import { TrainingCancelledError, TrainingDivergedError } from '../../../src/engine/training/errors';
import type { TrainingProgress } from '../../../src/shared/training-progress';
import { train, validationSet } from '../../../src/engine/training/trainer';
import { evaluate } from '../../../src/engine/training/evaluate';
import { fitTemperature, temperedNll } from '../../../src/engine/training/temperature-scaling';
import type { Dataset } from '../../../src/engine/data/dataset';
import { NO_CLASS_LABEL, sliceDataset } from '../../../src/engine/data/dataset';
import { syntheticDigits, syntheticHyperparameters } from './synthetic';

const data = { train: syntheticDigits(600, 1), test: syntheticDigits(200, 2) };

const hyper = syntheticHyperparameters;

describe('train', () => {
  it('learns: test accuracy rises far above chance and is recorded after every epoch', async () => {
    const result = await train(hyper(), data);
    expect(result.history.map((r) => r.epoch)).toEqual([1, 2, 3]);
    expect(result.history.at(-1)!.testAccuracy).toBeGreaterThan(0.9);
    expect(result.test.accuracy).toBe(result.history.at(-1)!.testAccuracy);
    expect(result.history[0].trainLoss).toBeGreaterThan(result.history.at(-1)!.trainLoss);
    const confusionTotal = result.test.confusion.flat().reduce((a, b) => a + b, 0);
    expect(confusionTotal).toBe(200);
    expect(result.samplesPerSecond).toBeGreaterThan(0);
  });

  it('is reproducible: the same seed gives bit-identical weights, another seed does not', async () => {
    const options = { dropout: 0.3, sampling: 'replacement' as const, iterations: 40, epochs: undefined };
    const a = await train(hyper(options), data);
    const b = await train(hyper(options), data);
    const c = await train(hyper({ ...options, seed: 8 }), data);
    const weights = (r: typeof a) => r.model.exportWeights().map((t) => Array.from(t.data));
    expect(weights(a)).toEqual(weights(b));
    expect(weights(a)).not.toEqual(weights(c));
  });

  it("runs the notes' scheme: N iterations of batches drawn with replacement, epochs counted in batches", async () => {
    // 600 images / 50 per batch = 12 steps per epoch; 30 iterations = 2.5 epochs, evaluated at 12, 24 and 30.
    const result = await train(
      hyper({ sampling: 'replacement', batchSize: 50, iterations: 30, epochs: undefined }),
      data,
    );
    expect(result.history.map((r) => r.step)).toEqual([12, 24, 30]);
  });

  it('reports progress with epoch, step, samples/s, loss and ETA, ending at the last step', async () => {
    const seen: TrainingProgress[] = [];
    await train(hyper(), data, { onProgress: (p) => seen.push(p), progressIntervalMs: 0 });
    const last = seen.at(-1)!;
    expect(last.step).toBe(last.totalSteps);
    expect(last.totalSteps).toBe(3 * Math.ceil(600 / 32));
    expect(last.epoch).toBe(3);
    expect(last.etaSeconds).toBe(0);
    expect(last.samplesPerSecond).toBeGreaterThan(0);
    expect(Number.isFinite(last.loss)).toBe(true);
    expect(last.testAccuracy).toBeGreaterThan(0.5);
    expect(seen.some((p) => p.phase === 'evaluating')).toBe(true);
    const steps = seen.map((p) => p.step);
    expect([...steps].sort((x, y) => x - y)).toEqual(steps);
  });

  it("throttles progress to one report per interval on its clock, and never drops an epoch's last step", async () => {
    // A fake clock that advances 10 ms each time the trainer reads it: the count of
    // reports depends on the steps taken, never on how fast this machine is.
    let ms = 0;
    const now = (): number => (ms += 10);
    const seen: { at: number; p: TrainingProgress }[] = [];
    const h = hyper();
    const result = await train(h, data, { now, progressIntervalMs: 50, onProgress: (p) => seen.push({ at: ms, p }) });
    const stepsPerEpoch = Math.ceil(600 / 32);
    const epochEnds = seen.filter(({ p }) => p.step % stepsPerEpoch === 0 || p.step === p.totalSteps);
    // Each epoch's last step is reported before its evaluation and after it, with the new accuracies.
    for (let epoch = 1; epoch <= 3; epoch++) {
      const atEnd = epochEnds.filter(({ p }) => p.step === Math.min(epoch * stepsPerEpoch, p.totalSteps));
      expect(atEnd.map(({ p }) => p.phase)).toEqual(['evaluating', 'training']);
      expect(atEnd[1].p.testAccuracy).toBe(result.history[epoch - 1].testAccuracy);
    }
    // Every other report comes at least one interval after the one before it.
    for (let i = 1; i < seen.length; i++) {
      if (epochEnds.includes(seen[i])) continue;
      expect(seen[i].at - seen[i - 1].at).toBeGreaterThanOrEqual(50);
    }
    const between = seen.length - epochEnds.length;
    expect(between).toBeGreaterThan(3);
    expect(between).toBeLessThan(3 * stepsPerEpoch);
    // The loss in each report is that step's raw batch loss, as the curve in the file keeps it.
    for (const { p } of seen.filter(({ p }) => p.phase === 'training')) {
      expect(p.loss).toBe(result.lossCurve.find((point) => point.step === p.step)!.loss);
    }
  });

  it("keeps every step's raw loss for the model file", async () => {
    const result = await train(hyper({ epochs: 1 }), data);
    expect(result.lossCurve.map((point) => point.step)).toEqual(
      Array.from({ length: Math.ceil(600 / 32) }, (_, i) => i + 1),
    );
    expect(result.lossCurve.every((point) => Number.isFinite(point.loss) && point.loss > 0)).toBe(true);
  });

  it('validates on the last validationSize images, after every epoch and at the end', async () => {
    const result = await train(hyper({ trainSize: 480, validationSize: 120 }), data);
    // 480 training images / 32 = 15 steps per epoch.
    expect(result.history[0].step).toBe(15);
    expect(result.history.every((r) => r.validationAccuracy !== undefined && r.validationLoss !== undefined)).toBe(
      true,
    );
    expect(result.history.at(-1)!.validationAccuracy).toBeGreaterThan(0.8);
    const tail = evaluate(result.model, sliceDataset(data.train, 480, 600));
    expect(result.validation).toEqual({ accuracy: tail.accuracy, loss: tail.loss, count: 120 });
    expect(result.history.at(-1)!.validationAccuracy).toBe(tail.accuracy);
  });

  it("fits the temperature on the validation set at the end, and the final figures are the calibrated model's", async () => {
    const h = hyper({ trainSize: 480, validationSize: 120 });
    const result = await train(h, data);
    const calibration = result.calibration!;
    expect(calibration.validationCount).toBe(120);
    expect(result.model.temperature).toBe(calibration.temperature);
    expect(calibration.temperature).not.toBe(1);
    const tail = sliceDataset(data.train, 480, 600);
    const raw = evaluate(result.model, tail, { keepLogits: true });
    expect(calibration.temperature).toBeCloseTo(fitTemperature(raw.logits!, raw.labels, 10), 6);
    expect(calibration.eceAfter).toBeLessThanOrEqual(calibration.eceBefore);
    // The test loss is that of softmax(z / T); the accuracy is the network's, unchanged by T.
    const onTest = evaluate(result.model, data.test, { keepLogits: true });
    expect(result.test.loss).toBeCloseTo(temperedNll(onTest.logits!, onTest.labels, 10, calibration.temperature), 5);
    expect(result.test.accuracy).toBe(result.history.at(-1)!.testAccuracy);
  });

  it("leaves a model without a validation set uncalibrated, and refits a fine-tune's starting temperature", async () => {
    const plain = await train(hyper(), data);
    expect(plain.calibration).toBeUndefined();
    expect(plain.model.temperature).toBe(1);
    plain.model.temperature = 3;
    const tuned = await train(hyper({ epochs: 1 }), data, { initialModel: plain.model });
    expect(tuned.calibration).toBeUndefined();
    expect(tuned.model.temperature).toBe(1);
  });

  it('never trains on the validation images: the weights are those of a run given only the first trainSize', async () => {
    const withTail = await train(hyper({ trainSize: 480, validationSize: 120 }), data);
    const firstOnly = await train(hyper({ trainSize: 480 }), {
      train: sliceDataset(data.train, 0, 480),
      test: data.test,
    });
    const weights = (r: typeof withTail) => r.model.exportWeights().map((t) => Array.from(t.data));
    expect(weights(withTail)).toEqual(weights(firstOnly));
    expect(firstOnly.validation).toBeUndefined();
    expect(firstOnly.history.every((r) => r.validationAccuracy === undefined)).toBe(true);
  });

  it('refuses data too short to keep the training images and the validation tail apart', async () => {
    const short = { train: sliceDataset(data.train, 0, 500), test: data.test };
    await expect(train(hyper({ trainSize: 480, validationSize: 120 }), short)).rejects.toThrow(
      /overlaps the first 480 training images: the data holds only 500/,
    );
  });

  it.each([1, 2])('stops between steps when cancelled, on %i threads', async (threads) => {
    const controller = new AbortController();
    let steps = 0;
    const run = train(hyper({ epochs: 50 }), data, {
      threads,
      signal: controller.signal,
      progressIntervalMs: 0,
      onProgress: (p) => {
        steps = p.step;
        if (p.step >= 5) controller.abort();
      },
    });
    await expect(run).rejects.toBeInstanceOf(TrainingCancelledError);
    expect(steps).toBeLessThan(50 * 19);
  });

  it('stops with an error naming the learning rate when the loss becomes NaN or infinite', async () => {
    const run = train(
      hyper({
        hiddenLayers: [
          { units: 32, activation: 'leaky-relu' },
          { units: 32, activation: 'leaky-relu' },
        ],
        optimizer: 'sgd',
        learningRate: 10,
      }),
      data,
    );
    await expect(run).rejects.toBeInstanceOf(TrainingDivergedError);
    await expect(run).rejects.toThrow(/learning rate \(10\) is probably too high/);
  });

  it('learning-rate decay multiplies the rate after every epoch', async () => {
    // With a decay of 1e-9 every step after the first epoch is ~1e-9 as large, so three
    // epochs end where one epoch ended; without decay they move on.
    const flat = (r: Awaited<ReturnType<typeof train>>) => r.model.exportWeights().flatMap((t) => Array.from(t.data));
    const one = flat(await train(hyper({ epochs: 1 }), data));
    const decayed = flat(await train(hyper({ epochs: 3, learningRateDecay: 1e-9 }), data));
    const constant = flat(await train(hyper({ epochs: 3 }), data));
    const distance = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));
    expect(distance(one, decayed)).toBeLessThan(1e-5);
    expect(distance(one, constant)).toBeGreaterThan(1e-2);
  });

  it('learns to be unsure of synthetic images labelled NO_CLASS_LABEL, and still reads the classes', async () => {
    // Outliers: a class's pattern with a mark no class has (the last three pixels lit), which a
    // network that never saw one reads as that class.
    const outliers = (count: number, seed: number): Dataset => {
      const { images } = syntheticDigits(count, seed);
      for (let i = 0; i < count; i++) images.fill(255, i * 36 + 33, i * 36 + 36);
      return { images, labels: new Uint8Array(count).fill(NO_CLASS_LABEL), count, rows: 6, cols: 6 };
    };
    const meanTopProbability = (result: Awaited<ReturnType<typeof train>>) => {
      const { probabilities, count } = evaluate(result.model, outliers(200, 9), { keepProbabilities: true });
      let sum = 0;
      for (let i = 0; i < count; i++) sum += Math.max(...probabilities!.subarray(i * 10, i * 10 + 10));
      return sum / count;
    };
    const without = await train(hyper(), data);
    const exposed = await train(hyper(), data, { synthetic: outliers(300, 8) });
    expect(meanTopProbability(without)).toBeGreaterThan(0.8);
    expect(meanTopProbability(exposed)).toBeLessThan(0.45);
    expect(exposed.test.accuracy).toBeGreaterThan(0.9);
    // Train accuracy is measured on the collected images only, where every label has an answer.
    expect(exposed.history.at(-1)!.trainAccuracy).toBeGreaterThan(0.9);
  });

  it('weight decay shrinks the weights', async () => {
    const norm = (r: Awaited<ReturnType<typeof train>>) => {
      let sum = 0;
      for (const p of r.model.params()) if (p.regularised) for (const w of p.value) sum += w * w;
      return sum;
    };
    const plain = await train(hyper(), data);
    const l2 = await train(hyper({ weightDecay: 0.01 }), data);
    const l1 = await train(hyper({ l1: 0.001 }), data);
    expect(norm(l2)).toBeLessThan(norm(plain) * 0.9);
    expect(norm(l1)).toBeLessThan(norm(plain));
  });
});

describe('validationSet', () => {
  it('is the tail of the training data and never overlaps the first trainSize images', () => {
    const all = syntheticDigits(100, 3);
    const tail = validationSet(all, 80, 20)!;
    expect(tail.count).toBe(20);
    expect(Array.from(tail.labels)).toEqual(Array.from(all.labels.subarray(80)));
    expect(Array.from(tail.images)).toEqual(Array.from(all.images.subarray(80 * 36)));
    expect(validationSet(all, 50, 20)!.labels.byteOffset).toBe(all.labels.byteOffset + 80);
    expect(validationSet(all, 80, 0)).toBeUndefined();
    expect(() => validationSet(all, 81, 20)).toThrow(RangeError);
  });
});
