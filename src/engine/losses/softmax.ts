import type { FloatArray } from '../tensor';

/**
 * Row-wise softmax, written into `out` (may alias `logits`).
 * Subtracting each row's maximum first keeps exp() from overflowing (the notes'
 * overflow guard); it does not change the result.
 */
export function softmaxRows(logits: FloatArray, out: FloatArray, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let max = -Infinity;
    for (let j = 0; j < cols; j++) if (logits[o + j] > max) max = logits[o + j];
    let sum = 0;
    for (let j = 0; j < cols; j++) {
      const e = Math.exp(logits[o + j] - max);
      out[o + j] = e;
      sum += e;
    }
    for (let j = 0; j < cols; j++) out[o + j] /= sum;
  }
}
