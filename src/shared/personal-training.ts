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
 * What fine-tuning changes in the model's own hyperparameters unless told otherwise: a
 * few epochs at a tenth of its learning rate, on 10,000 MNIST images so the model keeps
 * everyone else's digits.
 */
export const FINE_TUNE_DEFAULTS = { epochs: 3, learningRateFactor: 0.1, trainSize: 10_000 } as const;

export const fineTuneOptionsSchema = z.object({
  epochs: z.number().int().min(1).max(50).optional(),
  learningRate: z.number().positive().max(10).optional(),
  /** How many of MNIST's training images join the drawings (the first N). */
  trainSize: z.number().int().min(10).max(60_000).optional(),
});
export type FineTuneOptions = z.output<typeof fineTuneOptionsSchema>;
