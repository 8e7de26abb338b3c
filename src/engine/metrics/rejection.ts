/**
 * Saying "not a digit": a score per image from the model's logits, higher for what looks
 * like the training data, and a threshold below which the image is rejected. Three scores,
 * each of the logits z `[classes]` and the model's temperature T:
 *
 *   max-probability  max_k softmax(z / T)_k          (Hendrycks & Gimpel 2017)
 *   max-logit        max_k z_k / T                   (Hendrycks et al. 2022)
 *   energy           log Σ_k exp(z_k / T)            (Liu et al. 2020: minus the free energy
 *                                                     E = −T log Σ exp(z / T), divided by T)
 *
 * Softmax throws away how large the logits are, only their differences count; the other
 * two keep it, and a drawing unlike any digit often gets smaller logits everywhere.
 *
 * The threshold is set on digits only: the highest one that rejects at most `maxRejected`
 * of each digit set (digitThreshold). Which score to use is chosen on digits against
 * non-digits (separation: the area under the ROC curve and the share of non-digits
 * rejected at the threshold).
 */
import type { REJECTION_SCORE_NAMES } from '../../shared/model-metadata';

export { REJECTION_SCORE_NAMES as REJECTION_SCORES } from '../../shared/model-metadata';
export type RejectionScore = (typeof REJECTION_SCORE_NAMES)[number];

/** The score of one row of logits (`classes` values from `offset`) at temperature T. */
export function rejectionScore(
  score: RejectionScore,
  logits: ArrayLike<number>,
  temperature: number,
  offset = 0,
  classes = logits.length - offset,
): number {
  let max = -Infinity;
  for (let k = 0; k < classes; k++) max = Math.max(max, logits[offset + k] / temperature);
  if (score === 'max-logit') return max;
  let sum = 0;
  for (let k = 0; k < classes; k++) sum += Math.exp(logits[offset + k] / temperature - max);
  // max-probability: exp(max − max) / Σ exp(z/T − max); energy: log Σ exp(z/T).
  return score === 'max-probability' ? 1 / sum : max + Math.log(sum);
}

/** The score of every row of `[n, classes]` logits. */
export function rejectionScores(
  score: RejectionScore,
  logits: ArrayLike<number>,
  classes: number,
  temperature: number,
): Float64Array {
  const n = Math.floor(logits.length / classes);
  return Float64Array.from({ length: n }, (_, i) => rejectionScore(score, logits, temperature, i * classes, classes));
}

/** An image is rejected when its score is below the threshold. */
export const isRejectedScore = (value: number, threshold: number): boolean => !(value >= threshold);

/** How many of `scores` the threshold rejects. */
export function rejectedCount(scores: ArrayLike<number>, threshold: number): number {
  let count = 0;
  for (let i = 0; i < scores.length; i++) if (isRejectedScore(scores[i], threshold)) count++;
  return count;
}

/**
 * The highest threshold that rejects at most floor(maxRejected · n) of each set's n scores:
 * for each set its (k+1)-th smallest score (fewer than k lie strictly below it), and the
 * smallest of these over the sets, the strictest for the digits.
 */
export function digitThreshold(sets: readonly ArrayLike<number>[], maxRejected: number): number {
  let threshold = Infinity;
  for (const scores of sets) {
    if (scores.length === 0) continue;
    const sorted = Float64Array.from(scores).sort();
    threshold = Math.min(threshold, sorted[Math.floor(maxRejected * sorted.length)]);
  }
  return threshold === Infinity ? -Infinity : threshold;
}

/**
 * The area under the ROC curve of telling `positives` (digits, expected high) from
 * `negatives` (non-digits): the chance a random digit scores above a random non-digit,
 * ties counting half (the Mann-Whitney U statistic over n·m).
 */
export function separationAuroc(positives: ArrayLike<number>, negatives: ArrayLike<number>): number {
  const all = [
    ...Array.from(positives, (value) => ({ value, positive: true })),
    ...Array.from(negatives, (value) => ({ value, positive: false })),
  ].sort((a, b) => a.value - b.value);
  let rankSum = 0;
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j < all.length && all[j].value === all[i].value) j++;
    const midRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (all[k].positive) rankSum += midRank;
    i = j;
  }
  const n = positives.length;
  const m = negatives.length;
  return (rankSum - (n * (n + 1)) / 2) / (n * m);
}
