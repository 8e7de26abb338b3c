/**
 * How far a model's confidence can be trusted: the reliability diagram and the expected
 * calibration error (ECE), as Guo et al. define them in "On Calibration of Modern Neural
 * Networks" (ICML 2017, section 2).
 *
 * Each sample's confidence is its largest probability, p̂ = max_k p_k, and its prediction
 * that class. The interval (0, 1] is cut into M equal-width bins I_m = ((m−1)/M, m/M];
 * B_m holds the samples whose confidence falls in I_m. For each bin
 *
 *   acc(B_m)  = (1/|B_m|) Σ_{i∈B_m} [ŷ_i = y_i]
 *   conf(B_m) = (1/|B_m|) Σ_{i∈B_m} p̂_i
 *
 * The reliability diagram plots acc against conf per bin: a calibrated model lies on the
 * diagonal (of the images it is 80% sure of, 80% are right). The ECE is the gap weighted
 * by how many of the n samples each bin holds:
 *
 *   ECE = Σ_m (|B_m| / n) · |acc(B_m) − conf(B_m)|
 */

/** Guo et al.'s M = 15 equal-width bins. */
export const CALIBRATION_BINS = 15;

export interface ReliabilityBin {
  /** The bin is (lower, upper]. */
  lower: number;
  upper: number;
  /** Samples whose confidence falls in the bin. */
  count: number;
  /** Their mean confidence, and the fraction of them predicted right; both 0 for an empty bin. */
  confidence: number;
  accuracy: number;
}

/**
 * The reliability diagram's bins for `probabilities` `[n, classes]` (row-major) and the
 * true `labels` `[n]`. The prediction is each row's largest probability (the first on a tie).
 */
export function reliabilityBins(
  probabilities: ArrayLike<number>,
  labels: ArrayLike<number>,
  classes: number,
  bins = CALIBRATION_BINS,
): ReliabilityBin[] {
  const n = labels.length;
  if (probabilities.length !== n * classes) {
    throw new RangeError(`${probabilities.length} probabilities for ${n} samples of ${classes} classes`);
  }
  const count = new Array<number>(bins).fill(0);
  const confidence = new Array<number>(bins).fill(0);
  const correct = new Array<number>(bins).fill(0);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 1; k < classes; k++) if (probabilities[i * classes + k] > probabilities[i * classes + best]) best = k;
    const p = probabilities[i * classes + best];
    // (lower, upper]: a confidence of exactly m/M belongs to bin m−1 (counting from 0).
    const bin = Math.min(bins - 1, Math.max(0, Math.ceil(p * bins) - 1));
    count[bin]++;
    confidence[bin] += p;
    if (best === labels[i]) correct[bin]++;
  }
  return count.map((c, m) => ({
    lower: m / bins,
    upper: (m + 1) / bins,
    count: c,
    confidence: c > 0 ? confidence[m] / c : 0,
    accuracy: c > 0 ? correct[m] / c : 0,
  }));
}

/** ECE = Σ_m (|B_m| / n)·|acc(B_m) − conf(B_m)| over the reliability bins; 0 for no samples. */
export function expectedCalibrationError(bins: readonly ReliabilityBin[]): number {
  const n = bins.reduce((sum, bin) => sum + bin.count, 0);
  if (n === 0) return 0;
  return bins.reduce((sum, bin) => sum + (bin.count / n) * Math.abs(bin.accuracy - bin.confidence), 0);
}
