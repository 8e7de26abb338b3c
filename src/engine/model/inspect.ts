import type {
  Activations,
  DisplayTensor,
  LayerActivation,
  LayerParameters,
  TensorStats,
} from '../../shared/inspection';
import { INSPECTION_LIMITS } from '../../shared/inspection';
import { LeakyReLU } from '../layers/activations';
import { BatchNorm } from '../layers/batch-norm';
import type { Layer, StateTensor } from '../layers/layer';
import type { FloatArray, Matrix } from '../tensor';
import { matrix } from '../tensor';
import type { Sequential } from './sequential';
import type { FeatureShape } from './spec';
import { convAxis, featureCount, inputShapeOf, layerShapes } from './spec';

/** A request the model cannot answer: an input of the wrong size, a layer it does not have. */
export class InspectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InspectionError';
  }
}

/**
 * Every layer's output for one input, in model order: `Sequential.forward` one layer at
 * a time, each output copied before the next layer runs (layers reuse their buffers).
 * The last layer's output is the logits; `probabilities` is softmax(logits / T) at the
 * model's temperature, what `predict` gives.
 *
 * The engine keeps images channels-last ([H, W, C] per sample, NHWC); here an image
 * output becomes [C, H, W], so each feature map is one contiguous H·W block and a cut
 * keeps whole maps. A flat output ([1, 1, n] in spec.ts's shapes) stays [n].
 *
 * Each layer's values are cut to `maxValues`, which is at most INSPECTION_LIMITS.activationValues.
 *
 * Shapes: pixels [inputSize] -> per layer [channels, height, width] or [units].
 */
export function inspectActivations(
  model: Sequential,
  pixels: ArrayLike<number>,
  maxValues: number = INSPECTION_LIMITS.activationValues,
): Activations {
  const cap = Math.min(maxValues, INSPECTION_LIMITS.activationValues);
  const { inputSize } = model.spec;
  if (pixels.length !== inputSize) {
    throw new InspectionError(`the input has ${pixels.length} values; this model takes ${inputSize}`);
  }
  const shapes = layerShapes(model.spec);
  let x: Matrix = matrix(1, inputSize, model.dtype);
  x.data.set(pixels);
  const layers = model.layers.map((layer, index): LayerActivation => {
    x = layer.forward(x, false);
    const input = index === 0 ? inputShapeOf(model.spec) : shapes[index - 1];
    return { index, kind: layer.spec.type, ...imageTensor(x.data, shapes[index], cap), ...settingsOf(layer, input) };
  });
  const probabilities = Array.from(model.probabilitiesOf(x).data);
  return { layers, probabilities, temperature: model.temperature };
}

/**
 * Layer `index`'s learned tensors for display (see layerParametersSchema): conv weights
 * from the engine's [k, k, C_in, F] to [F, C_in, k, k], one filter after another; dense
 * weights as the engine keeps them, [inputs, units], so column u is unit u's weights
 * (for the first layer of an MLP, a 28x28 template); biases and batch norm's tensors as
 * they are. Each tensor is cut to `maxValues`, at most INSPECTION_LIMITS.parameterValues.
 */
export function inspectParameters(
  model: Sequential,
  index: number,
  maxValues: number = INSPECTION_LIMITS.parameterValues,
): LayerParameters {
  const cap = Math.min(maxValues, INSPECTION_LIMITS.parameterValues);
  checkLayerIndex(model, index);
  const layer = model.layers[index];
  const input = index === 0 ? inputShapeOf(model.spec) : layerShapes(model.spec)[index - 1];
  const spec = layer.spec;
  const tensors = [...layer.params(), ...(layer.state?.() ?? [])].map((p) => {
    const name = p.name.slice(p.name.lastIndexOf('.') + 1);
    const role = name === 'W' ? 'weights' : name === 'b' ? 'bias' : name;
    const tensor =
      role === 'weights' && spec.type === 'conv2d'
        ? convFilters(p, cap)
        : role === 'weights' && spec.type === 'dense'
          ? denseColumns(p, cap)
          : slices(Float32Array.from(p.value), p.shape, cap);
    return { name: role, ...tensor };
  });
  return { index, kind: spec.type, inputShape: displayShape(input), tensors };
}

/** What a screen needs beyond the values to write a unit's formula: a window, a slope, an ε. */
function settingsOf(layer: Layer, input: FeatureShape): Pick<LayerActivation, 'window' | 'alpha' | 'epsilon'> {
  const spec = layer.spec;
  if (spec.type === 'conv2d' || spec.type === 'max-pool') {
    const size = spec.type === 'conv2d' ? spec.kernelSize : spec.size;
    const stride = spec.stride ?? (spec.type === 'conv2d' ? 1 : spec.size);
    const padding = spec.type === 'conv2d' ? spec.padding : 'valid';
    const rows = convAxis(input.height, size, stride, padding);
    const cols = convAxis(input.width, size, stride, padding);
    return { window: { size, stride, padTop: rows.padBefore, padLeft: cols.padBefore } };
  }
  if (spec.type === 'leaky-relu' && layer instanceof LeakyReLU) return { alpha: layer.alpha };
  if (layer instanceof BatchNorm) return { epsilon: layer.epsilon };
  return {};
}

/** Throws an InspectionError naming the model's layers unless `index` is one of them. */
export function checkLayerIndex(model: Sequential, index: number): void {
  const count = model.layers.length;
  if (!(Number.isInteger(index) && index >= 0 && index < count)) {
    throw new InspectionError(`there is no layer ${index}: this model has layers 0 to ${count - 1}`);
  }
}

/** [channels] for a flat feature vector, [channels, height, width] for an image. */
function displayShape(shape: FeatureShape): number[] {
  return shape.height === 1 && shape.width === 1 ? [shape.channels] : [shape.channels, shape.height, shape.width];
}

/** One sample's [H, W, C] output as [C, H, W] (or [n]), cut to whole maps. */
function imageTensor(data: FloatArray, shape: FeatureShape, maxValues: number): DisplayTensor {
  const { height, width, channels } = shape;
  const pixels = height * width;
  if (pixels === 1) return slices(Float32Array.from(data.subarray(0, channels)), [channels], maxValues);
  const stats = statsOf(data, featureCount(shape));
  const kept = Math.min(channels, Math.floor(maxValues / pixels));
  const values = new Float32Array(kept * pixels);
  for (let c = 0; c < kept; c++) {
    for (let p = 0; p < pixels; p++) values[c * pixels + p] = data[p * channels + c];
  }
  const fullShape = [channels, height, width];
  return { shape: [kept, height, width], fullShape, values, truncated: kept < channels, stats };
}

/** Conv weights [k, k, C, F] -> [F, C, k, k], whole filters only. */
function convFilters(p: StateTensor, maxValues: number): DisplayTensor {
  const [k, , inChannels, filters] = p.shape;
  const field = k * k * inChannels;
  const kept = Math.min(filters, Math.floor(maxValues / field));
  const values = new Float32Array(kept * field);
  for (let f = 0; f < kept; f++)
    for (let c = 0; c < inChannels; c++)
      for (let ky = 0; ky < k; ky++)
        for (let kx = 0; kx < k; kx++)
          values[((f * inChannels + c) * k + ky) * k + kx] = p.value[((ky * k + kx) * inChannels + c) * filters + f];
  const fullShape = [filters, inChannels, k, k];
  return {
    shape: [kept, inChannels, k, k],
    fullShape,
    values,
    truncated: kept < filters,
    stats: statsOf(p.value, p.value.length),
  };
}

/** Dense weights [inputs, units], the first units' columns whole. */
function denseColumns(p: StateTensor, maxValues: number): DisplayTensor {
  const [inputs, units] = p.shape;
  const kept = Math.min(units, Math.floor(maxValues / inputs));
  const values = new Float32Array(inputs * kept);
  for (let i = 0; i < inputs; i++) for (let u = 0; u < kept; u++) values[i * kept + u] = p.value[i * units + u];
  return {
    shape: [inputs, kept],
    fullShape: [inputs, units],
    values,
    truncated: kept < units,
    stats: statsOf(p.value, p.value.length),
  };
}

/** A tensor already in display order, its first slices (along its first axis) that fit. */
function slices(all: Float32Array, shape: number[], maxValues: number): DisplayTensor {
  const slice = shape.slice(1).reduce((a, b) => a * b, 1);
  const kept = Math.min(shape[0], Math.floor(maxValues / slice));
  return {
    shape: [kept, ...shape.slice(1)],
    fullShape: [...shape],
    values: all.slice(0, kept * slice),
    truncated: kept < shape[0],
    stats: statsOf(all, all.length),
  };
}

/** Min, max, mean and the share of exact zeros of the first `length` values. */
function statsOf(values: FloatArray, length: number): TensorStats {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let zeros = 0;
  for (let i = 0; i < length; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    if (v === 0) zeros++;
  }
  return { min, max, mean: sum / length, zeroFraction: zeros / length };
}
