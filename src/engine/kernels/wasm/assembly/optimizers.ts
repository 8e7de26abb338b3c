// The optimisers' update rules. Twin of ../../reference/optimizers.ts.
//
// Each rule's loop but SGD's takes two vectors (8 floats) a turn, through an inline
// helper of four lanes: V8 spends about a third of a one-vector turn on the loop itself
// and on re-broadcasting the constants, and two vectors a turn made Adam's call over the
// reference MLP's 101,770 weights 96 -> 73 µs (four a turn: no faster). SGD's few
// operations a vector are bound by memory (19 µs over the same weights).

import { flushSubnormal, flushSubnormalScalar } from './simd';

/** w −= lr·g */
export function sgd(w: usize, g: usize, len: i32, lr: f32): void {
  const l = f32x4.splat(lr);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const q = <usize>i << 2;
    v128.store(w + q, f32x4.sub(v128.load(w + q), f32x4.mul(l, v128.load(g + q))));
  }
  for (; i < len; i++) {
    const q = <usize>i << 2;
    store<f32>(w + q, load<f32>(w + q) - lr * load<f32>(g + q));
  }
}

/** Momentum: v ← a·v − lr·g;  w ← w + v */
export function momentum(w: usize, g: usize, v: usize, len: i32, lr: f32, a: f32): void {
  velocity(w, g, v, len, lr, a, false);
}

/** Nesterov: v ← a·v − lr·g;  w ← w + a·v − lr·g */
export function nesterov(w: usize, g: usize, v: usize, len: i32, lr: f32, a: f32): void {
  velocity(w, g, v, len, lr, a, true);
}

/** AdaGrad: h ← h + g²;  w ← w − lr·g/√(h + eps). h never decays, so it needs no flush. */
export function adaGrad(w: usize, g: usize, h: usize, len: i32, lr: f32, eps: f32): void {
  adaptive(w, g, h, len, lr, 1, 1, eps, false);
}

/**
 * RMSProp: h ← rho·h + (1 − rho)·g²;  w ← w − lr·g/√(h + eps), with 1 − rho passed in
 * (computed in f64 by the caller, as for Adam's 1 − β). h decays where g stays 0, so it is
 * stored with subnormals flushed to 0 (see `flushSubnormal`); the update multiplies
 * nothing by h.
 */
export function rmsProp(w: usize, g: usize, h: usize, len: i32, lr: f32, rho: f32, oneMinusRho: f32, eps: f32): void {
  adaptive(w, g, h, len, lr, rho, oneMinusRho, eps, true);
}

/**
 * v ← a·v − lr·g;  w ← w + v, or with `nesterov` w ← w + a·v − lr·g. v decays where g stays
 * 0, so it is stored with subnormals flushed to 0 (see `flushSubnormal`). Nesterov's a·v is
 * subnormal only while a·v < 2^-126 ≤ v, the one step before v itself flushes: not worth a
 * second flush.
 */
// @ts-ignore: decorator
@inline
function velocity(w: usize, g: usize, v: usize, len: i32, lr: f32, a: f32, nesterov: bool): void {
  const l = f32x4.splat(lr);
  const av = f32x4.splat(a);
  let i = 0;
  for (; i + 8 <= len; i += 8) {
    const q = <usize>i << 2;
    velocityLanes(w + q, g + q, v + q, l, av, nesterov);
    velocityLanes(w + q + 16, g + q + 16, v + q + 16, l, av, nesterov);
  }
  for (; i + 4 <= len; i += 4) {
    const q = <usize>i << 2;
    velocityLanes(w + q, g + q, v + q, l, av, nesterov);
  }
  for (; i < len; i++) {
    const q = <usize>i << 2;
    const step = lr * load<f32>(g + q);
    const vel = flushSubnormalScalar(a * load<f32>(v + q) - step);
    store<f32>(v + q, vel);
    store<f32>(w + q, load<f32>(w + q) + (nesterov ? a * vel - step : vel));
  }
}

/** h ← rho·h + scale·g², with `flush` stored flushed (see `flushSubnormal`);  w ← w − lr·g/√(h + eps). */
// @ts-ignore: decorator
@inline
function adaptive(w: usize, g: usize, h: usize, len: i32, lr: f32, rho: f32, scale: f32, eps: f32, flush: bool): void {
  const l = f32x4.splat(lr), r = f32x4.splat(rho), s = f32x4.splat(scale), e = f32x4.splat(eps);
  let i = 0;
  for (; i + 8 <= len; i += 8) {
    const q = <usize>i << 2;
    adaptiveLanes(w + q, g + q, h + q, l, r, s, e, flush);
    adaptiveLanes(w + q + 16, g + q + 16, h + q + 16, l, r, s, e, flush);
  }
  for (; i + 4 <= len; i += 4) {
    const q = <usize>i << 2;
    adaptiveLanes(w + q, g + q, h + q, l, r, s, e, flush);
  }
  for (; i < len; i++) {
    const q = <usize>i << 2;
    const gv = load<f32>(g + q);
    const sum = rho * load<f32>(h + q) + scale * gv * gv;
    const hv = flush ? flushSubnormalScalar(sum) : sum;
    store<f32>(h + q, hv);
    store<f32>(w + q, load<f32>(w + q) - (lr * gv) / Mathf.sqrt(hv + eps));
  }
}

/** `velocity`'s update of four lanes at w, g, v. */
// @ts-ignore: decorator
@inline
function velocityLanes(w: usize, g: usize, v: usize, l: v128, av: v128, nesterov: bool): void {
  const step = f32x4.mul(l, v128.load(g));
  const vel = flushSubnormal(f32x4.sub(f32x4.mul(av, v128.load(v)), step));
  v128.store(v, vel);
  const delta = nesterov ? f32x4.sub(f32x4.mul(av, vel), step) : vel;
  v128.store(w, f32x4.add(v128.load(w), delta));
}

/** `adaptive`'s update of four lanes at w, g, h. */
// @ts-ignore: decorator
@inline
function adaptiveLanes(w: usize, g: usize, h: usize, l: v128, r: v128, s: v128, e: v128, flush: bool): void {
  const gv = v128.load(g);
  const sum = f32x4.add(f32x4.mul(r, v128.load(h)), f32x4.mul(s, f32x4.mul(gv, gv)));
  const hv = flush ? flushSubnormal(sum) : sum;
  v128.store(h, hv);
  v128.store(w, f32x4.sub(v128.load(w), f32x4.div(f32x4.mul(l, gv), f32x4.sqrt(f32x4.add(hv, e)))));
}

/**
 * Adam: m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·g²;  w ← w − step·m / (√(v·vScale) + eps)
 * with step = lr / (1 − β1ᵗ) and vScale = 1 / (1 − β2ᵗ) computed by the caller, and 1 − β
 * passed in too (computed in f64: 1 − f32(0.999) is off by 1e-5 relative). m and v are
 * stored with subnormals flushed to 0 (see `flushSubnormal`), and the update is computed as
 * m·(step / (√(v·vScale) + eps)) so that a tiny m (the moment of a weight whose gradient has
 * stayed 0) makes no subnormal product step·m either.
 */
export function adam(w: usize, g: usize, m: usize, v: usize, len: i32, step: f32, beta1: f32, beta2: f32, eps: f32, vScale: f32, oneMinusBeta1: f32, oneMinusBeta2: f32): void {
  const b1 = f32x4.splat(beta1), c1 = f32x4.splat(oneMinusBeta1);
  const b2 = f32x4.splat(beta2), c2 = f32x4.splat(oneMinusBeta2);
  const st = f32x4.splat(step), e = f32x4.splat(eps), vs = f32x4.splat(vScale);
  let i = 0;
  for (; i + 8 <= len; i += 8) {
    const q = <usize>i << 2;
    adamLanes(w + q, g + q, m + q, v + q, b1, c1, b2, c2, st, e, vs);
    adamLanes(w + q + 16, g + q + 16, m + q + 16, v + q + 16, b1, c1, b2, c2, st, e, vs);
  }
  for (; i + 4 <= len; i += 4) {
    const q = <usize>i << 2;
    adamLanes(w + q, g + q, m + q, v + q, b1, c1, b2, c2, st, e, vs);
  }
  for (; i < len; i++) {
    const q = <usize>i << 2;
    const gv = load<f32>(g + q);
    const mv = flushSubnormalScalar(beta1 * load<f32>(m + q) + oneMinusBeta1 * gv);
    const vv = flushSubnormalScalar(beta2 * load<f32>(v + q) + oneMinusBeta2 * gv * gv);
    store<f32>(m + q, mv);
    store<f32>(v + q, vv);
    store<f32>(w + q, load<f32>(w + q) - mv * (step / (Mathf.sqrt(vv * vScale) + eps)));
  }
}

/** Adam's update of four lanes at w, g, m, v (see `adam`). */
// @ts-ignore: decorator
@inline
function adamLanes(w: usize, g: usize, m: usize, v: usize, b1: v128, c1: v128, b2: v128, c2: v128, st: v128, e: v128, vs: v128): void {
  const gv = v128.load(g);
  const mv = flushSubnormal(f32x4.add(f32x4.mul(b1, v128.load(m)), f32x4.mul(c1, gv)));
  const vv = flushSubnormal(f32x4.add(f32x4.mul(b2, v128.load(v)), f32x4.mul(c2, f32x4.mul(gv, gv))));
  v128.store(m, mv);
  v128.store(v, vv);
  const denominator = f32x4.add(f32x4.sqrt(f32x4.mul(vv, vs)), e);
  v128.store(w, f32x4.sub(v128.load(w), f32x4.mul(mv, f32x4.div(st, denominator))));
}
