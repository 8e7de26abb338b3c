import { z } from 'zod';

/**
 * How a training job is going, in one shape from the trainer to the screen: the trainer
 * produces it (throttled once, there), and the engine process, the IPC and the command
 * line carry it unchanged. The renderer's event adds only the job's id.
 */
export const trainingProgressSchema = z.object({
  /** 'loading' while the engine reads MNIST, before the first step. */
  phase: z.enum(['loading', 'training', 'evaluating']),
  /** Mini-batch steps done so far, of `totalSteps`. */
  step: z.number(),
  totalSteps: z.number(),
  /** 1-based epoch the current step belongs to. */
  epoch: z.number(),
  totalEpochs: z.number(),
  /** This step's batch loss, raw (charts smooth it); null before the first step. */
  loss: z.number().nullable(),
  /** Latest per-epoch accuracies, null until the first epoch has finished. */
  trainAccuracy: z.number().nullable(),
  testAccuracy: z.number().nullable(),
  /** Training throughput, excluding time spent evaluating. */
  samplesPerSecond: z.number(),
  elapsedSeconds: z.number(),
  etaSeconds: z.number(),
});
export type TrainingProgress = z.infer<typeof trainingProgressSchema>;

/** One row of the curves the notes plotted: accuracy and loss after each epoch. */
export const epochRecordSchema = z.object({
  epoch: z.number(),
  step: z.number(),
  trainLoss: z.number(),
  trainAccuracy: z.number(),
  testLoss: z.number(),
  testAccuracy: z.number(),
  validationLoss: z.number().optional(),
  validationAccuracy: z.number().optional(),
  /** Accuracy on the held-out personal drawings, when training includes them. */
  personalTestAccuracy: z.number().optional(),
  elapsedSeconds: z.number(),
});
export type EpochRecord = z.infer<typeof epochRecordSchema>;

/** One point of the loss curve a model file keeps: the raw batch loss at `step`. */
export const lossPointSchema = z.object({ step: z.number(), loss: z.number() });
export type LossPoint = z.infer<typeof lossPointSchema>;

/** Progress reaches its listeners at most this often (20 times a second), except an epoch's last step. */
export const PROGRESS_INTERVAL_MS = 50;
