import type { Hyperparameters } from '../../shared/hyperparameters';
import type { InitSpec, LayerSpec, ModelSpec } from '../model/spec';

/**
 * The model a set of hyperparameters describes: for each hidden layer a dense layer,
 * its activation and (if asked) dropout; then a dense layer to the classes, whose
 * logits go to the loss.
 */
export function modelSpecFor(h: Hyperparameters, inputSize = 784, classes = 10): ModelSpec {
  const init: InitSpec = { kind: h.init };
  if (h.init === 'gaussian') init.std = h.initScale ?? 0.01;
  if (h.init === 'uniform') init.limit = h.initScale ?? 1;
  const layers: LayerSpec[] = [];
  // The schema already describes conv blocks; until the engine has those layers, say so.
  if (h.convBlocks?.length) throw new Error('convolutional blocks are not supported by this engine yet');
  for (const hidden of h.hiddenLayers) {
    layers.push({ type: 'dense', units: hidden.units, init });
    layers.push({ type: hidden.activation });
    if (h.dropout > 0) layers.push({ type: 'dropout', rate: h.dropout });
  }
  layers.push({ type: 'dense', units: classes, init });
  return { inputSize, layers, loss: h.loss };
}

/** "784-100-10 sigmoid" style summary for lists and logs. */
export function describeArchitecture(spec: ModelSpec): string {
  const sizes = [spec.inputSize];
  const activations = new Set<string>();
  for (const layer of spec.layers) {
    if (layer.type === 'dense') sizes.push(layer.units);
    else if (layer.type !== 'dropout') activations.add(layer.type);
  }
  return [sizes.join('-'), ...activations].join(' ');
}
