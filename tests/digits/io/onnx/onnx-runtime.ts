import * as ort from 'onnxruntime-web';
import { loadMnist } from '../../../../src/digits/data/mnist';
import type { Sequential } from '../../../../src/engine/model/sequential';
import { matrix } from '../../../../src/engine/tensor';

/**
 * onnxruntime (its WebAssembly build, `onnxruntime-web`, which runs in Node) as the
 * reference runtime for the ONNX tests: a devDependency, never part of the app.
 */
ort.env.wasm.numThreads = 1;

/** The first `count` MNIST test images as 0..1 floats, image after image. */
export async function mnistTestImages(
  count: number,
): Promise<{ pixels: Float32Array; labels: Uint8Array; count: number }> {
  const { test } = await loadMnist({ trainSize: 0, testSize: count });
  return { pixels: Float32Array.from(test.images, (v) => v / 255), labels: test.labels, count: test.count };
}

/** onnxruntime's output for a batch of 28x28 images fed as `inputShape` ([N,1,28,28] or [N,784]). */
export async function runWithOnnxRuntime(
  bytes: Uint8Array,
  pixels: Float32Array,
  count: number,
): Promise<{ values: Float32Array; classes: number }> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const input = session.inputNames[0];
    const meta = session.inputMetadata[0];
    const rank = meta && 'shape' in meta ? meta.shape.length : 4;
    const dims = rank === 2 ? [count, 784] : [count, 1, 28, 28];
    const output = await session.run({ [input]: new ort.Tensor('float32', pixels, dims) });
    const result = output[session.outputNames[0]];
    return { values: result.data as Float32Array, classes: result.dims[1] };
  } finally {
    await session.release();
  }
}

/** Tegaki's probabilities for the same batch. */
export function tegakiProbabilities(model: Sequential, pixels: Float32Array, count: number): Float32Array {
  const input = matrix(count, model.spec.inputSize);
  input.data.set(pixels);
  return Float32Array.from(model.predict(input).data);
}

/** Softmax of each row, in float64: for ONNX models whose output is raw logits. */
export function softmaxRows(values: Float32Array, classes: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < values.length / classes; r++) {
    const row = values.subarray(r * classes, (r + 1) * classes);
    const max = Math.max(...row);
    const exps = Array.from(row, (v) => Math.exp(v - max));
    const sum = exps.reduce((a, b) => a + b, 0);
    exps.forEach((e, j) => (out[r * classes + j] = e / sum));
  }
  return out;
}

export function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} and ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

/** How many rows' largest entries sit at the same class. */
export function sameArgmaxCount(a: Float32Array, b: Float32Array, classes: number): number {
  let same = 0;
  for (let r = 0; r < a.length / classes; r++) {
    const top = (v: Float32Array) => {
      const row = v.subarray(r * classes, (r + 1) * classes);
      return row.indexOf(Math.max(...row));
    };
    if (top(a) === top(b)) same++;
  }
  return same;
}
