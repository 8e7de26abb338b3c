import type { Dataset } from '../data/dataset';
import { createLoss } from '../losses';
import type { Sequential } from '../model/sequential';
import type { Matrix } from '../tensor';
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

/**
 * Images a forward pass of evaluation takes at once, unless asked otherwise. Every layer
 * keeps its output, so the rows of a pass bound the kernel memory evaluation touches
 * (kernels/wasm/memory.ts: touched pages stay resident): the `cnn` preset's layers hold
 * 170 KB of outputs an image, 82 MiB at 500 images, 11 MiB at 64 (and a run at the
 * preset's batch of 64 evaluates in the buffers its steps use). Each image's logits are
 * its own whatever the pass's size, so only the mean loss's last bits depend on it.
 */
export const EVALUATION_BATCH = 64;

export interface EvaluateOptions {
  /** Which images to evaluate (default: all, in order). */
  indices?: ArrayLike<number>;
  /** Images a pass (default EVALUATION_BATCH). */
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
  const batchSize = options.batchSize ?? EVALUATION_BATCH;
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
    // A short last pass starts earlier, re-reading images already counted, so that every
    // pass has the same rows and the layers keep their buffers (a new shape would allocate
    // a new set, and touch new pages of kernel memory until the old set is collected).
    const from = Math.max(0, end - batchSize);
    const counted = start - from;
    const rows = end - start;
    const batch = Array.prototype.slice.call(indices, from, end) as number[];
    const { inputs, labels: passLabels } = assembler.assemble(batch);
    const passLogits = model.forward(inputs, false);
    const batchLogits: Matrix = {
      rows,
      cols: classes,
      data: passLogits.data.subarray(counted * classes, (counted + rows) * classes),
    };
    const batchLabels = passLabels.subarray(counted);
    logits?.set(batchLogits.data, start * classes);
    totalLoss += loss.forward(model.scaleLogits(batchLogits), batchLabels) * rows;
    const p = loss.probabilities().data;
    for (let r = 0; r < rows; r++) {
      let best = 0;
      for (let j = 1; j < classes; j++) if (p[r * classes + j] > p[r * classes + best]) best = j;
      predictions[start + r] = best;
      labels[start + r] = batchLabels[r];
      if (best === batchLabels[r]) correct++;
    }
    probabilities?.set(p.subarray(0, rows * classes), start * classes);
  }
  return { loss: totalLoss / count, accuracy: correct / count, count, predictions, labels, probabilities, logits };
}
