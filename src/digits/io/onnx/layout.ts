import type { FeatureShape } from '../../../engine/model/spec';

/**
 * Tegaki keeps images channels-last (NHWC: feature (y, x, c) at (y·W + x)·C + c); ONNX's
 * Conv, MaxPool and Flatten work channels-first (NCHW: (c·H + y)·W + x). The export and
 * the import both cross between the two here, and nowhere else.
 *
 * The data in flight never needs a transpose: convolution and pooling produce the same
 * numbers in either layout. Only the weights that meet a flattened image do (the rows of
 * the dense layer after a Flatten, and a batch norm's per-feature statistics there), and
 * only when the image has more than one channel and more than one pixel.
 */

/**
 * For each feature of a flattened image in ONNX's (NCHW) order, the index of the same
 * feature in Tegaki's (NHWC) order; undefined when both orders agree.
 */
export function nchwToNhwcOrder(shape: FeatureShape): Int32Array | undefined {
  const { height, width, channels } = shape;
  if (channels === 1 || height * width === 1) return undefined;
  const order = new Int32Array(height * width * channels);
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) order[(c * height + y) * width + x] = (y * width + x) * channels + c;
    }
  }
  return order;
}

/**
 * Rows of a row-major [rows, cols] matrix rearranged: row i of the result is row
 * order[i] of `data` (gather), or with `scatter` row order[i] of the result is row i.
 */
export function permuteRows(data: Float32Array, cols: number, order: Int32Array, scatter = false): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < order.length; i++) {
    const [to, from] = scatter ? [order[i], i] : [i, order[i]];
    out.set(data.subarray(from * cols, (from + 1) * cols), to * cols);
  }
  return out;
}

/** A conv kernel from Tegaki's [k, k, C_in, F] to ONNX's [F, C_in, k, k]. */
export function kernelToOihw(w: Float32Array, k: number, channels: number, filters: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let ky = 0; ky < k; ky++)
    for (let kx = 0; kx < k; kx++)
      for (let c = 0; c < channels; c++)
        for (let f = 0; f < filters; f++)
          out[((f * channels + c) * k + ky) * k + kx] = w[((ky * k + kx) * channels + c) * filters + f];
  return out;
}

/** A conv kernel from ONNX's [F, C_in, k, k] to Tegaki's [k, k, C_in, F]. */
export function kernelFromOihw(w: Float32Array, k: number, channels: number, filters: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let ky = 0; ky < k; ky++)
    for (let kx = 0; kx < k; kx++)
      for (let c = 0; c < channels; c++)
        for (let f = 0; f < filters; f++)
          out[((ky * k + kx) * channels + c) * filters + f] = w[((f * channels + c) * k + ky) * k + kx];
  return out;
}

/** A row-major [rows, cols] matrix transposed. */
export function transpose(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c];
  return out;
}
