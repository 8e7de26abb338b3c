import { kernels } from '../kernels';
import type { DType, Matrix } from '../tensor';
import { reuse } from '../tensor';
import type { Loss } from './loss';
import { hasNoClassRows, logSumExp, uniformTargetLoss } from './no-class';

/**
 * Softmax and cross-entropy as one op on logits z `[batch, classes]`:
 *
 *   p = softmax(z),  L = -(1/N) Σ_n log p[n, t_n],  dL/dz = (p - onehot(t)) / N
 *
 * Fusing them is what makes the gradient this simple and keeps it stable: the loss is
 * computed as log-sum-exp(z) - z_t, so a confident wrong answer gives a large finite
 * loss rather than log(0). (convnetjs SoftmaxLayer; the notes' SoftmaxWithLoss.)
 *
 * A row labelled NO_CLASS_LABEL has the uniform target instead (no-class.ts): the kernel
 * handles it as class 0 and the row's loss and gradient are then corrected here.
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
    if (!hasNoClassRows(labels)) {
      return kernels().softmaxCrossEntropy(logits.data, labels, this.probs.data, this.grad.data, rows, cols) / rows;
    }
    const asClassZero = Uint8Array.from({ length: rows }, (_, r) => (labels[r] < cols ? labels[r] : 0));
    let total = kernels().softmaxCrossEntropy(logits.data, asClassZero, this.probs.data, this.grad.data, rows, cols);
    const [z, p, grad] = [logits.data, this.probs.data, this.grad.data];
    for (let r = 0; r < rows; r++) {
      if (labels[r] < cols) continue;
      const o = r * cols;
      // Out goes the kernel's −log p_0 = logsumexp(z) − z_0, in comes KL(u ‖ p).
      total += uniformTargetLoss(z, o, cols) - (logSumExp(z, o, cols) - z[o]);
      for (let j = 0; j < cols; j++) grad[o + j] = (p[o + j] - 1 / cols) / rows;
    }
    return total / rows;
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
