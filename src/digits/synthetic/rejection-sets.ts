/**
 * The synthetic sets "not a digit" is fitted on besides MNIST's validation split: the
 * drawn-digit bench's drawings (src/digits/synthetic/drawn-digits.ts, seed 2026) and the non-digits of the
 * fitting templates (src/digits/synthetic/non-digits.ts, seed 2028), never the held-out ones.
 * They live with the bench, which judges models on them, and are drawn once per process; the
 * app's engine process, `tegaki train` and `tegaki calibrate` fit with them from here.
 */
import type { RejectionFittingSets } from '../rejection';
import { fitRejection } from '../rejection';
import type { Dataset } from '../../engine/data/dataset';
import type { Sequential } from '../../engine/model/sequential';
import { validationSet } from '../../engine/training/trainer';
import type { Hyperparameters } from '../../shared/hyperparameters';
import type { ModelRejection } from '../../shared/model-metadata';
import { drawnDigitsOnce } from './drawn-figures';
import { nonDigitDataset } from './non-digits';

let fittingNonDigits: Dataset | undefined;

/** The fitting sets for a model whose validation split is `validation`. */
export function rejectionFittingSets(validation: Dataset): RejectionFittingSets {
  fittingNonDigits ??= nonDigitDataset('fitting');
  return { validation, drawn: drawnDigitsOnce(), nonDigits: fittingNonDigits };
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
