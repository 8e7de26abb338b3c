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
 * Label smoothing ε (Szegedy et al. 2016, "Rethinking the Inception architecture") aims
 * at (1 − ε)·onehot(t) + ε/K instead of the one-hot target, so the network is not pushed
 * towards ever larger logits for the examples it already gets right:
 *
 *   L = (1 − ε)·CE(onehot) + ε·CE(u) = logsumexp(z) − (1 − ε)·z_t − ε·mean(z),
 *   dL/dz = (p − (1 − ε)·onehot(t) − ε/K) / N
 *
 * A row labelled NO_CLASS_LABEL has the uniform target instead (no-class.ts), which
 * smoothing leaves as it is: the kernel handles it as class 0 and the row's loss and
 * gradient are then corrected here, as are a smoothed row's.
 */
export class SoftmaxCrossEntropy implements Loss {
  private probs: Matrix | undefined;
  private grad: Matrix | undefined;

  /** `labelSmoothing` is ε, 0 for the plain one-hot target. */
  constructor(
    private readonly dtype: DType = 'float32',
    private readonly labelSmoothing = 0,
  ) {}

  /** Computes the probabilities and, fused into the same pass, the gradient `backward` returns. */
  forward(logits: Matrix, labels: ArrayLike<number>): number {
    const { rows, cols } = logits;
    this.probs = reuse(this.probs, rows, cols, this.dtype);
    this.grad = reuse(this.grad, rows, cols, this.dtype);
    const noClass = hasNoClassRows(labels);
    const kernelLabels = noClass
      ? Uint8Array.from({ length: rows }, (_, r) => (labels[r] < cols ? labels[r] : 0))
      : labels;
    let total = kernels().softmaxCrossEntropy(logits.data, kernelLabels, this.probs.data, this.grad.data, rows, cols);
    if (!noClass && this.labelSmoothing === 0) return total / rows;
    const [z, p, grad] = [logits.data, this.probs.data, this.grad.data];
    const e = this.labelSmoothing;
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      if (labels[r] >= cols) {
        // Out goes the kernel's −log p_0 = logsumexp(z) − z_0, in comes KL(u ‖ p).
        total += uniformTargetLoss(z, o, cols) - (logSumExp(z, o, cols) - z[o]);
        for (let j = 0; j < cols; j++) grad[o + j] = (p[o + j] - 1 / cols) / rows;
      } else if (e > 0) {
        // The kernel gave logsumexp(z) − z_t and (p − onehot)/N; ε of the target moves to uniform.
        let mean = 0;
        for (let j = 0; j < cols; j++) mean += z[o + j] / cols;
        total += e * (z[o + labels[r]] - mean);
        for (let j = 0; j < cols; j++) grad[o + j] += (e * ((j === labels[r] ? 1 : 0) - 1 / cols)) / rows;
      }
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
