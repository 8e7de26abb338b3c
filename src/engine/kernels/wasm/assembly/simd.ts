// What kernel files share: a multiply-add that fuses when the engine has relaxed SIMD, and a
// flush of subnormals to zero.

/** a·b + c per lane: one fused instruction in the relaxed-SIMD build, a multiply and an add in the other. */
// @ts-ignore: decorator
@inline
export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** The smallest normal float32, 2^-126. */
export const MIN_NORMAL: f32 = 1.17549435e-38;

/**
 * x with each lane whose magnitude is below 2^-126 (a subnormal) set to +0: the flush to
 * zero WebAssembly does not do by itself. On x86 every arithmetic operation that reads or
 * makes a subnormal takes a microcode assist of ~100 cycles, so a state that decays
 * geometrically (an optimiser's moment or velocity of a weight whose gradient stays 0)
 * slows every step once it reaches that range (issue #16: Adam's call over the reference
 * MLP doubled by 3,000 steps). A NaN lane stays NaN, as in `flushSubnormalScalar` and the
 * reference optimisers' `flushSubnormal`, which flush the same way.
 */
// @ts-ignore: decorator
@inline
export function flushSubnormal(x: v128): v128 {
  return v128.andnot(x, f32x4.lt(f32x4.abs(x), f32x4.splat(MIN_NORMAL)));
}

/** `flushSubnormal` for one float: the kernels' scalar tails. */
// @ts-ignore: decorator
@inline
export function flushSubnormalScalar(x: f32): f32 {
  return Mathf.abs(x) < MIN_NORMAL ? 0 : x;
}
