/**
 * The one-cycle learning-rate schedule (Smith & Topin 2019, "Super-convergence"), in the
 * shape PyTorch's OneCycleLR gives it by default: over a run of T steps, the rate of step
 * s (1-based) at t = (s − 1) / (T − 1) of the way through is
 *
 *   t ≤ w:  lr_s = lo + (peak − lo)·(1 − cos(π·t/w)) / 2          warm-up, lo = peak / 25
 *   t > w:  lr_s = end + (peak − end)·(1 + cos(π·(t − w)/(1 − w))) / 2   annealing, end = lo / 10⁴
 *
 * with w = 0.3. The warm-up lets a large peak rate start without diverging (batch
 * norm's statistics and Adam's moments settle first); the long descent to almost 0
 * settles into a minimum, so a few epochs do what a constant rate needs many for.
 * (PyTorch also cycles momentum against the rate; this schedule does not.)
 */
export const ONE_CYCLE = { warmupFraction: 0.3, startDivisor: 25, endDivisor: 25 * 1e4 } as const;

/** The one-cycle rate for `step` (1..totalSteps) of a run whose peak rate is `peak`. */
export function oneCycleLearningRate(peak: number, step: number, totalSteps: number): number {
  const lo = peak / ONE_CYCLE.startDivisor;
  const end = peak / ONE_CYCLE.endDivisor;
  const w = ONE_CYCLE.warmupFraction;
  const t = totalSteps > 1 ? (Math.min(Math.max(step, 1), totalSteps) - 1) / (totalSteps - 1) : 1;
  if (t <= w) return lo + ((peak - lo) * (1 - Math.cos((Math.PI * t) / w))) / 2;
  return end + ((peak - end) * (1 + Math.cos((Math.PI * (t - w)) / (1 - w)))) / 2;
}
