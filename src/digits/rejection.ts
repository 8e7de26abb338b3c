/**
 * "That's not a digit", in one place: fitted here for a model (fitRejection, kept in its
 * file's metadata as `rejection`, src/shared/model-metadata.ts) and applied here to every
 * prediction the app, the number reading and the command line show (readDigit).
 *
 * The decision is a score of the logits and a threshold (engine/metrics/rejection.ts). The
 * threshold is chosen on real digits only, the highest that rejects at most 1% of the MNIST
 * validation images (the last 5,000 training images) and at most 1% of the drawn digits
 * (src/digits/synthetic/drawn-digits.ts), the stricter of the two. Of the three scores, the one kept is the
 * one that, at its own threshold, rejects the most synthetic non-digits of the fitting
 * templates (src/digits/synthetic/non-digits.ts); the held-out templates are never seen here.
 */
import type { Dataset } from '../engine/data/dataset';
import {
  REJECTION_SCORES,
  digitThreshold,
  isRejectedScore,
  rejectedCount,
  rejectionScore,
  rejectionScores,
  separationAuroc,
} from '../engine/metrics/rejection';
import { matrix } from '../engine/tensor';
import type { Sequential } from '../engine/model/sequential';
import { evaluate } from '../engine/training/evaluate';
import type { ModelRejection } from '../shared/model-metadata';
import { MAX_DIGIT_REJECTION } from '../shared/model-metadata';

export interface RejectionFittingSets {
  /** MNIST's validation split, the last 5,000 training images. */
  validation: Dataset;
  /** Drawn digits through the app's preprocessing. */
  drawn: Dataset;
  /** Synthetic non-digits of the fitting templates only. */
  nonDigits: Dataset;
}

/** Fits the decision for `model` at its temperature (see above). */
export function fitRejection(model: Sequential, sets: RejectionFittingSets): ModelRejection {
  const logitsOf = (data: Dataset) => evaluate(model, data, { keepLogits: true }).logits!;
  const [validation, drawn, nonDigits] = [logitsOf(sets.validation), logitsOf(sets.drawn), logitsOf(sets.nonDigits)];
  const temperature = model.temperature;
  const candidates = REJECTION_SCORES.map((score) => {
    const [v, d, n] = [validation, drawn, nonDigits].map((l) => rejectionScores(score, l, model.classes, temperature));
    const threshold = digitThreshold([v, d], MAX_DIGIT_REJECTION);
    return {
      score,
      threshold,
      auroc: separationAuroc([...v, ...d], n),
      nonDigits: { rejected: rejectedCount(n, threshold), count: n.length },
      digitRejection: {
        validation: { rejected: rejectedCount(v, threshold), count: v.length },
        drawn: { rejected: rejectedCount(d, threshold), count: d.length },
      },
    };
  });
  const best = candidates.reduce((a, b) =>
    b.nonDigits.rejected > a.nonDigits.rejected || (b.nonDigits.rejected === a.nonDigits.rejected && b.auroc > a.auroc)
      ? b
      : a,
  );
  return {
    score: best.score,
    threshold: best.threshold,
    temperature,
    maxDigitRejection: MAX_DIGIT_REJECTION,
    digitRejection: best.digitRejection,
    separation: candidates.map(({ score, threshold, auroc, nonDigits }) => ({ score, threshold, auroc, nonDigits })),
  };
}

/** Why a drawing has no label. */
export const NOT_A_DIGIT = 'not-a-digit';

export interface DigitReading {
  /** softmax(logits / T), the model's calibrated probabilities, shown even when rejected. */
  probabilities: number[];
  /** The drawing's score is below the model's threshold; always false for a model without one. */
  notADigit: boolean;
}

/** What the model makes of one 28x28 input: its probabilities, and whether it is a digit at all. */
export function readDigit(
  model: Sequential,
  rejection: ModelRejection | undefined,
  pixels: ArrayLike<number>,
): DigitReading {
  const input = matrix(1, model.spec.inputSize, model.dtype);
  input.data.set(pixels);
  const logits = model.forward(input, false);
  const probabilities = Array.from(model.probabilitiesOf(logits).data);
  const notADigit =
    rejection !== undefined &&
    isRejectedScore(rejectionScore(rejection.score, logits.data, rejection.temperature), rejection.threshold);
  return { probabilities, notADigit };
}
