import { z } from 'zod';
import { threadsSchema } from './threads';
import { hyperparametersSchema } from './hyperparameters';
import { fineTuneWays, personalTrainingSchema } from './personal-training';
import { epochRecordSchema, lossPointSchema } from './training-progress';

/**
 * What a model file says about its model, besides the architecture and the weights: one
 * shape for the command line, the app and scripts/train-default.ts, which all write it
 * with modelMetadataFor (digits/io/model-metadata.ts), and for every reader, which gets
 * it checked by this schema when the file is decoded.
 *
 * Every field is optional: files from older versions or from elsewhere lack some. A
 * field that does not fit is dropped, and so is each malformed epoch of the history:
 * the weights are still a usable model, not to be refused over its description.
 */

/** One epoch of the history as a file keeps it; files made before steps and times were kept lack them. */
export const savedEpochRecordSchema = epochRecordSchema.partial({ step: true, elapsedSeconds: true });
export type SavedEpochRecord = z.infer<typeof savedEpochRecordSchema>;

const wellFormedEpochs = z
  .array(z.unknown())
  .transform((records) => records.flatMap((record) => savedEpochRecordSchema.safeParse(record).data ?? []));

const classMetricsSchema = z.object({
  label: z.number(),
  precision: z.number(),
  recall: z.number(),
  f1: z.number(),
  support: z.number(),
});

const averageMetricsSchema = z.object({ precision: z.number(), recall: z.number(), f1: z.number(), support: z.number() });

/** Precision, recall and F1 per digit and on average (engine/metrics/classification-report.ts makes it). */
export const classificationReportSchema = z.object({
  classes: z.array(classMetricsSchema),
  accuracy: z.number(),
  macroAvg: averageMetricsSchema,
  weightedAvg: averageMetricsSchema,
});

export const modelFileMetricsSchema = z.object({
  /**
   * On the validation set, the last `validationCount` of MNIST's training images, held out
   * from training: the figure to tune and choose models by. Absent when none was held out.
   */
  validationAccuracy: z.number().optional(),
  validationLoss: z.number().optional(),
  validationCount: z.number().optional(),
  /** On MNIST's test set: the final, held-out figure. */
  testAccuracy: z.number(),
  testLoss: z.number(),
  /** Rows: true digit, columns: predicted, on MNIST's test set. */
  confusion: z.array(z.array(z.number())).optional(),
  report: classificationReportSchema.optional(),
  samplesPerSecond: z.number().optional(),
  trainingSeconds: z.number().optional(),
  /** Accuracy on the held-out personal drawings, for models trained with them. */
  personalTestAccuracy: z.number().optional(),
  personalTestCount: z.number().optional(),
});

/**
 * The formats a model file comes in: Tegaki's own (digits/io/model-file.ts) and ONNX
 * (digits/io/onnx), each with the extension its files are named with: one list for the
 * export request, the save and open dialogs and the page's file input.
 */
export const modelFormatSchema = z.enum(['tegaki', 'onnx']);
export type ModelFormat = z.infer<typeof modelFormatSchema>;
export const MODEL_FILE_EXTENSIONS: Readonly<Record<ModelFormat, string>> = { tegaki: '.tgk', onnx: '.onnx' };
/** Each format's name as people write it (a proper noun in every language). */
export const MODEL_FORMAT_NAMES: Readonly<Record<ModelFormat, string>> = { tegaki: 'Tegaki', onnx: 'ONNX' };

/** Where a model trained elsewhere came from: a format other than Tegaki's, the tool that wrote it, its opset. */
export const importedFromSchema = z.object({
  format: modelFormatSchema.exclude(['tegaki']),
  producer: z.string().optional(),
  opset: z.number().optional(),
});
export type ImportedFrom = z.infer<typeof importedFromSchema>;

/**
 * Temperature scaling (engine/training/temperature-scaling.ts; Guo et al. 2017): the model's
 * probabilities are softmax(logits / temperature), T fitted after training to minimise the
 * NLL on the validation set, the last `validationCount` MNIST training images. The expected
 * calibration error there (15 bins) before (T = 1) and after. A model without it (no
 * validation split, an older file, an ONNX import not yet calibrated) predicts with T = 1.
 */
export const modelCalibrationSchema = z.object({
  temperature: z.number().positive().max(1000),
  validationCount: z.number().int().min(0),
  eceBefore: z.number().min(0).max(1),
  eceAfter: z.number().min(0).max(1),
});
export type ModelCalibration = z.infer<typeof modelCalibrationSchema>;

/** The scores "not a digit" can be decided on (engine/metrics/rejection.ts computes them). */
export const REJECTION_SCORE_NAMES = ['max-probability', 'max-logit', 'energy'] as const;
/** At most this share of each set of real digits may be rejected as not a digit. */
export const MAX_DIGIT_REJECTION = 0.01;

const rejectedOfSchema = z.object({ rejected: z.number().int().min(0), count: z.number().int().min(0) });

/**
 * Saying "not a digit" (digits/rejection.ts): a drawing whose `score` (of the logits at
 * `temperature`) is below `threshold` is rejected. The threshold is the highest that rejects
 * at most `maxDigitRejection` of the MNIST validation images and of the drawn digits
 * (`digitRejection`: what it rejects of each); the score is the one of `separation` that
 * rejects the most synthetic non-digits of the fitting templates at its own threshold
 * (the area under the ROC curve breaks ties). A model without it never rejects.
 */
export const modelRejectionSchema = z.object({
  score: z.enum(REJECTION_SCORE_NAMES),
  threshold: z.number(),
  temperature: z.number().positive().max(1000),
  maxDigitRejection: z.number().min(0).max(1),
  digitRejection: z.object({ validation: rejectedOfSchema, drawn: rejectedOfSchema }),
  separation: z.array(
    z.object({
      score: z.enum(REJECTION_SCORE_NAMES),
      threshold: z.number(),
      auroc: z.number().min(0).max(1),
      nonDigits: rejectedOfSchema,
    }),
  ),
});
export type ModelRejection = z.infer<typeof modelRejectionSchema>;

/** One bin of a reliability diagram (engine/metrics/calibration.ts): confidences in (lower, upper]. */
export const reliabilityBinSchema = z.object({
  lower: z.number(),
  upper: z.number(),
  count: z.number(),
  confidence: z.number(),
  accuracy: z.number(),
});

/**
 * A temperature measured on a set of images (the report's and `tegaki evaluate`'s: MNIST's
 * test set): the ECE and the reliability diagram at T = 1 (before) and at the model's T (after).
 */
export const calibrationMeasureSchema = z.object({
  temperature: z.number(),
  count: z.number(),
  eceBefore: z.number(),
  eceAfter: z.number(),
  reliabilityBefore: z.array(reliabilityBinSchema),
  reliabilityAfter: z.array(reliabilityBinSchema),
});

/** Optional, and dropped rather than fatal when it does not fit. */
const lenient = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);

export const modelMetadataSchema = z.object({
  name: lenient(z.string()),
  /** ISO 8601. */
  createdAt: lenient(z.string()),
  hyperparameters: lenient(hyperparametersSchema),
  /** How the person's drawings took part, for models trained with them. */
  personal: lenient(personalTrainingSchema),
  history: lenient(wellFormedEpochs),
  /** The raw batch loss along training (every k-th step on long runs). */
  lossCurve: lenient(z.array(lossPointSchema)),
  metrics: lenient(modelFileMetricsSchema),
  /** The file a fine-tuned model continued from. */
  fineTunedFrom: lenient(z.string()),
  /** How a fine-tuned model was: its dense head alone on frozen conv features, or every layer (personal-training.ts). */
  fineTuning: lenient(z.enum(fineTuneWays)),
  /** For a model trained elsewhere and imported (digits/io/onnx/import-onnx.ts): its format, the tool that wrote it and its opset. */
  importedFrom: lenient(importedFromSchema),
  /** The temperature the model predicts with, and how it was fitted; absent: uncalibrated, T = 1. */
  calibration: lenient(modelCalibrationSchema),
  /** When the model says "not a digit"; absent: it never does. */
  rejection: lenient(modelRejectionSchema),
  /** How many threads trained it (shared/threads.ts); with the seed, what repeats the run. Absent: 1. */
  threads: lenient(threadsSchema),
});
export type ModelMetadata = z.output<typeof modelMetadataSchema>;
export type ModelFileMetrics = z.output<typeof modelFileMetricsSchema>;

/** The temperature a model file's model predicts with: its fitted one, or 1 when it has none. */
export function temperatureOf(metadata: ModelMetadata): number {
  return metadata.calibration?.temperature ?? 1;
}

/** Checks a decoded file's metadata: what fits is kept, the rest dropped (see above). */
export function parseModelMetadata(raw: unknown): ModelMetadata {
  return modelMetadataSchema.catch({}).parse(raw ?? {});
}
