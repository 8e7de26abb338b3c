// What every kernel file shares: a multiply-add that fuses when the engine has relaxed SIMD.

/** a·b + c per lane: one fused instruction in the relaxed-SIMD build, a multiply and an add in the other. */
// @ts-ignore: decorator
@inline
export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}
