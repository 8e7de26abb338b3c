import { NO_CLASS_LABEL } from '../data/dataset';

/**
 * The target of a NO_CLASS_LABEL row (data/dataset.ts) is the uniform distribution u = 1/K.
 * Its loss is measured from that target's own minimum, so a perfectly uncertain output
 * costs 0 as a perfectly right one does, and the mean loss stays comparable with runs
 * that have no such rows:
 *
 *   L = KL(u ‖ p) = −(1/K) Σ_j log p_j − log K,   dL/dz = p − u
 */

/** Whether any label in the batch is NO_CLASS_LABEL. */
export function hasNoClassRows(labels: ArrayLike<number>): boolean {
  for (let r = 0; r < labels.length; r++) if (labels[r] === NO_CLASS_LABEL) return true;
  return false;
}

/** The target probability of class `j` for a row labelled `label`: one-hot, or uniform for NO_CLASS_LABEL. */
export function targetOf(label: number, j: number, classes: number): number {
  return label === NO_CLASS_LABEL ? 1 / classes : j === label ? 1 : 0;
}

/** log Σ_j exp(z_j) of one row of logits, shifted by the row's maximum so that it never overflows. */
export function logSumExp(z: ArrayLike<number>, offset: number, classes: number): number {
  let max = -Infinity;
  for (let j = 0; j < classes; j++) max = Math.max(max, z[offset + j]);
  let sum = 0;
  for (let j = 0; j < classes; j++) sum += Math.exp(z[offset + j] - max);
  return max + Math.log(sum);
}

/** KL(u ‖ softmax(z)) of one row of logits, from the logits so that a tiny p never gives log(0). */
export function uniformTargetLoss(z: ArrayLike<number>, offset: number, classes: number): number {
  let mean = 0;
  for (let j = 0; j < classes; j++) mean += z[offset + j] / classes;
  // −(1/K) Σ log p_j = logsumexp(z) − mean(z).
  return logSumExp(z, offset, classes) - mean - Math.log(classes);
}
