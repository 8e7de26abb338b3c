import { z } from 'zod';
import type { LayerSpec, ModelSpec } from '../../engine/model/spec';
import { featureCount, inputShapeOf, layerShapes } from '../../engine/model/spec';
import { LAYER_TYPES } from '../../shared/inspection';

/**
 * What a model file may ask of the machine that reads it. A model file is untrusted
 * input wherever it comes from (an import in the app or the browser mode, a command-line
 * argument): a few hundred well-signed bytes can describe a network whose first forward
 * pass needs gigabytes. So every file is measured against these limits from its header
 * alone, before a single weight is allocated, and a file beyond one is refused with the
 * limit it broke. Each bound leaves room above the largest model the training form
 * builds that could be saved at all (4 conv blocks of 128 7x7 filters with 'same'
 * padding and batch norm: 12 image layers of 28x28x128 = 100,352 features, about 1.9
 * billion multiply-adds), so only hand-made files meet them.
 *
 * One sample's forward pass then stays within about
 *   4·(parameters + featuresPerSample + convColumnsPerSample) bytes = 64 + 8 + 64 MiB.
 */
export const MODEL_FILE_LIMITS = {
  /** The whole file. 16M float32 weights; also what an import may send over IPC. */
  fileBytes: 64 * 1024 * 1024,
  /** The JSON header: spec, metadata (10,000 loss points and 1,000 epochs are under 1 MiB) and tensor list. */
  headerBytes: 8 * 1024 * 1024,
  /** Layers in the spec; the form builds at most 42. */
  layers: 64,
  /** Weights, biases and batch-norm statistics together (64 MiB of float32, the file's own bound). */
  parameters: 1 << 24,
  /** Features of one sample at any layer's output, or at the input (28x28x256 fits). */
  featuresPerLayer: 1 << 18,
  /** Features of one sample summed over every layer's output: what a forward pass keeps. */
  featuresPerSample: 1 << 21,
  /** A conv layer's im2col block for one sample, out-height · out-width · k · k · in-channels. */
  convColumnsPerSample: 1 << 24,
  /** Multiply-adds (and pooling comparisons) of one sample's forward pass: a few seconds at most. */
  operationsPerSample: 2 ** 31,
} as const;

export { LAYER_TYPES };
/** True when the shared list names exactly the engine's layer types; a type added to one alone fails to compile here. */
type SameUnion<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const LAYER_TYPES_MATCH_SPEC: SameUnion<(typeof LAYER_TYPES)[number], LayerSpec['type']> = true;

const count = z.number().int().min(0);
const positive = z.number().int().min(1);
const finite = z.number();
const initSchema = z.looseObject({
  kind: z.enum(['uniform', 'gaussian', 'xavier', 'he']),
  std: finite.optional(),
  limit: finite.optional(),
});

/** Checks a layer's fields; that its sizes fit its input is layerShapes' job (spec.ts). */
const layerSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('dense'), units: positive, init: initSchema }),
  z.looseObject({
    type: z.literal('conv2d'),
    filters: positive,
    kernelSize: positive,
    stride: positive.optional(),
    padding: z.union([z.literal('same'), z.literal('valid'), count]),
    init: initSchema,
  }),
  z.looseObject({ type: z.literal('max-pool'), size: positive, stride: positive.optional() }),
  z.looseObject({ type: z.literal('batch-norm'), momentum: finite.optional(), epsilon: finite.optional() }),
  z.looseObject({ type: z.literal('flatten') }),
  z.looseObject({ type: z.literal('relu') }),
  z.looseObject({ type: z.literal('sigmoid') }),
  z.looseObject({ type: z.literal('tanh') }),
  z.looseObject({ type: z.literal('leaky-relu'), alpha: finite.optional() }),
  z.looseObject({ type: z.literal('dropout'), rate: z.number().min(0).max(1) }),
]);

const specSchema = z.looseObject({
  inputSize: positive,
  inputShape: z.tuple([positive, positive, positive]).optional(),
  layers: z.array(layerSchema).max(MODEL_FILE_LIMITS.layers),
  loss: z.enum(['softmax-cross-entropy', 'squared-error']),
});

/** Where a tensor lies, in float32 elements from the start of the tensor data. */
export interface TensorEntry {
  name: string;
  shape: number[];
  offset: number;
  length: number;
}

const tensorEntrySchema = z.looseObject({ name: z.string(), shape: z.array(count), offset: count, length: count });

/** The header once its shape is known good; the metadata is parsed by its own schema (src/shared/model-metadata.ts). */
const headerSchema = z.looseObject({ spec: specSchema, metadata: z.unknown(), tensors: z.array(tensorEntrySchema) });

export interface ModelHeader {
  spec: ModelSpec;
  metadata: unknown;
  tensors: TensorEntry[];
}

export type HeaderProblem = { kind: 'unknown-layer' | 'corrupted' | 'too-large'; detail: string };

/** The JSON header checked against its schema; an unknown layer type is named, not lumped in with a malformed header. */
export function parseModelHeader(json: unknown): { header: ModelHeader } | { problem: HeaderProblem } {
  const layers = (json as { spec?: { layers?: unknown } } | null)?.spec?.layers;
  if (Array.isArray(layers)) {
    if (layers.length > MODEL_FILE_LIMITS.layers) {
      return { problem: { kind: 'too-large', detail: `it has ${layers.length} layers; a model has at most ${MODEL_FILE_LIMITS.layers}` } };
    }
    const known = new Set<unknown>(LAYER_TYPES);
    const unknown = layers.map((layer, i) => ({ i, type: (layer as { type?: unknown } | null)?.type })).filter(({ type }) => !known.has(type));
    if (unknown.length > 0) {
      const named = unknown.slice(0, 5).map(({ i, type }) => `${JSON.stringify(type) ?? 'none'} (layer ${i})`);
      return { problem: { kind: 'unknown-layer', detail: `layer type ${named.join(', ')}; this Tegaki knows ${LAYER_TYPES.join(', ')}` } };
    }
  }
  const checked = headerSchema.safeParse(json);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    return { problem: { kind: 'corrupted', detail: `the header is malformed at ${issue.path.join('.') || '(root)'}: ${issue.message}` } };
  }
  // The original JSON, not the parse's copy: fields a newer Tegaki added are kept.
  return { header: json as ModelHeader };
}

/**
 * Why `spec` is beyond MODEL_FILE_LIMITS, or undefined when it is within them. Reads
 * only the spec (shapes by arithmetic, nothing allocated); throws, as layerShapes does,
 * on a layer that does not fit its input.
 */
export function modelBudgetProblem(spec: ModelSpec): string | undefined {
  const limits = MODEL_FILE_LIMITS;
  if (spec.layers.length > limits.layers) return `it has ${spec.layers.length} layers; a model has at most ${limits.layers}`;
  for (const [i, layer] of spec.layers.entries()) {
    // More padding than kernelSize - 1 only adds outputs that see nothing but zeros,
    // and is how a tiny file asks for a huge image.
    if (layer.type === 'conv2d' && typeof layer.padding === 'number' && layer.padding > layer.kernelSize - 1) {
      return `layer ${i} (conv2d) pads by ${layer.padding} pixels with a ${layer.kernelSize}x${layer.kernelSize} kernel; padding is at most the kernel size less 1`;
    }
  }
  const input = inputShapeOf(spec);
  if (spec.inputSize > limits.featuresPerLayer) {
    return `it takes ${spec.inputSize} inputs; a layer has at most ${limits.featuresPerLayer} features`;
  }
  const shapes = layerShapes(spec);
  let parameters = 0;
  let features = 0;
  let operations = 0;
  for (const [i, layer] of spec.layers.entries()) {
    const before = i === 0 ? input : shapes[i - 1];
    const out = featureCount(shapes[i]);
    const name = `layer ${i} (${layer.type})`;
    if (out > limits.featuresPerLayer) {
      return `${name} gives ${shapes[i].height}x${shapes[i].width}x${shapes[i].channels} = ${out} features per sample; a layer gives at most ${limits.featuresPerLayer}`;
    }
    features += out;
    if (layer.type === 'dense') {
      parameters += (featureCount(before) + 1) * layer.units;
      operations += featureCount(before) * layer.units;
    } else if (layer.type === 'conv2d') {
      const field = layer.kernelSize * layer.kernelSize * before.channels;
      parameters += (field + 1) * layer.filters;
      operations += out * field;
      const columns = shapes[i].height * shapes[i].width * field;
      if (columns > limits.convColumnsPerSample) {
        return `${name} needs ${columns} im2col values per sample; a conv layer needs at most ${limits.convColumnsPerSample}`;
      }
    } else if (layer.type === 'max-pool') {
      operations += out * layer.size * layer.size;
    } else {
      if (layer.type === 'batch-norm') parameters += 4 * before.channels;
      operations += out;
    }
    if (parameters > limits.parameters) return `its layers up to ${name} hold ${parameters} parameters; a model holds at most ${limits.parameters}`;
  }
  if (features > limits.featuresPerSample) {
    return `its layers give ${features} features per sample in all; a forward pass keeps at most ${limits.featuresPerSample}`;
  }
  if (operations > limits.operationsPerSample) {
    return `one forward pass takes ${operations} multiply-adds per sample; a model takes at most ${limits.operationsPerSample}`;
  }
  return undefined;
}
