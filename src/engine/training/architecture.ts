import type { Hyperparameters } from '../../shared/hyperparameters';
import { DEFAULT_INIT_SCALE } from '../../shared/hyperparameters';
import type { InitSpec, LayerSpec, ModelSpec } from '../model/spec';
import { featureCount, layerShapes } from '../model/spec';

/**
 * The model a set of hyperparameters describes: for each conv block a Conv2D (stride
 * 1), batch norm if asked, its activation and max pooling if asked, then a flatten;
 * for each hidden layer a dense layer, its activation and (if asked) dropout; then a
 * dense layer to the classes, whose logits go to the loss. Conv blocks read the input
 * as a square single-channel image (28x28 for MNIST).
 */
export function modelSpecFor(h: Hyperparameters, inputSize = 784, classes = 10): ModelSpec {
  const init: InitSpec = { kind: h.init };
  if (h.init === 'gaussian') init.std = h.initScale ?? DEFAULT_INIT_SCALE.gaussian;
  if (h.init === 'uniform') init.limit = h.initScale ?? DEFAULT_INIT_SCALE.uniform;
  const layers: LayerSpec[] = [];
  let inputShape: ModelSpec['inputShape'];
  if (h.convBlocks?.length) {
    const side = Math.round(Math.sqrt(inputSize));
    if (side * side !== inputSize) throw new Error(`conv blocks need a square image, not ${inputSize} inputs`);
    inputShape = [side, side, 1];
    for (const block of h.convBlocks) {
      layers.push({
        type: 'conv2d',
        filters: block.filters,
        kernelSize: block.kernelSize,
        padding: block.padding,
        init,
      });
      if (block.batchNorm) layers.push({ type: 'batch-norm' });
      layers.push({ type: block.activation });
      if (block.pool > 1) layers.push({ type: 'max-pool', size: block.pool });
    }
    layers.push({ type: 'flatten' });
  }
  for (const hidden of h.hiddenLayers) {
    layers.push({ type: 'dense', units: hidden.units, init });
    layers.push({ type: hidden.activation });
    if (h.dropout > 0) layers.push({ type: 'dropout', rate: h.dropout });
  }
  layers.push({ type: 'dense', units: classes, init });
  const spec: ModelSpec = { inputSize, layers, loss: h.loss };
  if (inputShape) {
    spec.inputShape = inputShape;
    layerShapes(spec); // a clear error now for blocks that shrink the image to nothing
  }
  return spec;
}

/**
 * "784-100-10 sigmoid" style summary for lists and logs. A conv net lists its blocks
 * before the dense sizes: "28x28 conv32x3-bn-pool2 conv64x3-pool2 | 3136-128-10 relu",
 * where 3136 is the flattened feature map.
 */
export function describeArchitecture(spec: ModelSpec): string {
  const activations = new Set<string>();
  const blocks: string[] = [];
  const shapes = layerShapes(spec);
  let sizes = [spec.inputSize];
  spec.layers.forEach((layer, i) => {
    if (layer.type === 'conv2d') {
      const stride = layer.stride && layer.stride > 1 ? `s${layer.stride}` : '';
      const padding = layer.padding === 'valid' ? 'v' : layer.padding === 'same' ? '' : `p${layer.padding}`;
      blocks.push(`conv${layer.filters}x${layer.kernelSize}${stride}${padding}`);
    } else if (layer.type === 'batch-norm' && blocks.length > 0 && sizes.length === 1)
      blocks.push(`${blocks.pop()}-bn`);
    else if (layer.type === 'max-pool' && blocks.length > 0) blocks.push(`${blocks.pop()}-pool${layer.size}`);
    else if (layer.type === 'flatten') sizes = [featureCount(shapes[i])];
    else if (layer.type === 'dense') sizes.push(layer.units);
    else if (layer.type !== 'dropout' && layer.type !== 'batch-norm' && layer.type !== 'max-pool') {
      activations.add(layer.type);
    }
  });
  const dense = [sizes.join('-'), ...activations].join(' ');
  if (blocks.length === 0) return dense;
  const [height, width] = spec.inputShape ?? [1, spec.inputSize];
  return `${height}x${width} ${blocks.join(' ')} | ${dense}`;
}
