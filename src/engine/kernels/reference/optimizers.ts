import type { FloatArray } from '../../tensor';

// The optimisers' update rules, one per file in optimizers/.
// Fast twin: ../wasm/assembly/optimizers.ts.

/** SGD: w ← w − η·g */
export function sgd(w: FloatArray, g: FloatArray, lr: number): void {
  for (let i = 0; i < w.length; i++) w[i] -= lr * g[i];
}

/**
 * x, or 0 where |x| < 2^-126 (a float32 subnormal). The fast optimisers flush their decaying
 * state this way (`flushSubnormal` in ../wasm/assembly/simd.ts: subnormal arithmetic is
 * ~100 times slower on x86), so these do too and the two agree. It moves a state by less
 * than 2^-126, which no update can see. Apply it to the stored value: a float32 array
 * rounds first.
 */
function flushSubnormal(x: number): number {
  return Math.abs(x) < 2 ** -126 ? 0 : x;
}

/** Momentum: v ← α·v − η·g  (then `flushSubnormal`);  w ← w + v */
export function momentum(w: FloatArray, g: FloatArray, v: FloatArray, lr: number, alpha: number): void {
  for (let i = 0; i < w.length; i++) {
    v[i] = alpha * v[i] - lr * g[i];
    v[i] = flushSubnormal(v[i]);
    w[i] += v[i];
  }
}

/** Nesterov: v ← α·v − η·g  (then `flushSubnormal`);  w ← w + α·v − η·g */
export function nesterov(w: FloatArray, g: FloatArray, v: FloatArray, lr: number, alpha: number): void {
  for (let i = 0; i < w.length; i++) {
    v[i] = alpha * v[i] - lr * g[i];
    v[i] = flushSubnormal(v[i]);
    w[i] += alpha * v[i] - lr * g[i];
  }
}

/** AdaGrad: h ← h + g²;  w ← w − η·g / √(h + ε)  (h never decays, so it needs no flush) */
export function adaGrad(w: FloatArray, g: FloatArray, h: FloatArray, lr: number, epsilon: number): void {
  for (let i = 0; i < w.length; i++) {
    h[i] += g[i] * g[i];
    w[i] -= (lr * g[i]) / Math.sqrt(h[i] + epsilon);
  }
}

/** RMSProp: h ← ρ·h + (1 − ρ)·g²  (then `flushSubnormal`);  w ← w − η·g / √(h + ε) */
export function rmsProp(w: FloatArray, g: FloatArray, h: FloatArray, lr: number, rho: number, epsilon: number): void {
  for (let i = 0; i < w.length; i++) {
    h[i] = rho * h[i] + (1 - rho) * g[i] * g[i];
    h[i] = flushSubnormal(h[i]);
    w[i] -= (lr * g[i]) / Math.sqrt(h[i] + epsilon);
  }
}

/**
 * Adam at step t (1-based):
 *   m ← β1·m + (1 − β1)·g;   v ← β2·v + (1 − β2)·g²   (then `flushSubnormal`)
 *   w ← w − η·m̂ / (√v̂ + ε),  m̂ = m / (1 − β1ᵗ),  v̂ = v / (1 − β2ᵗ)
 */
export function adam(
  w: FloatArray,
  g: FloatArray,
  m: FloatArray,
  v: FloatArray,
  lr: number,
  beta1: number,
  beta2: number,
  epsilon: number,
  t: number,
): void {
  const correction1 = 1 - beta1 ** t;
  const correction2 = 1 - beta2 ** t;
  for (let i = 0; i < w.length; i++) {
    m[i] = beta1 * m[i] + (1 - beta1) * g[i];
    v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
    m[i] = flushSubnormal(m[i]);
    v[i] = flushSubnormal(v[i]);
    w[i] -= (lr * (m[i] / correction1)) / (Math.sqrt(v[i] / correction2) + epsilon);
  }
}
