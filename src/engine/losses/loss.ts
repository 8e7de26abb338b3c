import type { Matrix } from '../tensor';

/**
 * A loss takes the network's raw outputs (logits, `[batch, classes]`) and the true
 * class of each sample, and reports the mean loss over the batch. `backward` returns
 * d(mean loss)/d(logits), already divided by the batch size.
 *
 * Both losses look at softmax probabilities, so `probabilities()` after `forward`
 * gives the model's prediction for free.
 */
export interface Loss {
  forward(logits: Matrix, labels: ArrayLike<number>): number;
  backward(): Matrix;
  probabilities(): Matrix;
}
