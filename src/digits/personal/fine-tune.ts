import { HyperparameterError, parseHyperparameters } from '../../shared/hyperparameters';
import type { Hyperparameters } from '../../shared/hyperparameters';
import { preset } from '../../shared/presets';
import type { Dataset } from '../../engine/data/dataset';
import { Random } from '../../engine/random';
import { splitPersonal } from './samples';

/**
 * What fine-tuning does unless told otherwise, shared by `tegaki finetune` and the
 * app: a few epochs at a tenth of the model's learning rate, on the person's drawings
 * repeated 20 times among 10,000 MNIST images so the model keeps everyone else's digits.
 */
export const FINE_TUNE_DEFAULTS = {
  epochs: 3,
  learningRateFactor: 0.1,
  mnistSize: 10_000,
  personalWeight: 20,
  personalTestSplit: 0.25,
} as const;

/** Oversampling and held-out share when personal samples join an ordinary training run. */
export const PERSONAL_DEFAULTS = { personalWeight: 20, personalTestSplit: 0.25 } as const;

export interface FineTuneOverrides {
  learningRate?: number;
  epochs?: number;
  mnistSize?: number;
  personalWeight?: number;
  personalTestSplit?: number;
  seed?: number;
}

/**
 * The hyperparameters to continue training a model with, from the ones stored in its
 * file. Models from elsewhere may lack them; fine-tuning only needs an optimiser, so
 * the recommended preset stands in.
 */
export function fineTuneHyperparameters(stored: unknown, overrides: FineTuneOverrides = {}): Hyperparameters {
  let original: Hyperparameters;
  try {
    original = parseHyperparameters(stored);
  } catch (error) {
    if (!(error instanceof HyperparameterError)) throw error;
    original = preset('recommended');
  }
  return parseHyperparameters({
    ...original,
    learningRate: overrides.learningRate ?? original.learningRate * FINE_TUNE_DEFAULTS.learningRateFactor,
    // A decay schedule belongs to the original run's length, not to a few more epochs.
    learningRateDecay: undefined,
    epochs: overrides.epochs ?? FINE_TUNE_DEFAULTS.epochs,
    iterations: undefined,
    trainSize: overrides.mnistSize ?? FINE_TUNE_DEFAULTS.mnistSize,
    validationSplit: 0,
    seed: overrides.seed ?? original.seed,
    personalWeight: overrides.personalWeight ?? FINE_TUNE_DEFAULTS.personalWeight,
    personalTestSplit: overrides.personalTestSplit ?? FINE_TUNE_DEFAULTS.personalTestSplit,
  });
}

/**
 * Personal drawings split into training and a held-out personal test set, seeded from
 * the run's seed so the command line and the app hold out the same drawings.
 */
export function holdOutPersonal(all: Dataset, testSplit: number, seed: number): { train: Dataset; test: Dataset } {
  return splitPersonal(all, testSplit, new Random(seed).fork('personal'));
}
