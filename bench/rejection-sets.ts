/**
 * The synthetic sets "not a digit" is fitted on besides MNIST's validation split: the
 * drawn-digit bench's drawings (bench/drawn-digits.ts, seed 2026) and the non-digits of the
 * fitting templates (bench/drawn-set/non-digits.ts, seed 2028), never the held-out ones.
 * They live with the bench, which judges models on them, and are drawn once per process; the
 * app's engine process, `tegaki train` and `tegaki calibrate` fit with them from here.
 */
import type { RejectionFittingSets } from '../src/digits/rejection';
import { fitRejection } from '../src/digits/rejection';
import type { Dataset } from '../src/engine/data/dataset';
import type { Sequential } from '../src/engine/model/sequential';
import { validationSet } from '../src/engine/training/trainer';
import type { Hyperparameters } from '../src/shared/hyperparameters';
import type { ModelRejection } from '../src/shared/model-metadata';
import { drawnDigitsDataset } from './drawn-digits';
import { nonDigitDataset } from './drawn-set/non-digits';

let drawn: { digits: Dataset; nonDigits: Dataset } | undefined;

/** The fitting sets for a model whose validation split is `validation`. */
export function rejectionFittingSets(validation: Dataset): RejectionFittingSets {
  drawn ??= { digits: drawnDigitsDataset(), nonDigits: nonDigitDataset('fitting') };
  return { validation, drawn: drawn.digits, nonDigits: drawn.nonDigits };
}

/**
 * At the end of training, beside the temperature: the decision for the trained model on the
 * run's validation split. None without one (as the temperature: `tegaki calibrate` fits both).
 */
export function rejectionAfterTraining(
  model: Sequential,
  train: Dataset,
  h: Hyperparameters,
): ModelRejection | undefined {
  const validation = validationSet(train, h.trainSize, h.validationSize ?? 0);
  return validation && fitRejection(model, rejectionFittingSets(validation));
}
