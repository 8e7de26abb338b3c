/**
 * A model described as plain JSON, so any depth and width can be chosen from the
 * command line, the app's form or a file, and so the model file can store it.
 */
export type ActivationKind = 'relu' | 'sigmoid' | 'tanh' | 'leaky-relu';
export type InitKind = 'uniform' | 'gaussian' | 'xavier' | 'he';
export type LossKind = 'softmax-cross-entropy' | 'squared-error';

export interface InitSpec {
  kind: InitKind;
  /** Standard deviation for 'gaussian' (the notes used 0.01). */
  std?: number;
  /** Half-width for 'uniform' (the notes used 1, i.e. [-1, 1]). */
  limit?: number;
}

/**
 * Convolution padding: 'valid' (none), 'same' (TensorFlow's rule: output size
 * ceil(in / stride), the odd pixel of padding at the bottom and right), or a number of
 * zero pixels on every side.
 */
export type Padding = 'same' | 'valid' | number;

export type LayerSpec =
  | { type: 'dense'; units: number; init: InitSpec }
  | { type: 'conv2d'; filters: number; kernelSize: number; stride?: number; padding: Padding; init: InitSpec }
  | { type: 'max-pool'; size: number; stride?: number }
  /** Per channel (per feature after a dense layer); running statistics for inference. */
  | { type: 'batch-norm'; momentum?: number; epsilon?: number }
  /** Marks where image features become a vector; the data (NHWC, row-major) is unchanged. */
  | { type: 'flatten' }
  | { type: 'relu' }
  | { type: 'sigmoid' }
  | { type: 'tanh' }
  | { type: 'leaky-relu'; alpha?: number }
  | { type: 'dropout'; rate: number };

export interface ModelSpec {
  /** Features per sample: 784 for MNIST's 28x28. */
  inputSize: number;
  /**
   * [height, width, channels] of each sample, stored row-major with channels last
   * (NHWC). Needed by conv and pooling layers; absent means a flat [1, 1, inputSize].
   */
  inputShape?: [number, number, number];
  layers: LayerSpec[];
  /** Applied to the last layer's output (logits). */
  loss: LossKind;
}

/** A sample's features as an image: [height, width, channels], channels last. */
export interface FeatureShape {
  height: number;
  width: number;
  channels: number;
}

export const featureCount = (s: FeatureShape): number => s.height * s.width * s.channels;

/** Output size and the zero padding before the first row and column, along one axis. */
export interface ConvAxis {
  out: number;
  padBefore: number;
}

/** One spatial axis of a convolution or pooling window of `size` moving by `stride`. */
export function convAxis(input: number, size: number, stride: number, padding: Padding): ConvAxis {
  if (padding === 'same') {
    const out = Math.ceil(input / stride);
    const total = Math.max(0, (out - 1) * stride + size - input);
    return { out, padBefore: Math.floor(total / 2) };
  }
  const pad = padding === 'valid' ? 0 : padding;
  return { out: Math.floor((input + 2 * pad - size) / stride) + 1, padBefore: pad };
}

/** The input shape a spec declares. */
export function inputShapeOf(spec: ModelSpec): FeatureShape {
  const [height, width, channels] = spec.inputShape ?? [1, 1, spec.inputSize];
  if (height * width * channels !== spec.inputSize) {
    throw new Error(`input shape ${height}x${width}x${channels} does not hold ${spec.inputSize} features`);
  }
  return { height, width, channels };
}

/**
 * The shape each layer gives, in model order. Dense layers flatten what comes in and
 * give [1, 1, units]; element-wise layers keep the shape. Throws on a layer that
 * cannot apply (a window larger than its input).
 */
export function layerShapes(spec: ModelSpec): FeatureShape[] {
  let shape = inputShapeOf(spec);
  const positive = (n: unknown): boolean => Number.isInteger(n) && (n as number) >= 1;
  return spec.layers.map((layer, i) => {
    const sizes =
      layer.type === 'conv2d'
        ? [layer.filters, layer.kernelSize, layer.stride ?? 1]
        : layer.type === 'max-pool'
          ? [layer.size, layer.stride ?? layer.size]
          : [];
    if (!sizes.every(positive))
      throw new Error(`layer ${i} (${layer.type}) needs whole sizes and strides of at least 1`);
    if (
      layer.type === 'conv2d' &&
      typeof layer.padding === 'number' &&
      !(Number.isInteger(layer.padding) && layer.padding >= 0)
    ) {
      throw new Error(`layer ${i} (conv2d) has padding ${layer.padding}`);
    }
    switch (layer.type) {
      case 'dense':
        shape = { height: 1, width: 1, channels: layer.units };
        break;
      case 'conv2d': {
        const stride = layer.stride ?? 1;
        const rows = convAxis(shape.height, layer.kernelSize, stride, layer.padding);
        const cols = convAxis(shape.width, layer.kernelSize, stride, layer.padding);
        shape = { height: rows.out, width: cols.out, channels: layer.filters };
        break;
      }
      case 'max-pool': {
        const stride = layer.stride ?? layer.size;
        const rows = convAxis(shape.height, layer.size, stride, 'valid');
        const cols = convAxis(shape.width, layer.size, stride, 'valid');
        shape = { height: rows.out, width: cols.out, channels: shape.channels };
        break;
      }
      case 'flatten':
        shape = { height: 1, width: 1, channels: featureCount(shape) };
        break;
      default:
        break;
    }
    if (!(shape.height >= 1 && shape.width >= 1 && shape.channels >= 1)) {
      throw new Error(`layer ${i} (${layer.type}) leaves nothing of its input (${shape.height}x${shape.width})`);
    }
    return shape;
  });
}

/** Name and shape of every parameter tensor a spec implies, in model order. */
export interface ParamShape {
  name: string;
  shape: number[];
}

/**
 * The tensors a spec implies, trained or not: for dense layer i, `layer{i}.W` of shape
 * [in, units] and `layer{i}.b` [units]; for a conv layer `layer{i}.W` [k, k, in
 * channels, filters] and `layer{i}.b` [filters]; for batch norm `layer{i}.gamma`,
 * `layer{i}.beta` and the running statistics `layer{i}.runningMean`,
 * `layer{i}.runningVar`, each [channels]. The model file uses this to check that stored
 * tensors fit the architecture before a single weight is read.
 */
export function parameterShapes(spec: ModelSpec): ParamShape[] {
  const shapes: ParamShape[] = [];
  const outputs = layerShapes(spec);
  spec.layers.forEach((layer, i) => {
    const input = i === 0 ? inputShapeOf(spec) : outputs[i - 1];
    if (layer.type === 'dense') {
      shapes.push({ name: `layer${i}.W`, shape: [featureCount(input), layer.units] });
      shapes.push({ name: `layer${i}.b`, shape: [layer.units] });
    } else if (layer.type === 'conv2d') {
      shapes.push({ name: `layer${i}.W`, shape: [layer.kernelSize, layer.kernelSize, input.channels, layer.filters] });
      shapes.push({ name: `layer${i}.b`, shape: [layer.filters] });
    } else if (layer.type === 'batch-norm') {
      for (const tensor of ['gamma', 'beta', 'runningMean', 'runningVar']) {
        shapes.push({ name: `layer${i}.${tensor}`, shape: [input.channels] });
      }
    }
  });
  return shapes;
}

/** Width of the model's output (number of classes). */
export function outputSize(spec: ModelSpec): number {
  const last = layerShapes(spec).at(-1);
  return last ? featureCount(last) : spec.inputSize;
}
