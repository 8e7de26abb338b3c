import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { drawnDigitsDataset, drawnTemplates } from '../../src/digits/synthetic/drawn-digits';
import { traceTemplate } from '../../src/digits/synthetic/hand';
import { nonDigitDataset } from '../../src/digits/synthetic/non-digits';
import { loadMnist } from '../../src/digits/data/mnist';
import { loadModel } from '../../src/digits/io/saved-model';
import type { Stroke } from '../../src/digits/preprocess/strokes';
import { strokesToInput } from '../../src/digits/preprocess/strokes';
import { fitRejection, readDigit } from '../../src/digits/rejection';
import type { Dataset } from '../../src/engine/data/dataset';
import { rejectedCount, rejectionScores } from '../../src/engine/metrics/rejection';
import type { Sequential } from '../../src/engine/model/sequential';
import { evaluate } from '../../src/engine/training/evaluate';
import { validationSet } from '../../src/engine/training/trainer';
import type { ModelMetadata } from '../../src/shared/model-metadata';
import { MAX_DIGIT_REJECTION } from '../../src/shared/model-metadata';
import { scribbledKnot } from '../fixtures/scribbled-knot';

const modelPath = resolve(import.meta.dirname, '../../resources/default-model.tgk');

/** Points given as fractions of the 280 x 280 canvas, as the e2e test draws them. */
const onCanvas = (strokes: [number, number][][]): Stroke[] => strokes.map((s) => s.map(([x, y]) => [x * 280, y * 280]));

const KNOT = scribbledKnot();

describe('"not a digit" with the built-in model', () => {
  let model: Sequential;
  let metadata: ModelMetadata;
  let validation: Dataset;
  let drawn: Dataset;
  beforeAll(async () => {
    ({ model, metadata } = await loadModel(modelPath));
    const { train } = await loadMnist({ testSize: 0 });
    validation = validationSet(train, 0, 5000)!;
    drawn = drawnDigitsDataset();
  });

  it('rejects at most 1% of the MNIST validation images and of the drawn digits, measured here, as its file claims', () => {
    const rejection = metadata.rejection!;
    expect(rejection.maxDigitRejection).toBe(MAX_DIGIT_REJECTION);
    expect(rejection.temperature).toBe(model.temperature);
    for (const [name, data] of [
      ['validation', validation],
      ['drawn', drawn],
    ] as const) {
      const scores = rejectionScores(
        rejection.score,
        evaluate(model, data, { keepLogits: true }).logits!,
        10,
        model.temperature,
      );
      const rejected = rejectedCount(scores, rejection.threshold);
      expect(rejected, name).toBeLessThanOrEqual(MAX_DIGIT_REJECTION * data.count);
      expect(rejected, name).toBe(rejection.digitRejection[name].rejected);
      expect(rejection.digitRejection[name].count).toBe(data.count);
    }
  }, 120_000);

  it('is what fitRejection makes of the same sets: the threshold binds on one of them and the kept score rejects the most fitting non-digits', () => {
    const fitted = fitRejection(model, { validation, drawn, nonDigits: nonDigitDataset('fitting') });
    // The kernels may add in another order than when the file was made, so the scores agree to
    // float rounding: the same choice, thresholds within 1e-5, the same counts.
    const kept = metadata.rejection!;
    expect({ ...fitted, threshold: 0, separation: [] }).toEqual({ ...kept, threshold: 0, separation: [] });
    expect(fitted.threshold).toBeCloseTo(kept.threshold, 5);
    fitted.separation.forEach((s, i) => {
      expect({ ...s, threshold: 0, auroc: 0 }).toEqual({ ...kept.separation[i], threshold: 0, auroc: 0 });
      expect(s.threshold).toBeCloseTo(kept.separation[i].threshold, 5);
      expect(s.auroc).toBeCloseTo(kept.separation[i].auroc, 4);
    });
    const { validation: v, drawn: d } = fitted.digitRejection;
    expect(Math.max(v.rejected / v.count, d.rejected / d.count)).toBeGreaterThan(MAX_DIGIT_REJECTION - 0.002);
    const best = Math.max(...fitted.separation.map((s) => s.nonDigits.rejected));
    expect(fitted.separation.find((s) => s.score === fitted.score)!.nonDigits.rejected).toBe(best);
  }, 120_000);

  it('says a scribbled knot is not a digit and still reads a drawn 3 and 7', () => {
    expect(readDigit(model, metadata.rejection, strokesToInput(onCanvas(KNOT))).notADigit).toBe(true);
    for (const digit of [3, 7]) {
      const template = drawnTemplates.find((t) => t.digit === digit)!;
      const reading = readDigit(model, metadata.rejection, strokesToInput(traceTemplate(template.strokes)));
      expect(reading.notADigit).toBe(false);
      expect(reading.probabilities.indexOf(Math.max(...reading.probabilities))).toBe(digit);
    }
  });

  it("gives the model's own probabilities either way, and never rejects without a fitted threshold", () => {
    const input = strokesToInput(onCanvas(KNOT));
    const reading = readDigit(model, metadata.rejection, input);
    model.predictOne(input).forEach((p, k) => expect(reading.probabilities[k]).toBeCloseTo(p, 6));
    expect(readDigit(model, undefined, input).notADigit).toBe(false);
  });
});
