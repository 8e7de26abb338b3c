import { z } from 'zod';

/**
 * Training with a person's own corrected drawings, as one request the form, the IPC,
 * the engine and the command line share:
 * - 'none': MNIST only;
 * - 'include': a fresh network trained on MNIST plus the drawings;
 * - 'fine-tune': the active (or given) model continued from its weights on them.
 * In both of the last two, each drawing is repeated `weight` times among the MNIST
 * images (dozens of drawings against 60,000 images would barely move the weights), and
 * `testSplit` of them, per digit, are held out to measure accuracy on the person's hand.
 */
export const personalModes = ['none', 'include', 'fine-tune'] as const;
export type PersonalMode = (typeof personalModes)[number];

export const PERSONAL_TRAINING_DEFAULTS = { mode: 'none', weight: 20, testSplit: 0.25 } as const;

export const personalTrainingSchema = z.object({
  mode: z.enum(personalModes).default(PERSONAL_TRAINING_DEFAULTS.mode),
  /** How many times each personal drawing is repeated among the MNIST images. */
  weight: z
    .number()
    .int('the weight is a whole number')
    .min(1, 'the weight is at least 1')
    .max(1000, 'the weight is at most 1000')
    .default(PERSONAL_TRAINING_DEFAULTS.weight),
  /** Fraction of the personal drawings held out as a personal test set. */
  testSplit: z.number().min(0).max(0.9, 'hold out at most 90% of the personal drawings').default(PERSONAL_TRAINING_DEFAULTS.testSplit),
});
/** What code past the boundary receives: every field filled in. */
export type PersonalTraining = z.output<typeof personalTrainingSchema>;

/**
 * The two ways a model is fine-tuned, kept in its file (`fineTuning`):
 * - 'head': a conv model's layers up to its flatten stay frozen and only the dense head
 *   trains, on the frozen layers' features (computed once per base model, so it takes
 *   seconds; no augmentation, which distorts pixels, not features). The default for conv models.
 * - 'full': every layer trains, on images (augmented as the model was). MLPs always, and
 *   conv models when asked (`full`).
 */
export const fineTuneWays = ['head', 'full'] as const;
export type FineTuneWay = (typeof fineTuneWays)[number];

/**
 * What fine-tuning changes in the model's own hyperparameters unless told otherwise: a
 * few epochs at a fraction of its learning rate (a tenth for the whole network; half for
 * the head alone, which cannot forget the conv features and needs the larger steps to
 * learn a new hand in 3 epochs: chosen by `npm run bench -- --only finetune`), on 10,000
 * MNIST images so the model keeps everyone else's digits.
 */
export const FINE_TUNE_DEFAULTS = {
  epochs: 3,
  learningRateFactor: 0.1,
  headLearningRateFactor: 0.5,
  trainSize: 10_000,
} as const;

export const fineTuneOptionsSchema = z.object({
  epochs: z.number().int().min(1).max(50).optional(),
  learningRate: z.number().positive().max(10).optional(),
  /** How many of MNIST's training images join the drawings (the first N). */
  trainSize: z.number().int().min(10).max(60_000).optional(),
  /** Train every layer of a conv model, not only its dense head (slower; see fineTuneWays). */
  full: z.boolean().optional(),
});
export type FineTuneOptions = z.output<typeof fineTuneOptionsSchema>;
