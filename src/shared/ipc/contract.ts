import { z } from 'zod';
import { hyperparametersSchema } from '../hyperparameters';
import type { Hyperparameters } from '../hyperparameters';

/**
 * Every channel between the renderer and the main process, in one place: for each
 * invoke channel its request and response, for each event its payload. The main side
 * validates every request with these schemas before a handler sees it; the renderer's
 * forms use the same schemas (hyperparametersSchema for training).
 *
 * Typed arrays (pixels, probabilities) cross Electron's IPC as themselves (structured
 * clone) and the browser bridge's JSON through wire.ts.
 */

const MAX_NAME = 80;

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
  .max(MAX_NAME, `a name has at most ${MAX_NAME} characters`);

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
});

export const progressSchema = z.object({
  jobId: z.string(),
  phase: z.enum(['loading', 'training', 'evaluating']),
  step: z.number(),
  totalSteps: z.number(),
  epoch: z.number(),
  totalEpochs: z.number(),
  /** Smoothed batch loss; NaN before the first step is sent as null. */
  loss: z.number().nullable(),
  /** Latest accuracy measured (test set after each epoch), null before the first epoch ends. */
  accuracy: z.number().nullable(),
  trainAccuracy: z.number().nullable(),
  samplesPerSecond: z.number(),
  elapsedSeconds: z.number(),
  etaSeconds: z.number(),
});

export const epochSchema = z.object({
  jobId: z.string(),
  epoch: z.number(),
  step: z.number(),
  trainLoss: z.number(),
  trainAccuracy: z.number(),
  testLoss: z.number(),
  testAccuracy: z.number(),
  validationLoss: z.number().optional(),
  validationAccuracy: z.number().optional(),
  elapsedSeconds: z.number(),
});

export const classMetricsSchema = z.object({
  label: z.number(),
  precision: z.number(),
  recall: z.number(),
  f1: z.number(),
  support: z.number(),
});

const averageMetricsSchema = z.object({ precision: z.number(), recall: z.number(), f1: z.number(), support: z.number() });

export const classificationReportSchema = z.object({
  classes: z.array(classMetricsSchema),
  accuracy: z.number(),
  macroAvg: averageMetricsSchema,
  weightedAvg: averageMetricsSchema,
});

export const errorCodes = [
  /** The payload failed its schema. */
  'invalid-payload',
  'unknown-channel',
  /** The sender is not the app's own page. */
  'forbidden',
  'not-found',
  /** A training job is already running (a second one is refused, not queued). */
  'busy',
  'cancelled',
  'diverged',
  /** The engine process died or stopped answering; the next job starts a fresh one. */
  'engine-crashed',
  /** A model file that cannot be read: bad magic, truncated, wrong shapes... */
  'invalid-model',
  /** The built-in default model cannot be renamed or deleted. */
  'read-only',
  'data-missing',
  'internal',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export const ipcErrorSchema = z.object({ code: z.enum(errorCodes), message: z.string() });
export type IpcError = z.infer<typeof ipcErrorSchema>;

/** What every invoke resolves to: never a rejection, so a renderer always gets a reason. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: IpcError };

const pixelsSchema = z
  .union([floatsSchema, z.array(z.number())])
  .refine((p) => p.length === 784, 'an image is 784 pixels (28 x 28)')
  .refine((p) => Array.prototype.every.call(p, (v: number) => Number.isFinite(v) && v >= 0 && v <= 1), 'pixels are numbers in 0..1');

const none = z.undefined().or(z.null()).optional();

export const invokeContract = {
  'models:list': { request: none, response: z.array(modelSummarySchema) },
  'models:active': { request: none, response: modelSummarySchema },
  'models:rename': { request: z.object({ id: modelIdSchema, name: modelNameSchema }), response: modelSummarySchema },
  'models:delete': { request: z.object({ id: modelIdSchema }), response: z.object({ deleted: z.literal(true) }) },
  'models:setActive': { request: z.object({ id: modelIdSchema }), response: modelSummarySchema },
  /** Saves a copy where the user chooses (a save dialog in the app); null path when they cancel. */
  'models:export': { request: z.object({ id: modelIdSchema }), response: z.object({ path: z.string().nullable() }) },
  /**
   * Adds a model file: the bytes the renderer read (file input or drop), or, without
   * bytes, one the user picks in an open dialog. Null model when they cancel.
   */
  'models:import': {
    request: z
      .object({
        fileName: z.string().max(255).optional(),
        bytes: bytesSchema.refine((b) => b.length <= 64 * 1024 * 1024, 'a model file is at most 64 MB').optional(),
      })
      .optional(),
    response: z.object({ model: modelSummarySchema.nullable() }),
  },
  /** Class probabilities for one 28x28 image from the active model. */
  predict: {
    request: z.object({ pixels: pixelsSchema }),
    response: z.object({ modelId: modelIdSchema, probabilities: z.array(z.number()).length(10) }),
  },
  'training:start': {
    request: z.object({
      hyperparameters: hyperparametersSchema,
      name: modelNameSchema.optional(),
      /** Test on only the first N of MNIST's 10,000 test images (faster epochs). */
      testSize: z.number().int().min(1).max(10_000).optional(),
    }),
    response: z.object({ jobId: z.string() }),
  },
  'training:cancel': { request: z.object({ jobId: z.string().optional() }).optional(), response: z.object({ cancelled: z.boolean() }) },
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
      /** `count x 10`, row-major. */
      probabilities: floatsSchema,
    }),
  },
  /** Test images by index, for the gallery: `indices.length x 784` bytes, 0 = background. */
  'mnist:testImages': {
    request: z.object({ indices: z.array(z.number().int().min(0).max(9_999)).max(1_000) }),
    response: z.object({ pixels: bytesSchema, labels: bytesSchema }),
  },
} as const;

export const eventContract = {
  'training:progress': progressSchema,
  'training:epoch': epochSchema,
  'training:done': z.object({ jobId: z.string(), model: modelSummarySchema, testAccuracy: z.number(), testLoss: z.number() }),
  'training:error': z.object({ jobId: z.string(), error: ipcErrorSchema }),
  'models:changed': z.object({ models: z.array(modelSummarySchema) }),
  /** Something the user should see, e.g. a corrupted model replaced by the default. */
  notice: z.object({ level: z.enum(['info', 'warning', 'error']), message: z.string() }),
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

/** zod's issues as one readable line each: `hyperparameters.learningRate: must be positive`. */
export function describeZodError(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(payload)'}: ${issue.message}`).join('\n');
}

/** Validates a request for `channel`; the handler then sees only well-formed data. */
export function parseRequest<C extends InvokeChannel>(channel: C, payload: unknown): Result<ParsedRequestOf<C>> {
  const parsed = invokeContract[channel].request.safeParse(payload);
  if (!parsed.success) return fail('invalid-payload', `${channel}: ${describeZodError(parsed.error)}`);
  return ok(parsed.data as ParsedRequestOf<C>);
}
