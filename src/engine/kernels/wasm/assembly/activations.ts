// Leaky ReLU and its gradient. Twin of ../../reference/activations.ts.

/** y = x > 0 ? x : alpha·x  (alpha 0 is ReLU). */
export function leakyRelu(x: usize, y: usize, len: i32, alpha: f32): void {
  const zero = f32x4.splat(0);
  const a = f32x4.splat(alpha);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    const positive = f32x4.gt(v, zero);
    const out = alpha == 0 ? v128.and(v, positive) : v128.bitselect(v, f32x4.mul(v, a), positive);
    v128.store(y + (<usize>i << 2), out);
  }
  for (; i < len; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    store<f32>(y + (<usize>i << 2), v > 0 ? v : alpha == 0 ? 0 : alpha * v);
  }
}

/** dx = g · (x > 0 ? 1 : alpha). */
export function leakyReluBackward(x: usize, g: usize, dx: usize, len: i32, alpha: f32): void {
  const zero = f32x4.splat(0);
  const a = f32x4.splat(alpha);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const positive = f32x4.gt(v128.load(x + (<usize>i << 2)), zero);
    const gv = v128.load(g + (<usize>i << 2));
    const out = alpha == 0 ? v128.and(gv, positive) : v128.bitselect(gv, f32x4.mul(gv, a), positive);
    v128.store(dx + (<usize>i << 2), out);
  }
  for (; i < len; i++) {
    const gv = load<f32>(g + (<usize>i << 2));
    store<f32>(dx + (<usize>i << 2), load<f32>(x + (<usize>i << 2)) > 0 ? gv : alpha == 0 ? 0 : alpha * gv);
  }
}
