/**
 * One gradient check for every layer and loss (after convnetjs's NeuralNetSpec and
 * tinygrad's gradcheck): compare backprop's gradient with the central difference
 *
 *   ∂L/∂x ≈ (L(x + h) − L(x − h)) / 2h
 *
 * in float64, entry by entry. The notes did this with h = 1e-4 and saw mean absolute
 * differences near 1e-12; we use h = 1e-5 and report both that mean and the worst
 * relative error.
 */
export interface GradientTarget {
  name: string;
  /** Perturbed in place and restored. */
  value: Float64Array;
  /** The analytic gradient to check, computed by the caller beforehand. */
  grad: ArrayLike<number>;
}

export interface GradientCheckResult {
  name: string;
  checked: number;
  meanAbsoluteDifference: number;
  maxRelativeError: number;
}

export interface GradientCheckOptions {
  step?: number;
  /** Below this size a difference counts as absolute, not relative (avoids 0/0). */
  floor?: number;
}

export function gradientCheck(
  loss: () => number,
  targets: readonly GradientTarget[],
  options: GradientCheckOptions = {},
): GradientCheckResult[] {
  const h = options.step ?? 1e-5;
  const floor = options.floor ?? 1e-6;
  return targets.map(({ name, value, grad }) => {
    let sumAbs = 0;
    let maxRel = 0;
    for (let i = 0; i < value.length; i++) {
      const original = value[i];
      value[i] = original + h;
      const plus = loss();
      value[i] = original - h;
      const minus = loss();
      value[i] = original;
      const numeric = (plus - minus) / (2 * h);
      const diff = Math.abs(numeric - grad[i]);
      sumAbs += diff;
      maxRel = Math.max(maxRel, diff / Math.max(floor, Math.abs(numeric) + Math.abs(grad[i])));
    }
    return { name, checked: value.length, meanAbsoluteDifference: sumAbs / value.length, maxRelativeError: maxRel };
  });
}
