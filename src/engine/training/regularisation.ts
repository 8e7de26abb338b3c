import type { Param } from '../layers/layer';

/**
 * Weight decay as the notes define it, on weights only (biases are not decayed):
 *
 *   L2: loss += ½λ‖W‖²,  grad += λW
 *   L1: loss += λΣ|W|,   grad += λ·sign(W)
 *
 * Adds to the gradients in place and returns the penalty added to the loss.
 */
export function applyWeightDecay(params: readonly Param[], l2: number, l1: number): number {
  const penalty = weightDecayPenalty(params, l2, l1);
  for (const p of params) decayGradient(p, l2, l1);
  return penalty;
}

/** The penalty weight decay adds to the loss (0 when there is none). */
export function weightDecayPenalty(params: readonly Param[], l2: number, l1: number): number {
  if (l2 === 0 && l1 === 0) return 0;
  let penalty = 0;
  for (const p of params) {
    if (!p.regularised) continue;
    const w = p.value;
    for (let i = 0; i < w.length; i++) {
      const wi = w[i];
      penalty += 0.5 * l2 * wi * wi + l1 * Math.abs(wi);
    }
  }
  return penalty;
}

/**
 * Weight decay's term added to p's gradient on entries [from, to): data-parallel training
 * decays each range of the gradient on the thread that updates it.
 */
export function decayGradient(p: Param, l2: number, l1: number, from = 0, to = p.value.length): void {
  if ((l2 === 0 && l1 === 0) || !p.regularised) return;
  const w = p.value;
  const g = p.grad;
  for (let i = from; i < to; i++) {
    const wi = w[i];
    g[i] += l2 * wi + l1 * Math.sign(wi);
  }
}
