import type { Dataset } from '../../engine/data/dataset';
import { sliceDataset } from '../../engine/data/dataset';
import type { NamedTensor } from '../../engine/model/sequential';
import { Sequential } from '../../engine/model/sequential';
import type { ModelSpec } from '../../engine/model/spec';
import { featureCount, layerShapes } from '../../engine/model/spec';
import { forwardRows } from '../../engine/training/evaluate';
import type { ForwardPool } from '../../engine/training/parallel-forward';

/**
 * A convolutional model cut at its flatten: the conv blocks below it (the feature
 * extractor, frozen while fine-tuning) and the dense head above it (what a fast fine-tune
 * trains). With the extractor frozen, an image's features never change, so they are
 * computed once per base model and the head trains on them as an MLP would on pixels.
 */

/** Images of `[count, width]` features, row i of `features` for image i, with their labels. */
export interface FeatureRows {
  features: Float32Array;
  labels: Uint8Array;
  count: number;
  width: number;
}

/**
 * How many of the model's first layers are frozen: everything up to and including its
 * flatten. Undefined for a model with no conv layer before a flatten (an MLP), which
 * has no feature extractor to freeze.
 */
export function frozenLayerCount(spec: ModelSpec): number | undefined {
  const flatten = spec.layers.findIndex((layer) => layer.type === 'flatten');
  if (flatten < 0 || !spec.layers.slice(0, flatten).some((layer) => layer.type === 'conv2d')) return undefined;
  return flatten + 1;
}

/** Images computed between two calls of `betweenBatches`, per thread: a cancel is heard within a fraction of a second. */
const FEATURE_CHUNK = 500;

/**
 * Every image's output of the frozen layers, in inference mode, `[count, 784] -> [count, width]`,
 * on the pool's threads when given (parallel-forward.ts: the same bits as one thread).
 */
export async function frozenFeatures(
  model: Sequential,
  frozen: number,
  data: Dataset,
  options: { pool?: ForwardPool; betweenBatches?: () => Promise<void> } = {},
): Promise<FeatureRows> {
  const chunk = FEATURE_CHUNK * (options.pool?.threads ?? 1);
  const width = frozenWidth(model, frozen);
  const features = new Float32Array(data.count * width);
  for (let start = 0; start < data.count; start += chunk) {
    const part = sliceDataset(data, start, Math.min(start + chunk, data.count));
    const rows = options.pool
      ? await options.pool.forward(model, part, { layers: frozen })
      : forwardRows(model, part, { layers: frozen });
    features.set(rows.outputs, start * width);
    await options.betweenBatches?.();
  }
  return { features, labels: Uint8Array.from(data.labels.subarray(0, data.count)), count: data.count, width };
}

/** The layers above the frozen ones as a model of their own, on `[batch, width]` features, with the model's weights. */
export function headOf(model: Sequential, frozen: number, seed: number): Sequential {
  const width = frozenWidth(model, frozen);
  const spec: ModelSpec = { inputSize: width, layers: model.spec.layers.slice(frozen), loss: model.spec.loss };
  const renamed = model
    .exportWeights()
    .filter((t) => layerIndexOf(t) >= frozen)
    .map((t) => renameLayer(t, layerIndexOf(t) - frozen));
  return Sequential.fromWeights(spec, renamed, { seed });
}

/**
 * The whole model again: the base model's frozen layers, bit for bit, under `head`'s
 * layers, as one ordinary model of the base's spec (temperature 1).
 */
export function withHead(base: Sequential, frozen: number, head: Sequential): Sequential {
  const kept = base.exportWeights().filter((t) => layerIndexOf(t) < frozen);
  const trained = head.exportWeights().map((t) => renameLayer(t, layerIndexOf(t) + frozen));
  return Sequential.fromWeights(base.spec, [...kept, ...trained]);
}

function frozenWidth(model: Sequential, frozen: number): number {
  return featureCount(layerShapes(model.spec)[frozen - 1]);
}

/** `layer7.W` -> 7: parameter names are `layer<index>.<tensor>` (model/spec.ts parameterShapes). */
function layerIndexOf(tensor: NamedTensor): number {
  const match = /^layer(\d+)\./.exec(tensor.name);
  if (!match) throw new Error(`a weight named ${tensor.name} belongs to no layer`);
  return Number(match[1]);
}

function renameLayer(tensor: NamedTensor, index: number): NamedTensor {
  return { ...tensor, name: tensor.name.replace(/^layer\d+\./, `layer${index}.`) };
}
