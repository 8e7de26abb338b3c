import type { ReliabilityBin } from '../metrics/calibration';
import { expectedCalibrationError, reliabilityBins } from '../metrics/calibration';

/**
 * Temperature scaling (Guo et al., "On Calibration of Modern Neural Networks", ICML 2017,
 * section 4.2): one number T > 0 divides every logit before the softmax,
 *
 *   p = softmax(z / T)
 *
 * T > 1 softens overconfident probabilities, T < 1 sharpens timid ones, and since
 * dividing by T keeps each row's order the predicted class, hence the accuracy, never
 * changes. T is fitted after training, with the weights fixed, to minimise the negative
 * log-likelihood on held-out data (the validation set, never the test set):
 *
 *   NLL(T) = (1/N) Σ_n [ log Σ_k exp(z_nk / T) − z_n,y_n / T ]
 *
 * As a function of β = 1/T this is a log-sum-exp of lines minus a line, so convex: its
 * derivative is the mean over samples of E_p[z] − z_y and its second derivative the mean
 * variance of z under p, never negative. A convex function of β is unimodal in
 * log T = −log β too, so a golden-section search over log T finds the minimum without a
 * gradient or a step size.
 */

/** The search range for T. A set the model gets all right with margin pushes T towards 0; this stops it. */
export const TEMPERATURE_RANGE = { min: 0.05, max: 20 } as const;

/** NLL(T) on logits `[n, classes]` (row-major) with true `labels` `[n]`, in float64, each row's max subtracted. */
export function temperedNll(
  logits: ArrayLike<number>,
  labels: ArrayLike<number>,
  classes: number,
  temperature: number,
): number {
  const n = labels.length;
  if (n === 0) return 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const row = i * classes;
    let max = -Infinity;
    for (let k = 0; k < classes; k++) max = Math.max(max, logits[row + k] / temperature);
    let sum = 0;
    for (let k = 0; k < classes; k++) sum += Math.exp(logits[row + k] / temperature - max);
    total += max + Math.log(sum) - logits[row + labels[i]] / temperature;
  }
  return total / n;
}

/**
 * The T in TEMPERATURE_RANGE that minimises NLL(T), by golden-section search on log T
 * to within a relative 1e-6. With no samples there is nothing to fit: T = 1.
 */
export function fitTemperature(logits: ArrayLike<number>, labels: ArrayLike<number>, classes: number): number {
  if (labels.length === 0) return 1;
  if (logits.length !== labels.length * classes) {
    throw new RangeError(`${logits.length} logits for ${labels.length} samples of ${classes} classes`);
  }
  const nll = (logT: number): number => temperedNll(logits, labels, classes, Math.exp(logT));
  const ratio = (Math.sqrt(5) - 1) / 2;
  let a = Math.log(TEMPERATURE_RANGE.min);
  let b = Math.log(TEMPERATURE_RANGE.max);
  let c = b - ratio * (b - a);
  let d = a + ratio * (b - a);
  let fc = nll(c);
  let fd = nll(d);
  while (b - a > 1e-6) {
    if (fc <= fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - ratio * (b - a);
      fc = nll(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + ratio * (b - a);
      fd = nll(d);
    }
  }
  return Math.exp((a + b) / 2);
}

/** softmax(z / T) row by row, `[n, classes]` -> `[n, classes]`. */
export function temperedSoftmax(logits: ArrayLike<number>, classes: number, temperature: number): Float32Array {
  const out = new Float32Array(logits.length);
  for (let row = 0; row < logits.length; row += classes) {
    let max = -Infinity;
    for (let k = 0; k < classes; k++) max = Math.max(max, logits[row + k] / temperature);
    let sum = 0;
    for (let k = 0; k < classes; k++) sum += Math.exp(logits[row + k] / temperature - max);
    for (let k = 0; k < classes; k++) out[row + k] = Math.exp(logits[row + k] / temperature - max) / sum;
  }
  return out;
}

/** A temperature's effect on one set: ECE and reliability bins at T = 1 (before) and at `temperature` (after). */
export interface CalibrationMeasure {
  temperature: number;
  count: number;
  eceBefore: number;
  eceAfter: number;
  reliabilityBefore: ReliabilityBin[];
  reliabilityAfter: ReliabilityBin[];
}

/** Measures `temperature` on logits `[n, classes]` and labels: what the model said before, and after dividing by T. */
export function measureCalibration(
  logits: ArrayLike<number>,
  labels: ArrayLike<number>,
  classes: number,
  temperature: number,
): CalibrationMeasure {
  const reliabilityBefore = reliabilityBins(temperedSoftmax(logits, classes, 1), labels, classes);
  const reliabilityAfter = reliabilityBins(temperedSoftmax(logits, classes, temperature), labels, classes);
  return {
    temperature,
    count: labels.length,
    eceBefore: expectedCalibrationError(reliabilityBefore),
    eceAfter: expectedCalibrationError(reliabilityAfter),
    reliabilityBefore,
    reliabilityAfter,
  };
}
