import { z } from 'zod';

/**
 * What a look inside a model returns, in one shape from the engine (model/inspect.ts) to
 * the screen and `tegaki inspect`: every layer's activations for one input, and a layer's
 * learned parameters. The engine process, the IPC and the command line carry it unchanged.
 *
 * A model file may be large (MODEL_FILE_LIMITS), so each tensor returned is cut to at most
 * these many values, keeping whole slices (feature maps, filters, units) and saying so
 * with `truncated`; its statistics always cover the whole tensor.
 */
export const INSPECTION_LIMITS = {
  /** Values of one layer's activations (256 KiB of float32): 64 maps of 28x28 fit whole. */
  activationValues: 1 << 16,
  /** Values of one parameter tensor (1 MiB): the built-in CNN's 1568x128 dense weights fit whole. */
  parameterValues: 1 << 18,
} as const;

/**
 * The layer types this Tegaki builds (engine/model/spec.ts LayerSpec['type']): a model file
 * naming another is refused by name (digits/io/model-header.ts, which fails to compile if
 * the two drift), and every inspected layer is one of them.
 */
export const LAYER_TYPES = [
  'dense',
  'conv2d',
  'max-pool',
  'batch-norm',
  'flatten',
  'relu',
  'sigmoid',
  'tanh',
  'leaky-relu',
  'dropout',
] as const;

const floatsSchema = z.custom<Float32Array>((v) => v instanceof Float32Array, 'expected a Float32Array');
const size = z.number().int().min(0);

/** Over every value of the tensor, truncated or not. `zeroFraction`: the share exactly 0 (dead ReLUs, pooled-away maps). */
export const tensorStatsSchema = z.object({
  min: z.number(),
  max: z.number(),
  mean: z.number(),
  zeroFraction: z.number().min(0).max(1),
});
export type TensorStats = z.infer<typeof tensorStatsSchema>;

/**
 * A tensor to show: `values` row-major in `shape`, which is `fullShape` with its slice
 * axis (maps, filters, units) cut to what fits the limit when `truncated`.
 */
export const displayTensorSchema = z.object({
  shape: z.array(size),
  fullShape: z.array(size),
  values: floatsSchema,
  truncated: z.boolean(),
  stats: tensorStatsSchema,
});
export type DisplayTensor = z.infer<typeof displayTensorSchema>;

/**
 * One layer's output for the input. Image outputs are `[channels, height, width]`, each
 * feature map contiguous (the engine computes channels-last; maps are cut whole); flat
 * outputs `[units]`, in the order the next layer reads them.
 */
export const layerActivationSchema = displayTensorSchema.extend({
  /** Its place in the model, 0 = the layer the pixels go into. */
  index: size,
  kind: z.enum(LAYER_TYPES),
  /**
   * Conv and pooling: the window each output pixel reads, `size` x `size` moving by
   * `stride`, output (y, x) starting at input (y·stride − padTop, x·stride − padLeft);
   * outside the input is zero padding. What a unit's receptive field is computed from.
   */
  window: z.object({ size: size.min(1), stride: size.min(1), padTop: size, padLeft: size }).optional(),
  /** Leaky ReLU's slope below zero. */
  alpha: z.number().optional(),
  /** Batch norm's ε in (x − μ) / √(σ² + ε). */
  epsilon: z.number().optional(),
  /**
   * Sent without its values (`values` empty; shape, `truncated` and stats as ever): the page
   * computes them exactly from the layer before (derived-activations.ts withDerivedValues)
   * before anything reads them. Only an IPC answer has such layers (omitDerivedValues).
   */
  derived: z.literal(true).optional(),
});
export type LayerActivation = z.infer<typeof layerActivationSchema>;

export const activationsSchema = z.object({
  /** Every layer, in model order; the last one's output is the logits. */
  layers: z.array(layerActivationSchema),
  /** softmax(logits / temperature): what the model predicts. */
  probabilities: z.array(z.number()),
  temperature: z.number().positive(),
});
export type Activations = z.infer<typeof activationsSchema>;

/**
 * A layer's learned tensors, by name: conv `weights` `[filters, inChannels, k, k]` (cut
 * by whole filters) and `bias` `[filters]`; dense `weights` `[inputs, units]` (cut by
 * whole units, so each kept unit's column is complete) and `bias` `[units]`; batch norm
 * `gamma`, `beta`, `runningMean`, `runningVar` `[channels]`. Empty for a layer that
 * learns nothing (activations, pooling, flatten, dropout).
 */
export const layerParametersSchema = z.object({
  index: size,
  kind: z.enum(LAYER_TYPES),
  /** The layer's input as `[channels, height, width]` or `[features]`: what a filter or a weight column is laid over. */
  inputShape: z.array(size),
  tensors: z.array(displayTensorSchema.extend({ name: z.string() })),
});
export type LayerParameters = z.infer<typeof layerParametersSchema>;
