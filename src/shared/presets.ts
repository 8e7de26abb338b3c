import type { Hyperparameters } from './hyperparameters';
import { MNIST_TRAIN_SIZE, MNIST_VALIDATION_SIZE } from './hyperparameters';

/** Every preset trains on the first 55,000 images and validates on the last 5,000. */
const data = { trainSize: MNIST_TRAIN_SIZE - MNIST_VALIDATION_SIZE, validationSize: MNIST_VALIDATION_SIZE } as const;

/**
 * What the `cnn` and `fast` presets train on besides MNIST's images: their distortions, and
 * drawings synthesised from stroke templates in styles MNIST lacks and of non-digits.
 */
const drawnData = {
  augmentation: { shift: 2, rotation: 10, scale: 0.1 },
  styleDrawings: 3_000,
  nonDigitDrawings: 6_000,
};

/**
 * Named starting points. The two seed presets reproduce the study notes' networks
 * exactly; `recommended` is an MLP trained for 10 epochs; `lenet` and `cnn` are
 * convolutional. `recommended`, `lenet` and `cnn` were chosen among a few variants by
 * their accuracy on the validation set, the last 5,000 training images
 * (scripts/tune-presets.ts prints the comparison); the validation figures below are those
 * tuning runs', the record of why each variant was kept. Today's figures, validation and
 * the final test figure (measured on the chosen variant, never used to choose), are
 * `npm run bench`'s, in README's generated bench blocks: figures typed here went stale by a
 * few hundredths each time the kernels' rounding changed.
 */
export const presets = {
  /**
   * The notes' first network: 784-100-10 sigmoid, uniform [-1, 1], SGD 0.4, 2,000 random
   * batches of 50. Not tuned. Validation 94.28%.
   */
  'seed-classic': {
    hiddenLayers: [{ units: 100, activation: 'sigmoid' }],
    init: 'uniform',
    initScale: 1,
    loss: 'softmax-cross-entropy',
    optimizer: 'sgd',
    learningRate: 0.4,
    batchSize: 50,
    iterations: 2000,
    sampling: 'replacement',
    weightDecay: 0,
    l1: 0,
    dropout: 0,
    seed: 1,
    ...data,
  },
  /**
   * The notes' layered network: 784-50-10 ReLU, Gaussian 0.01, SGD 0.1, 10,000 batches of
   * 100. Not tuned. Validation 97.34%.
   */
  'seed-layered': {
    hiddenLayers: [{ units: 50, activation: 'relu' }],
    init: 'gaussian',
    initScale: 0.01,
    loss: 'softmax-cross-entropy',
    optimizer: 'sgd',
    learningRate: 0.1,
    batchSize: 100,
    iterations: 10_000,
    sampling: 'replacement',
    weightDecay: 0,
    l1: 0,
    dropout: 0,
    seed: 1,
    ...data,
  },
  /**
   * 784-256-128-10 ReLU, He init, Adam 1e-3 decaying ×0.8 per epoch, dropout 0.2, 10
   * epochs. Validation 98.50% (98.04% without the decay; 98.50% too with dropout 0.3, a
   * tie that keeps this one).
   */
  recommended: {
    hiddenLayers: [
      { units: 256, activation: 'relu' },
      { units: 128, activation: 'relu' },
    ],
    init: 'he',
    loss: 'softmax-cross-entropy',
    optimizer: 'adam',
    learningRate: 0.001,
    learningRateDecay: 0.8,
    batchSize: 64,
    epochs: 10,
    sampling: 'shuffle',
    weightDecay: 0,
    l1: 0,
    dropout: 0.2,
    seed: 1,
    ...data,
  },
  /**
   * LeNet-like (LeCun et al. 1998, with ReLU and max pooling): conv 6 5x5 'same', pool 2,
   * conv 16 5x5 'valid', pool 2, dense 120-84-10. Adam 1e-3 decaying ×0.8 per epoch for
   * 8 epochs. Validation 99.06% (99.02% in 5 epochs, two images of 5,000 fewer; 98.82%
   * in 5 without the decay).
   */
  lenet: {
    convBlocks: [
      { filters: 6, kernelSize: 5, padding: 'same', activation: 'relu', batchNorm: false, pool: 2 },
      { filters: 16, kernelSize: 5, padding: 'valid', activation: 'relu', batchNorm: false, pool: 2 },
    ],
    hiddenLayers: [
      { units: 120, activation: 'relu' },
      { units: 84, activation: 'relu' },
    ],
    init: 'he',
    loss: 'softmax-cross-entropy',
    optimizer: 'adam',
    learningRate: 0.001,
    learningRateDecay: 0.8,
    batchSize: 64,
    epochs: 8,
    sampling: 'shuffle',
    weightDecay: 0,
    l1: 0,
    dropout: 0,
    seed: 1,
    ...data,
  },
  /**
   * Conv 16 5x5, pool 2, conv 32 5x5, pool 2 (ReLU, 'same'), dense 128 with dropout 0.3;
   * Adam 1e-3 decaying ×0.85 per epoch for 10 epochs; each training image shifted up to
   * 2 px, rotated up to 10° and resized up to ±10%, for drawn digits (npm run
   * train:default judges those; the validation set cannot). Validation 99.38% (99.20%
   * with dropout 0.5), measured before the drawings below joined. It also trains on 3,000
   * digits in styles MNIST lacks and 6,000 non-digits drawn from stroke templates
   * (src/digits/synthetic/training-set.ts), so that it reads a slashed zero or a
   * continental 1 and can say "not a digit"; resources/default-model-report.md has this
   * recipe's figures, beside the other candidates' without them; `npm run bench -- --only
   * cnn` times it.
   */
  cnn: {
    convBlocks: [
      { filters: 16, kernelSize: 5, padding: 'same', activation: 'relu', batchNorm: false, pool: 2 },
      { filters: 32, kernelSize: 5, padding: 'same', activation: 'relu', batchNorm: false, pool: 2 },
    ],
    hiddenLayers: [{ units: 128, activation: 'relu' }],
    init: 'he',
    loss: 'softmax-cross-entropy',
    optimizer: 'adam',
    learningRate: 0.001,
    learningRateDecay: 0.85,
    batchSize: 64,
    epochs: 10,
    sampling: 'shuffle',
    weightDecay: 0,
    l1: 0,
    dropout: 0.3,
    seed: 1,
    ...drawnData,
    ...data,
  },
  /**
   * The fast recipe (issue #16 item 7): the `cnn` preset's data (the same distortions, 3,000
   * style drawings and 6,000 non-digits) through a smaller, batch-normalised network — conv
   * 16 3x3 and conv 32 3x3 ('same', BN, ReLU, pool 2), dense 128 — trained for 9 epochs in
   * batches of 64 on 2 threads with Adam under the one-cycle schedule (peak 0.004) and
   * label smoothing 0.1.
   * Chosen on the validation set: first, one seed each, among batches of 128 with dropout
   * 0.2 for 6 epochs or without it for 8, and batches of 64 without it for 6; that one's
   * 5x5-kernel twin read no better in twice the time. Once faster augmentation left room in
   * the time budget, 9 epochs against 6, each with seeds 1, 2 and 3 (their mean). That
   * round's chooser had seen the 6-epoch candidate's test figures, so a second round
   * (`npx tsx scripts/tune-presets.ts --only fast`, 2026-11-26, candidates declared before
   * any ran) chose again on validation alone, mean of seeds 1-3 on 2 threads: 9 epochs
   * 99.55% (chosen), 12 epochs 99.54%, 12 epochs in batches of 128 at peak 0.006 99.51%.
   * `npm run bench -- --only fast` measures its test accuracy and its training time against
   * the bars (99.4%, 180 s on 2 threads).
   */
  fast: {
    convBlocks: [
      { filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', batchNorm: true, pool: 2 },
      { filters: 32, kernelSize: 3, padding: 'same', activation: 'relu', batchNorm: true, pool: 2 },
    ],
    hiddenLayers: [{ units: 128, activation: 'relu' }],
    init: 'he',
    loss: 'softmax-cross-entropy',
    labelSmoothing: 0.1,
    optimizer: 'adam',
    learningRate: 0.004,
    learningRateSchedule: 'one-cycle',
    batchSize: 64,
    epochs: 9,
    sampling: 'shuffle',
    weightDecay: 0,
    l1: 0,
    dropout: 0,
    seed: 1,
    ...drawnData,
    ...data,
  },
  /** A quick look: 784-64-10 on 6,000 images for 2 epochs, a few seconds. */
  quick: {
    hiddenLayers: [{ units: 64, activation: 'relu' }],
    init: 'he',
    loss: 'softmax-cross-entropy',
    optimizer: 'adam',
    learningRate: 0.002,
    batchSize: 64,
    epochs: 2,
    sampling: 'shuffle',
    weightDecay: 0,
    l1: 0,
    dropout: 0,
    seed: 1,
    trainSize: 6_000,
    validationSize: MNIST_VALIDATION_SIZE,
  },
} satisfies Record<string, Hyperparameters>;

export type PresetName = keyof typeof presets;
export const presetNames = Object.keys(presets) as PresetName[];

export function isPresetName(name: string): name is PresetName {
  return Object.hasOwn(presets, name);
}

/**
 * How a preset's figures are taken when not once, on one thread, with its own seed: the
 * fast recipe is judged on 2 threads (each shard's batch norm sees half the batch, so the
 * thread count is part of the recipe) and by the mean of seeds 1-3. The bench
 * (`--only fast`) and the tuning script (scripts/tune-presets.ts) both read it.
 */
export const presetTrials: Partial<Record<PresetName, { threads: number; seeds: number[] }>> = {
  fast: { threads: 2, seeds: [1, 2, 3] },
};

/** A fresh copy, so callers may edit it. */
export function preset(name: PresetName): Hyperparameters {
  return structuredClone(presets[name]) as Hyperparameters;
}

/**
 * The preset the shipped model is trained with. `npm run train:default` trains every
 * candidate and ships the one that reads drawn digits best among those near the best
 * validation accuracy; it says so, and fails, when that is not this preset.
 */
export const DEFAULT_MODEL_PRESET: PresetName = 'fast';

/** The presets `npm run train:default` chooses the shipped model from, in its report's order. */
export const DEFAULT_MODEL_CANDIDATES: readonly PresetName[] = ['recommended', 'lenet', 'cnn', 'fast'];
