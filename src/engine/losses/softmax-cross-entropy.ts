import { kernels } from '../kernels';
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

  constructor(private readonly dtype: DType = 'float32') {}

  /** Computes the probabilities and, fused into the same pass, the gradient `backward` returns. */
  forward(logits: Matrix, labels: ArrayLike<number>): number {
    const { rows, cols } = logits;
    this.probs = reuse(this.probs, rows, cols, this.dtype);
    this.grad = reuse(this.grad, rows, cols, this.dtype);
    return kernels().softmaxCrossEntropy(logits.data, labels, this.probs.data, this.grad.data, rows, cols) / rows;
  }

  backward(): Matrix {
    if (!this.grad) throw new Error('SoftmaxCrossEntropy.backward called before forward');
    return this.grad;
  }

  probabilities(): Matrix {
    if (!this.probs) throw new Error('probabilities() called before forward');
    return this.probs;
  }
}
