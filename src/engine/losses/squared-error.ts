import type { DType, Matrix } from '../tensor';
import { reuse } from '../tensor';
import type { Loss } from './loss';
import { targetOf } from './no-class';
import { softmaxRows } from './softmax';

/**
 * The notes' first loss: squared error on the softmax output,
 *
 *   p = softmax(z),  L = (1/N) Σ_n ½ Σ_j (p[n,j] - t[n,j])²,  t = onehot(label)
 *
 * (t = 1/K everywhere for a NO_CLASS_LABEL row, no-class.ts)
 *
 * Its gradient goes through softmax's full Jacobian, dp_j/dz_i = p_j(δ_ij - p_i):
 *
 *   g = p - t,  dL/dz_i = p_i (g_i - Σ_j g_j p_j) / N
 *
 * It learns more slowly than cross-entropy (the gradient vanishes as p saturates);
 * it is here so the notes' comparison can be repeated.
 */
export class SquaredError implements Loss {
  private probs: Matrix | undefined;
  private grad: Matrix | undefined;
  private labels: ArrayLike<number> = [];

  constructor(private readonly dtype: DType = 'float32') {}

  forward(logits: Matrix, labels: ArrayLike<number>): number {
    const { rows, cols } = logits;
    this.labels = labels;
    this.probs = reuse(this.probs, rows, cols, this.dtype);
    const p = this.probs.data;
    softmaxRows(logits.data, p, rows, cols);
    let total = 0;
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < cols; j++) {
        const d = p[r * cols + j] - targetOf(labels[r], j, cols);
        total += 0.5 * d * d;
      }
    }
    return total / rows;
  }

  backward(): Matrix {
    const probs = this.probs;
    if (!probs) throw new Error('SquaredError.backward called before forward');
    const { rows, cols } = probs;
    this.grad = reuse(this.grad, rows, cols, this.dtype);
    const p = probs.data;
    const out = this.grad.data;
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      let dot = 0;
      for (let j = 0; j < cols; j++) dot += (p[o + j] - targetOf(this.labels[r], j, cols)) * p[o + j];
      for (let i = 0; i < cols; i++) {
        const g = p[o + i] - targetOf(this.labels[r], i, cols);
        out[o + i] = (p[o + i] * (g - dot)) / rows;
      }
    }
    return this.grad;
  }

  probabilities(): Matrix {
    if (!this.probs) throw new Error('probabilities() called before forward');
    return this.probs;
  }
}
