/** One point of the live loss curve: the engine's running loss after `step` mini-batches. */
export interface LossPoint {
  step: number;
  loss: number;
}

/**
 * Most points the live curve keeps. Progress arrives about 20 times a second, so a long
 * run would otherwise grow without bound; past this the curve keeps every other point,
 * which a chart a few hundred pixels wide cannot tell apart.
 */
export const MAX_LOSS_POINTS = 2000;

/**
 * The curve with one more point. A point for a step already on the curve replaces it
 * (the engine reports the last step of an epoch twice, around its evaluation).
 */
export function appendLossPoint(
  points: readonly LossPoint[],
  point: LossPoint,
  maxPoints = MAX_LOSS_POINTS,
): readonly LossPoint[] {
  if (!Number.isFinite(point.loss)) return points;
  const last = points.at(-1);
  if (last && point.step < last.step) return points;
  const next = last && point.step === last.step ? [...points.slice(0, -1), point] : [...points, point];
  if (next.length <= maxPoints) return next;
  // Halve, always keeping the newest point so the curve ends where training is.
  const halved = next.filter((_, i) => i % 2 === 0);
  if (halved.at(-1) !== point) halved.push(point);
  return halved;
}

/**
 * Exponential moving average with TensorBoard's debiasing: without it the first values
 * are pulled toward 0, and a loss curve would start too low. `weight` is how much of the
 * past each value keeps (0 = the raw series, 0.99 = very smooth).
 */
export function smoothSeries(values: readonly number[], weight: number): number[] {
  if (weight <= 0) return [...values];
  const smoothed: number[] = [];
  let average = 0;
  let count = 0;
  for (const value of values) {
    count++;
    average = average * weight + (1 - weight) * value;
    smoothed.push(average / (1 - weight ** count));
  }
  return smoothed;
}
