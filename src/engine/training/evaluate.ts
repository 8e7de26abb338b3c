import type { Dataset } from '../data/dataset';
import { createLoss } from '../losses';
import type { Sequential } from '../model/sequential';
import { BatchAssembler } from './batches';

export interface Evaluation {
  /** Mean loss (the model's own loss function, without weight decay). */
  loss: number;
  accuracy: number;
  count: number;
  /** Predicted class per evaluated image, in the order evaluated. */
  predictions: Uint8Array;
  /** True class per evaluated image, same order. */
  labels: Uint8Array;
  /** `count × classes` probabilities, softmax(logits / T) as the model predicts them, when asked for. */
  probabilities?: Float32Array;
  /** `count × classes` raw logits (before the temperature), when asked for: what calibration is measured from. */
  logits?: Float32Array;
}

export interface EvaluateOptions {
  /** Which images to evaluate (default: all, in order). */
  indices?: ArrayLike<number>;
  batchSize?: number;
  keepProbabilities?: boolean;
  keepLogits?: boolean;
}

/**
 * Runs the model in inference mode (no dropout) over a dataset. Its loss and
 * probabilities are the model's own: of the logits divided by its temperature.
 */
export function evaluate(model: Sequential, data: Dataset, options: EvaluateOptions = {}): Evaluation {
  const indices = options.indices ?? Uint32Array.from({ length: data.count }, (_, i) => i);
  const count = indices.length;
  const batchSize = options.batchSize ?? 500;
  const classes = model.classes;
  const loss = createLoss(model.spec.loss, model.dtype);
  const assembler = new BatchAssembler(data);
  const predictions = new Uint8Array(count);
  const labels = new Uint8Array(count);
  const probabilities = options.keepProbabilities ? new Float32Array(count * classes) : undefined;
  const logits = options.keepLogits ? new Float32Array(count * classes) : undefined;
  let totalLoss = 0;
  let correct = 0;
  for (let start = 0; start < count; start += batchSize) {
    const end = Math.min(start + batchSize, count);
    const batch = Array.prototype.slice.call(indices, start, end) as number[];
    const { inputs, labels: batchLabels } = assembler.assemble(batch);
    const batchLogits = model.forward(inputs, false);
    logits?.set(batchLogits.data.subarray(0, (end - start) * classes), start * classes);
    totalLoss += loss.forward(model.scaleLogits(batchLogits), batchLabels) * (end - start);
    const p = loss.probabilities().data;
    for (let r = 0; r < end - start; r++) {
      let best = 0;
      for (let j = 1; j < classes; j++) if (p[r * classes + j] > p[r * classes + best]) best = j;
      predictions[start + r] = best;
      labels[start + r] = batchLabels[r];
      if (best === batchLabels[r]) correct++;
    }
    probabilities?.set(p.subarray(0, (end - start) * classes), start * classes);
  }
  return { loss: totalLoss / count, accuracy: correct / count, count, predictions, labels, probabilities, logits };
}
