import type { DType, Matrix } from '../tensor';
import { reuse } from '../tensor';
import type { Loss } from './loss';


/**
 * Softmax and cross-entropy as one op on logits z `[batch, classes]`:
 *
 *   p = softmax(z),  L = -(1/N) Σ_n log p[n, t_n],  dL/dz = (p - onehot(t)) / N
 *
 * Fusing them is what makes the gradient this simple and keeps it stable: the loss is
 * computed as log-sum-exp(z) - z_t, so a confident wrong answer gives a large finite
 * loss rather than log(0). (convnetjs SoftmaxLayer; the notes' SoftmaxWithLoss.)
 */
export class SoftmaxCrossEntropy implements Loss {
  private probs: Matrix | undefined;
  private grad: Matrix | undefined;
  private labels: ArrayLike<number> = [];

  constructor(private readonly dtype: DType = 'float32') {}

  forward(logits: Matrix, labels: ArrayLike<number>): number {
    const { rows, cols } = logits;
    this.labels = labels;
    this.probs = reuse(this.probs, rows, cols, this.dtype);
    const z = logits.data;
    const p = this.probs.data;
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
      for (let j = 0; j < cols; j++) p[o + j] /= sum;
      total += Math.log(sum) + max - z[o + labels[r]];
    }
    return total / rows;
  }

  backward(): Matrix {
    const probs = this.probs;
    if (!probs) throw new Error('SoftmaxCrossEntropy.backward called before forward');
    const { rows, cols } = probs;
    this.grad = reuse(this.grad, rows, cols, this.dtype);
    const p = probs.data;
    const g = this.grad.data;
    for (let i = 0; i < rows * cols; i++) g[i] = p[i] / rows;
    for (let r = 0; r < rows; r++) g[r * cols + this.labels[r]] -= 1 / rows;
    return this.grad;
  }

  probabilities(): Matrix {
    if (!this.probs) throw new Error('probabilities() called before forward');
    return this.probs;
  }
}

