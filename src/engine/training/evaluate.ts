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
  const { outputs } = forwardRows(model, data, options);
  const labels = options.indices
    ? Uint8Array.from(options.indices, (i) => data.labels[i])
    : data.labels.slice(0, data.count);
  return scoreLogits(model, outputs, labels, options);
}

/** `[count, width]` outputs of a forward pass over many images, row i for image i. */
export interface ForwardRows {
  outputs: Float32Array;
  width: number;
}

/**
 * The outputs of the model's first `layers` layers (default all: the logits) for the
 * images of `data` (or those at `indices`), `[count, width]`, in inference mode, in passes
 * of `batchSize` images. Every pass has the same rows, so the layers keep their buffers (a
 * new shape would allocate a new set, and touch new pages of kernel memory until the old
 * set is collected): a short last pass starts earlier, re-reading images already done.
 */
export function forwardRows(
  model: Sequential,
  data: Dataset,
  options: { layers?: number; indices?: ArrayLike<number>; batchSize?: number } = {},
): ForwardRows {
  const layers = options.layers ?? model.layers.length;
  const indices = options.indices;
  const count = indices ? indices.length : data.count;
  const batchSize = Math.min(options.batchSize ?? EVALUATION_BATCH, Math.max(1, count));
  const assembler = new BatchAssembler(data);
  let outputs = new Float32Array(0);
  let width = 0;
  for (let start = 0; start < count; start += batchSize) {
    const end = Math.min(start + batchSize, count);
    const from = Math.max(0, end - batchSize);
    const pass = Array.from({ length: end - from }, (_, i) => (indices ? indices[from + i] : from + i));
    let x = assembler.assemble(pass).inputs;
    for (let i = 0; i < layers; i++) x = model.layers[i].forward(x, false);
    if (start === 0) {
      width = x.cols;
      outputs = new Float32Array(count * width);
    }
    // Layers reuse their output buffers: copy this pass's new rows out before the next.
    outputs.set(x.data.subarray((start - from) * width, (end - from) * width), start * width);
  }
  return { outputs, width };
}

/**
 * An evaluation's figures from the model's logits `[count, classes]` of images with these
 * `labels`: the loss and probabilities of the logits divided by the model's temperature,
 * the loss summed in chunks of `batchSize` as evaluate() always has.
 */
export function scoreLogits(
  model: Sequential,
  logits: Float32Array,
  labels: Uint8Array,
  options: Omit<EvaluateOptions, 'indices'> = {},
): Evaluation {
  const count = labels.length;
  const classes = model.classes;
  const batchSize = options.batchSize ?? EVALUATION_BATCH;
  const loss = createLoss(model.spec.loss, model.dtype);
  const predictions = new Uint8Array(count);
  const probabilities = options.keepProbabilities ? new Float32Array(count * classes) : undefined;
  let totalLoss = 0;
  let correct = 0;
  for (let start = 0; start < count; start += batchSize) {
    const rows = Math.min(batchSize, count - start);
    const batch: Matrix = { rows, cols: classes, data: logits.subarray(start * classes, (start + rows) * classes) };
    const batchLabels = labels.subarray(start, start + rows);
    totalLoss += loss.forward(model.scaleLogits(batch), batchLabels) * rows;
    const p = loss.probabilities().data;
    for (let r = 0; r < rows; r++) {
      let best = 0;
      for (let j = 1; j < classes; j++) if (p[r * classes + j] > p[r * classes + best]) best = j;
      predictions[start + r] = best;
      if (best === batchLabels[r]) correct++;
    }
    probabilities?.set(p.subarray(0, rows * classes), start * classes);
  }
  return {
    loss: totalLoss / count,
    accuracy: correct / count,
    count,
    predictions,
    labels,
    probabilities,
    logits: options.keepLogits ? logits : undefined,
  };
}
