import type { FloatArray } from '../../tensor';

// The fused loss of losses/softmax-cross-entropy.ts.
// Fast twin: ../wasm/assembly/softmax-cross-entropy.ts.

/**
 * Softmax-cross-entropy on logits z[rows, cols], fused with its gradient:
 *
 *   p = softmax(z),  grad = (p − onehot(t)) / rows,  returns Σ_rows (log Σ_j e^(z_j − max) + max − z_t)
 *
 * The caller divides the returned sum by `rows` for the mean loss.
 */
export function softmaxCrossEntropy(
  z: FloatArray,
  labels: ArrayLike<number>,
  p: FloatArray,
  grad: FloatArray,
  rows: number,
  cols: number,
): number {
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let max = -Infinity;
    for (let j = 0; j < cols; j++) if (z[o + j] > max) max = z[o + j];
    let sum = 0;
    for (let j = 0; j < cols; j++) {
      const e = Math.exp(z[o + j] - max);
      p[o + j] = e;
      sum += e;
    }
    for (let j = 0; j < cols; j++) {
      p[o + j] /= sum;
      grad[o + j] = p[o + j] / rows - (j === labels[r] ? 1 / rows : 0);
    }
    total += Math.log(sum) + max - z[o + labels[r]];
  }
  return total;
}
