import { z } from 'zod';
import { describeIssues, hyperparametersSchema } from '../hyperparameters';
import { fineTuneOptionsSchema, personalTrainingSchema } from '../personal-training';
import { epochRecordSchema, lossPointSchema, trainingProgressSchema } from '../training-progress';
import type { Hyperparameters } from '../hyperparameters';
import { errorCodes } from '../errors';
import type { ErrorCode } from '../errors';
import {
  calibrationMeasureSchema,
  classificationReportSchema,
  modelCalibrationSchema,
  modelRejectionSchema,
  importedFromSchema,
  modelFileMetricsSchema,
  modelFormatSchema,
  savedEpochRecordSchema,
} from '../model-metadata';
import { strokesSchema as drawingSchema } from '../../digits/preprocess/strokes-file';
import { activationsSchema, layerParametersSchema } from '../inspection';
import { EXPERIMENT_LIMITS, experimentEditsSchema, experimentResultSchema } from '../experiment';
import { stepRecordSchema, stepSessionSchema } from '../step-mode';
import { TIMELINE_LIMITS, snapshotEvaluationSchema, snapshotIndexSchema, timelineSchema } from '../timeline';
import { drawnDigitsFiguresSchema, notADigitFiguresSchema } from '../drawn-evaluation';
import { MAX_THREADS, threadsSchema } from '../threads';

/**
 * Every channel between the renderer and the main process, in one place: for each
 * invoke channel its request and response, for each event its payload. The main side
 * validates every request with these schemas before a handler sees it; the renderer's
 * forms use the same schemas (hyperparametersSchema for training).
 *
 * Typed arrays (pixels, probabilities) cross Electron's IPC as themselves (structured
 * clone) and the browser bridge's JSON through wire.ts.
 */

/** The longest model name; forms and names the backend derives (a fine-tuned copy's) keep to it. */
export const MAX_MODEL_NAME = 80;

// z.instanceof would type these as Uint8Array<ArrayBuffer>; views of any buffer are fine.
const bytesSchema = z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'expected bytes (a Uint8Array)');
const floatsSchema = z.custom<Float32Array>((v) => v instanceof Float32Array, 'expected a Float32Array');

export const modelIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9-]+$/, 'a model id is lowercase letters, digits and dashes');

export const modelNameSchema = z
  .string()
  .trim()
  .min(1, 'a model needs a name')
  .max(MAX_MODEL_NAME, `a name has at most ${MAX_MODEL_NAME} characters`);

export const modelMetricsSchema = z.object({
  testAccuracy: z.number(),
  testLoss: z.number(),
});

/** What lists and pickers show about a model; the weights stay in the main process. */
export const modelSummarySchema = z.object({
  id: modelIdSchema,
  name: z.string(),
  createdAt: z.string(),
  /** Where it came from; the built-in default cannot be renamed or deleted. */
  source: z.enum(['default', 'trained', 'imported']),
  active: z.boolean(),
  /** "784-256-10 relu". */
  architecture: z.string(),
  hyperparameters: z.custom<Hyperparameters>((v) => typeof v === 'object' && v !== null).optional(),
  metrics: modelMetricsSchema.optional(),
  /** For a model trained elsewhere: the format it arrived in, the tool that wrote it and its opset. */
  importedFrom: importedFromSchema.optional(),
  /** Bytes of the model's training timeline (its snapshots), when it kept one. */
  timelineBytes: z.number().int().min(0).optional(),
});

/** A training job's progress as the renderer receives it: the one progress shape, with its job. */
export const progressSchema = trainingProgressSchema.extend({ jobId: z.string() });

/** A finished epoch's record, with its job. */
export const epochSchema = epochRecordSchema.extend({ jobId: z.string() });

/** What a model file says about how it was trained, for the report's curves. */
export const modelDetailsSchema = z.object({
  id: modelIdSchema,
  hyperparameters: z.custom<Hyperparameters>((v) => typeof v === 'object' && v !== null).optional(),
  /** How the person's drawings took part in training, for models trained with them. */
  personal: personalTrainingSchema.optional(),
  /** Empty when the file kept no history (imported from elsewhere, or made before history was kept). */
  history: z.array(savedEpochRecordSchema),
  /** The raw batch loss of every step the file kept (every k-th on long runs); empty when it kept none. */
  lossCurve: z.array(lossPointSchema),
  /** The file's metrics, less the confusion matrix and report (the evaluate channel gives those). */
  metrics: modelFileMetricsSchema.omit({ confusion: true, report: true }).optional(),
  /** The temperature the model predicts with and how it was fitted; absent: uncalibrated (T = 1). */
  calibration: modelCalibrationSchema.optional(),
  /** When the model says "not a digit" and what that costs on real digits; absent: it never does. */
  rejection: modelRejectionSchema.optional(),
});

export { errorCodes } from '../errors';
export type { ErrorCode } from '../errors';

export const ipcErrorSchema = z.object({ code: z.enum(errorCodes), message: z.string() });
export type IpcError = z.infer<typeof ipcErrorSchema>;

/** What every invoke resolves to: never a rejection, so a renderer always gets a reason. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: IpcError };

const pixelsSchema = z
  .union([floatsSchema, z.array(z.number())])
  .refine((p) => p.length === 784, 'an image is 784 pixels (28 x 28)')
  .refine((p) => Array.prototype.every.call(p, (v: number) => Number.isFinite(v) && v >= 0 && v <= 1), 'pixels are numbers in 0..1');

const none = z.undefined().or(z.null()).optional();

const digitSchema = z.number().int().min(0, 'a digit is 0..9').max(9, 'a digit is 0..9');

/**
 * A drawing as the canvas records it: strokes of `[x, y]` points (y down), the command
 * line's strokes format, within its DRAWING_LIMITS (src/digits/preprocess/strokes-file.ts).
 */
export const strokesSchema = drawingSchema.refine((strokes) => strokes.length > 0, 'the drawing is empty');

export const personalSampleIdSchema = z.string().min(1).max(200);

/** How many personal samples each digit 0..9 has. */
export const digitCountsSchema = z.array(z.number().int().min(0)).length(10);

/** A corrected drawing as galleries show it: its 28x28 network input (bytes), not its strokes. */
export const personalSampleSchema = z.object({
  id: personalSampleIdSchema,
  label: digitSchema,
  createdAt: z.string(),
  input: bytesSchema,
});

/** A finished job: its saved model and its figures ('training:done', and the answer of 'training:saveAgain'). */
export const trainingDoneSchema = z.object({
  jobId: z.string(),
  model: modelSummarySchema,
  /** On the validation set, the last validationCount training images (null when none was held out). */
  validationAccuracy: z.number().nullable().optional(),
  validationCount: z.number().optional(),
  /** On MNIST's test set: the final figure. */
  testAccuracy: z.number(),
  testLoss: z.number(),
  /** Accuracy on the held-out personal drawings (null when none were held out). */
  personalTestAccuracy: z.number().nullable().optional(),
  personalTestCount: z.number().optional(),
});

/** Something the user should see, e.g. a corrupted model replaced by the default. */
export const noticeSchema = z.object({ level: z.enum(['info', 'warning', 'error']), message: z.string() });

export const invokeContract = {
  'models:list': { request: none, response: z.array(modelSummarySchema) },
  'models:active': { request: none, response: modelSummarySchema },
  'models:rename': { request: z.object({ id: modelIdSchema, name: modelNameSchema }), response: modelSummarySchema },
  'models:delete': { request: z.object({ id: modelIdSchema }), response: z.object({ deleted: z.literal(true) }) },
  'models:setActive': { request: z.object({ id: modelIdSchema }), response: modelSummarySchema },
  /** Hyperparameters, per-epoch history and metrics from the model file (summaries leave the history out). */
  'models:details': { request: z.object({ id: modelIdSchema }), response: modelDetailsSchema },
  /**
   * Saves a copy where the user chooses (a save dialog in the app), as a Tegaki file or
   * as ONNX; null path when they cancel.
   */
  'models:export': {
    request: z.object({ id: modelIdSchema, format: modelFormatSchema.default('tegaki') }),
    response: z.object({ path: z.string().nullable() }),
  },
  /**
   * Adds a model file, Tegaki's or ONNX (stored as a Tegaki file): the bytes the renderer
   * read (file input or drop), or, without bytes, one the user picks in an open dialog.
   * Null model when they cancel.
   */
  'models:import': {
    request: z
      .object({
        fileName: z.string().max(255).optional(),
        // MODEL_FILE_LIMITS.fileBytes (src/digits/io/model-header.ts), which the renderer's build cannot import.
        bytes: bytesSchema.refine((b) => b.length <= 64 * 1024 * 1024, 'a model file is at most 64 MB').optional(),
      })
      .optional(),
    response: z.object({ model: modelSummarySchema.nullable() }),
  },
  /**
   * Class probabilities for one 28x28 image from the active model, and whether the model
   * says it is not a digit at all (digits/rejection.ts; always false for a model without a
   * fitted threshold). The probabilities are given either way.
   */
  predict: {
    request: z.object({ pixels: pixelsSchema }),
    response: z.object({
      modelId: modelIdSchema,
      probabilities: z.array(z.number()).length(10),
      notADigit: z.boolean(),
    }),
  },
  'training:start': {
    request: z.object({
      hyperparameters: hyperparametersSchema,
      name: modelNameSchema.optional(),
      /** Test on only the first N of MNIST's 10,000 test images (faster epochs). */
      testSize: z.number().int().min(1).max(10_000).optional(),
      /** Whether and how the person's corrected drawings take part (default: MNIST only). */
      personal: personalTrainingSchema.optional(),
      /**
       * With personal mode 'fine-tune': the active model continues from its weights with its
       * own hyperparameters at a tenth of its learning rate, 3 epochs, 10,000 MNIST images
       * (FINE_TUNE_DEFAULTS), unless these say otherwise; `hyperparameters` is not used.
       */
      fineTune: fineTuneOptionsSchema.optional(),
      /**
       * Keep snapshots of the weights as it trains, saved beside the model as its training
       * timeline (src/shared/timeline.ts); they do not change the run. Default: none kept.
       */
      keepSnapshots: z.boolean().optional(),
      /**
       * How many threads share each batch (src/shared/threads.ts; not a hyperparameter).
       * Default: the engine's, every core but one. The model file records the count. A
       * conv model's head fine-tune does not use it: its dense head trains on one thread
       * (its frozen features come from the engine's own pool, computed once per model).
       */
      threads: threadsSchema.optional(),
    }),
    response: z.object({ jobId: z.string() }),
  },
  /**
   * The machine training runs on: its cores and the thread count the engine takes by
   * default (every core but one, so drawing stays smooth), for the Train form's Threads field.
   */
  'app:machine': {
    request: none,
    response: z.object({ cores: z.number().int().min(1), defaultThreads: threadsSchema, maxThreads: z.literal(MAX_THREADS) }),
  },
  'training:cancel': { request: z.object({ jobId: z.string().optional() }).optional(), response: z.object({ cancelled: z.boolean() }) },
  /**
   * Writes again a trained model whose save failed ('training:error' with code
   * 'save-failed'; the backend keeps it until the app quits). Answers what
   * 'training:done' would have said; 'save-failed' again if it still cannot be written.
   */
  'training:saveAgain': { request: z.object({ jobId: z.string() }), response: trainingDoneSchema },
  /**
   * What happened at start-up before the page could listen (the settings file set aside,
   * store entries or model files recovered): each notice is given once.
   */
  'notices:startup': { request: none, response: z.array(noticeSchema) },
  /**
   * A model on MNIST's test set: the report and confusion matrix, plus every test
   * image's prediction and probabilities so the confusion-matrix cells open a gallery.
   */
  evaluate: {
    request: z.object({ id: modelIdSchema, testSize: z.number().int().min(1).max(10_000).optional() }),
    response: z.object({
      modelId: modelIdSchema,
      count: z.number(),
      accuracy: z.number(),
      loss: z.number(),
      confusion: z.array(z.array(z.number())),
      report: classificationReportSchema,
      /** Per test image, in test-set order. */
      labels: bytesSchema,
      predictions: bytesSchema,
      /** `count x 10`, row-major: the model's (calibrated) probabilities. */
      probabilities: floatsSchema,
      /** On these test images: expected calibration error and reliability bins before and after the temperature. */
      calibration: calibrationMeasureSchema,
      /** The bench's 5,000 drawn digits read right, overall and per style MNIST lacks. */
      drawn: drawnDigitsFiguresSchema,
      /** The rejected share of these test images, the drawn digits and the held-out non-digits; null: the model never says "not a digit". */
      notADigit: notADigitFiguresSchema.nullable(),
    }),
  },
  /**
   * Stops the model's evaluation on its way (the report screen left it while it was
   * loading): its 'evaluate' answers 'cancelled' and the next one evaluates afresh.
   */
  'evaluate:cancel': { request: z.object({ id: modelIdSchema }), response: z.object({ cancelled: z.boolean() }) },
  /** Test images by index, for the gallery: `indices.length x 784` bytes, 0 = background. */
  'mnist:testImages': {
    request: z.object({ indices: z.array(z.number().int().min(0).max(9_999)).max(1_000) }),
    response: z.object({ pixels: bytesSchema, labels: bytesSchema }),
  },
  /** Gradient x input for the active model: which pixels pushed toward `target` (default: the top class). */
  explain: {
    request: z.object({ pixels: pixelsSchema, target: digitSchema.optional() }),
    response: z.object({
      modelId: modelIdSchema,
      label: digitSchema,
      probabilities: z.array(z.number()).length(10),
      /** 784 floats: positive pushed toward `label`, negative away from it. */
      attribution: floatsSchema,
    }),
  },
  /**
   * Inside a model (the active one unless `id` names another): every layer's output for
   * one 28x28 image, in order, and the probabilities; each layer's values within
   * INSPECTION_LIMITS.activationValues (src/shared/inspection.ts), with `truncated`. With
   * `snapshot`: through that snapshot of the model's training timeline ('timeline:list'), as
   * the weights were then, without any "break it" edits.
   */
  'inspect:activations': {
    request: z.object({ id: modelIdSchema.optional(), pixels: pixelsSchema, snapshot: snapshotIndexSchema.optional() }),
    response: activationsSchema.extend({
      modelId: modelIdSchema,
      /** The snapshot looked through, when one was asked for. */
      snapshot: snapshotIndexSchema.optional(),
      /** Present while a "break it" experiment is on for this model: the layers are its edited copy's, these the model's own. */
      originalProbabilities: z.array(z.number()).optional(),
    }),
  },
  /**
   * One layer's learned tensors (conv filters, dense weights, biases, batch norm's), each
   * within INSPECTION_LIMITS.parameterValues; empty for a layer that learns nothing.
   * A layer the model does not have is refused with the layers it has.
   */
  'inspect:parameters': {
    // MODEL_FILE_LIMITS.layers (src/digits/io/model-header.ts) is 64, which the renderer's build cannot import.
    request: z.object({
      id: modelIdSchema.optional(),
      layer: z.number().int().min(0, 'layers count from 0').max(63, 'a model has at most 64 layers'),
      snapshot: snapshotIndexSchema.optional(),
    }),
    response: layerParametersSchema.extend({ modelId: modelIdSchema, snapshot: snapshotIndexSchema.optional() }),
  },
  /**
   * The training timeline of a model (the active one unless `id` names another): the
   * snapshots its training kept, in order, and their bytes on disk; empty when it kept none.
   */
  'timeline:list': {
    request: z.object({ id: modelIdSchema.optional() }).optional(),
    response: timelineSchema.extend({ modelId: modelIdSchema }),
  },
  /**
   * Snapshot `index` on the first `testSize` test images (TIMELINE_LIMITS.defaultTestSize,
   * 1,000): accuracy, loss and confusion matrix, at temperature 1. Measured once per
   * snapshot and size by the engine, then given again from memory.
   */
  'timeline:evaluate': {
    request: z.object({
      id: modelIdSchema.optional(),
      index: snapshotIndexSchema,
      testSize: z.number().int().min(1).max(TIMELINE_LIMITS.testSize).optional(),
    }),
    response: snapshotEvaluationSchema.extend({ modelId: modelIdSchema }),
  },
  /** Deletes a model's timeline and keeps the model; `deleted` is false when it had none. */
  'timeline:delete': {
    request: z.object({ id: modelIdSchema }),
    response: z.object({ modelId: modelIdSchema, deleted: z.boolean() }),
  },
  /**
   * "Break it" (src/shared/experiment.ts): the active model with `edits` applied to a copy of
   * its weights, against the model itself, for the drawing and the first `testSize` test
   * images (default EXPERIMENT_LIMITS.defaultTestSize). The experiment stays on for the active
   * model, so 'inspect:activations' and 'inspect:parameters' look inside the copy, until
   * 'network:restore' (or an empty list) ends it. Nothing is written.
   */
  'network:experiment': {
    request: z.object({
      edits: experimentEditsSchema,
      pixels: pixelsSchema,
      testSize: z.number().int().min(1).max(EXPERIMENT_LIMITS.testSize).optional(),
    }),
    response: experimentResultSchema.extend({ modelId: modelIdSchema }),
  },
  /** Ends the experiment: the model is the file's again, bit for bit (it never stopped being on disk). */
  'network:restore': { request: none, response: z.object({ modelId: modelIdSchema, restored: z.boolean() }) },
  /** Saves the experiment's copy as a new model (not made active); refused when no experiment is on. */
  'network:save-experiment': { request: z.object({ name: modelNameSchema }), response: modelSummarySchema },
  /**
   * Step mode (src/shared/step-mode.ts): a fully connected network of at most
   * STEP_LIMITS.parameters from these hyperparameters' seed, trained one mini-batch per
   * 'step:next' by the trainer's own step. A larger network or a conv net is refused.
   */
  'step:start': { request: z.object({ hyperparameters: hyperparametersSchema }), response: stepSessionSchema },
  /** The next mini-batch: the batch, the loss, each dense layer's backward pass and update. 'not-found' before a start. */
  'step:next': { request: none, response: stepRecordSchema },
  /** Saves a drawing to the personal sample set with the digit it really is. */
  'personal:add': {
    request: z.object({ strokes: strokesSchema, label: digitSchema }),
    response: z.object({ sample: personalSampleSchema, counts: digitCountsSchema }),
  },
  'personal:list': { request: none, response: z.object({ counts: digitCountsSchema, samples: z.array(personalSampleSchema) }) },
  'personal:delete': { request: z.object({ id: personalSampleIdSchema }), response: z.object({ counts: digitCountsSchema }) },
  /**
   * The set as a strokes file with labels (what `tegaki train --personal` reads). The app
   * saves it where the user chooses (null path when they cancel); the browser mode
   * returns the JSON for the page to download.
   */
  'personal:export': {
    request: none,
    response: z.object({ path: z.string().nullable(), json: z.string().optional(), count: z.number() }),
  },
  /**
   * Adds the samples of a strokes file: the text the renderer read, or, without text,
   * one the user picks in an open dialog. A bad file is refused whole, with its reason.
   */
  'personal:import': {
    request: z
      .object({
        fileName: z.string().max(255).optional(),
        text: z.string().max(64 * 1024 * 1024, 'a samples file is at most 64 MB').optional(),
      })
      .optional(),
    response: z.object({ cancelled: z.boolean(), added: z.number(), skipped: z.number(), counts: digitCountsSchema }),
  },
} as const;

export const eventContract = {
  'training:progress': progressSchema,
  'training:epoch': epochSchema,
  'training:done': trainingDoneSchema,
  'training:error': z.object({ jobId: z.string(), error: ipcErrorSchema }),
  'models:changed': z.object({ models: z.array(modelSummarySchema) }),
  'personal:changed': z.object({ counts: digitCountsSchema }),
  /** Something the user should see, e.g. a corrupted model replaced by the default. */
  notice: noticeSchema,
} as const;

export type InvokeChannel = keyof typeof invokeContract;
export type EventChannel = keyof typeof eventContract;
export const invokeChannels = Object.keys(invokeContract) as InvokeChannel[];
export const eventChannels = Object.keys(eventContract) as EventChannel[];

/** What a caller may send (zod input: optional fields may be left out). */
export type RequestOf<C extends InvokeChannel> = z.input<(typeof invokeContract)[C]['request']>;
/** What the handler receives after validation. */
export type ParsedRequestOf<C extends InvokeChannel> = z.output<(typeof invokeContract)[C]['request']>;
export type ResponseOf<C extends InvokeChannel> = z.output<(typeof invokeContract)[C]['response']>;
export type EventOf<C extends EventChannel> = z.output<(typeof eventContract)[C]>;

export type ModelSummary = z.infer<typeof modelSummarySchema>;
export type TrainingProgressEvent = EventOf<'training:progress'>;
export type Evaluation = ResponseOf<'evaluate'>;
export type PersonalSampleSummary = z.infer<typeof personalSampleSchema>;
export type ModelDetails = ResponseOf<'models:details'>;

export function isInvokeChannel(channel: unknown): channel is InvokeChannel {
  return typeof channel === 'string' && Object.hasOwn(invokeContract, channel);
}

export function isEventChannel(channel: unknown): channel is EventChannel {
  return typeof channel === 'string' && Object.hasOwn(eventContract, channel);
}

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T = never>(code: ErrorCode, message: string): Result<T> {
  return { ok: false, error: { code, message } };
}

/** Validates a request for `channel`; the handler then sees only well-formed data. */
export function parseRequest<C extends InvokeChannel>(channel: C, payload: unknown): Result<ParsedRequestOf<C>> {
  const parsed = invokeContract[channel].request.safeParse(payload);
  if (!parsed.success) return fail('invalid-payload', `${channel}: ${describeIssues(parsed.error)}`);
  return ok(parsed.data as ParsedRequestOf<C>);
}
