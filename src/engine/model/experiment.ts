import type { AppliedEdit, ExperimentEdit } from '../../shared/experiment';
import { Random } from '../random';
import type { Param } from '../layers/layer';
import { checkLayerIndex, InspectionError } from './inspect';
import { Sequential } from './sequential';
import type { FeatureShape } from './spec';
import { featureCount, layerShapes } from './spec';

/**
 * "Break it": a copy of `model` with `edits` applied in order (see experimentEditSchema in
 * src/shared/experiment.ts). The copy is built from `model.exportWeights()`, so `model`
 * itself is never written and an empty list gives a copy bit for bit equal to it.
 *
 *   unit-off u of layer l:   W(l)[:, u] = 0, b(l)[u] = 0          so u(l)_u = 0
 *                            γ_u = β_u = 0 in a batch norm before the next dense or conv layer
 *                            W(m)[rows reading u, :] = 0 in that next layer m
 *   biases-off l:            b(l) = 0
 *   weight-noise l, s, seed: W(l) ← W(l) + σ·ε,  ε ~ N(0, 1) from `seed`,  σ = s·RMS(W(l))
 *
 * A dense layer's W is [in, out] and a conv layer's [k, k, C_in, F]: unit u is the last
 * axis in both. Layers between two learned ones (activations, pooling, flatten, dropout)
 * keep channel u apart from the others, so after the flatten channel u is every C-th input
 * of the next dense layer (NHWC order). Throws an InspectionError for an edit the model
 * cannot take (a layer it lacks, a unit beyond the layer's, biases of a ReLU).
 */
export function applyEdits(
  model: Sequential,
  edits: readonly ExperimentEdit[],
): { model: Sequential; applied: AppliedEdit[] } {
  const copy = Sequential.fromWeights(model.spec, model.exportWeights(), { temperature: model.temperature });
  const applied = edits.map((edit) => {
    checkLayerIndex(copy, edit.layer);
    if (edit.kind === 'unit-off') return { zeroed: switchOffUnit(copy, edit.layer, edit.unit) };
    const [weights, bias] = learnedTensors(copy, edit.layer);
    if (edit.kind === 'biases-off') {
      bias.value.fill(0);
      return { zeroed: bias.value.length };
    }
    return { zeroed: 0, sigma: addNoise(weights.value, edit.scale, edit.seed) };
  });
  return { model: copy, applied };
}

/** A dense or conv layer's weights and bias; any other layer is refused by name. */
function learnedTensors(model: Sequential, index: number): [Param, Param] {
  const layer = model.layers[index];
  const kind = layer.spec.type;
  if (kind !== 'dense' && kind !== 'conv2d') {
    throw new InspectionError(`layer ${index} (${kind}) has no weights to change: choose a dense or conv layer`);
  }
  const [weights, bias] = layer.params();
  return [weights, bias];
}

/** Zeroes unit `unit` of layer `index` and every weight that reads it; returns how many values it set to 0. */
function switchOffUnit(model: Sequential, index: number, unit: number): number {
  const [weights, bias] = learnedTensors(model, index);
  const units = bias.value.length;
  if (unit >= units) throw new InspectionError(`layer ${index} has units 0 to ${units - 1}, not ${unit}`);
  let zeroed = zeroColumn(weights.value, units, unit) + 1;
  bias.value[unit] = 0;
  const shapes = layerShapes(model.spec);
  let feature: FeatureShape = shapes[index];
  for (let j = index + 1; j < model.layers.length; j++) {
    const layer = model.layers[j];
    const kind = layer.spec.type;
    if (kind === 'batch-norm') {
      for (const p of layer.params()) p.value[unit] = 0;
      zeroed += 2;
    } else if (kind === 'dense') {
      const [next] = layer.params();
      const outputs = next.shape[1];
      // Channel `unit` of an [H, W, C] input is every C-th feature from `unit` on.
      for (let row = unit; row < featureCount(feature); row += feature.channels) {
        next.value.fill(0, row * outputs, (row + 1) * outputs);
        zeroed += outputs;
      }
      break;
    } else if (kind === 'conv2d') {
      const [next] = layer.params();
      const [k, , inChannels, filters] = next.shape;
      for (let tap = 0; tap < k * k; tap++)
        next.value.fill(0, (tap * inChannels + unit) * filters, (tap * inChannels + unit + 1) * filters);
      zeroed += k * k * filters;
      break;
    } else if (kind !== 'flatten') {
      // Pooling changes the map's size, never its channels; flatten changes neither.
      feature = shapes[j];
    }
  }
  return zeroed;
}

/** Sets column `column` of a row-major [rows, columns] tensor to 0; returns its length. */
function zeroColumn(values: Param['value'], columns: number, column: number): number {
  let count = 0;
  for (let i = column; i < values.length; i += columns) {
    values[i] = 0;
    count++;
  }
  return count;
}

/** W ← W + σ·ε with σ = scale · RMS(W), ε from a generator seeded with `seed`; returns σ. */
function addNoise(values: Param['value'], scale: number, seed: number): number {
  let squares = 0;
  for (let i = 0; i < values.length; i++) squares += values[i] * values[i];
  const sigma = scale * Math.sqrt(squares / values.length);
  const random = new Random(seed);
  for (let i = 0; i < values.length; i++) values[i] += sigma * random.gaussian();
  return sigma;
}
