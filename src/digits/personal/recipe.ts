import { HyperparameterError, parseHyperparameters } from '../../shared/hyperparameters';
import type { Hyperparameters } from '../../shared/hyperparameters';
import type { FineTuneOptions, FineTuneWay, PersonalTraining } from '../../shared/personal-training';
import { FINE_TUNE_DEFAULTS } from '../../shared/personal-training';
import { preset } from '../../shared/presets';
import type { Dataset } from '../../engine/data/dataset';
import type { ModelSpec } from '../../engine/model/spec';
import { Random } from '../../engine/random';
import { frozenLayerCount } from './frozen-features';
import { splitPersonal } from './samples';

/**
 * The personal-training recipe, shared by the command line and the engine process so
 * both train exactly alike: which hyperparameters a fine-tune runs with, and how a
 * person's drawings are split and weighted for the trainer.
 */

/**
 * How a model is fine-tuned: a conv model's dense head alone on its frozen features
 * unless `full` is asked for; an MLP, which has no feature extractor, whole.
 */
export function fineTuneWay(spec: ModelSpec, options: Pick<FineTuneOptions, 'full'> = {}): FineTuneWay {
  return frozenLayerCount(spec) !== undefined && !options.full ? 'head' : 'full';
}

/**
 * The hyperparameters to continue training a model with, from the ones stored in its
 * file (validated here: a file is untrusted). Models from elsewhere may lack them;
 * fine-tuning only needs an optimiser, so the recommended preset stands in. The head
 * alone (`way` 'head') takes a larger share of the learning rate, and no augmentation:
 * its inputs are features computed once, not pixels to distort.
 */
export function fineTuneHyperparameters(
  stored: unknown,
  options: FineTuneOptions & { seed?: number; way?: FineTuneWay } = {},
): Hyperparameters {
  let original: Hyperparameters;
  try {
    original = parseHyperparameters(stored);
  } catch (error) {
    if (!(error instanceof HyperparameterError)) throw error;
    original = preset('recommended');
  }
  const trainSize = options.trainSize ?? FINE_TUNE_DEFAULTS.trainSize;
  // Synthesised drawings keep their share of the (smaller) MNIST reminder, so what the model
  // learnt from them, styles and "unsure of non-digits", is reminded too.
  const share = (drawings: number | undefined) =>
    drawings === undefined
      ? undefined
      : Math.round((drawings * Math.min(trainSize, original.trainSize)) / original.trainSize);
  return parseHyperparameters({
    ...original,
    styleDrawings: share(original.styleDrawings),
    nonDigitDrawings: share(original.nonDigitDrawings),
    learningRate:
      options.learningRate ??
      original.learningRate *
        (options.way === 'head' ? FINE_TUNE_DEFAULTS.headLearningRateFactor : FINE_TUNE_DEFAULTS.learningRateFactor),
    ...(options.way === 'head' ? { augmentation: undefined } : {}),
    // A decay schedule belongs to the original run's length, not to a few more epochs.
    learningRateDecay: undefined,
    learningRateSchedule: undefined,
    epochs: options.epochs ?? FINE_TUNE_DEFAULTS.epochs,
    iterations: undefined,
    trainSize,
    // Personal fine-tuning holds no validation set: its MNIST images are a reminder, not a benchmark.
    validationSize: 0,
    seed: options.seed ?? original.seed,
  });
}

/** What the trainer's `personal` option takes: drawings to learn, drawings to test on, and their weight. */
export interface PersonalTrainingData {
  train: Dataset;
  test: Dataset;
  weight: number;
}

/**
 * A person's drawings ready for the trainer: `personal.testSplit` of them per digit held
 * out (seeded from the run's seed, so the command line and the app hold out the same
 * drawings), the rest repeated `personal.weight` times among the MNIST images.
 */
export function personalTrainingData(all: Dataset, personal: PersonalTraining, seed: number): PersonalTrainingData {
  const { train, test } = splitPersonal(all, personal.testSplit, new Random(seed).fork('personal'));
  return { train, test, weight: personal.weight };
}
