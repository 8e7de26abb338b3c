// Batch normalisation over x[N, C] per channel (column). Twin of ../../reference/batch-norm.ts.

import { madd } from './simd';

const STAT_BLOCK: i32 = 256;

/**
 * Per-channel sums over the N rows of a[N, C]: out[c] = Σ_i a[i, c]·(b ? b[i, c] : 1),
 * or, with `center` non-zero, Σ_i (a[i, c] − center[c])². Four channels at a time in
 * float32 over blocks of 256 rows, the blocks added in float64.
 */
export function channelSums(a: usize, b: usize, center: usize, rows: i32, C: i32, out: usize): void {
  const rowBytes = <usize>C << 2;
  let c = 0;
  for (; c + 4 <= C; c += 4) {
    const cb = <usize>c << 2;
    let lo = f64x2.splat(0), hi = f64x2.splat(0);
    const mean = center ? v128.load(center + cb) : f32x4.splat(0);
    for (let i0 = 0; i0 < rows; i0 += STAT_BLOCK) {
      const i1 = min(i0 + STAT_BLOCK, rows);
      let s = f32x4.splat(0);
      for (let i = i0; i < i1; i++) {
        const at = <usize>i * rowBytes + cb;
        const v = v128.load(a + at);
        if (center) {
          const d = f32x4.sub(v, mean);
          s = madd(d, d, s);
        } else if (b) {
          s = madd(v, v128.load(b + at), s);
        } else {
          s = f32x4.add(s, v);
        }
      }
      lo = f64x2.add(lo, f64x2.promote_low_f32x4(s));
      hi = f64x2.add(hi, f64x2.promote_low_f32x4(i32x4.shuffle(s, s, 2, 3, 0, 1)));
    }
    store<f32>(out + cb, <f32>f64x2.extract_lane(lo, 0));
    store<f32>(out + cb, <f32>f64x2.extract_lane(lo, 1), 4);
    store<f32>(out + cb, <f32>f64x2.extract_lane(hi, 0), 8);
    store<f32>(out + cb, <f32>f64x2.extract_lane(hi, 1), 12);
  }
  for (; c < C; c++) {
    const cb = <usize>c << 2;
    const mean: f32 = center ? load<f32>(center + cb) : 0;
    let total: f64 = 0;
    for (let i = 0; i < rows; i++) {
      const at = <usize>i * rowBytes + cb;
      const v = load<f32>(a + at);
      if (center) total += <f64>((v - mean) * (v - mean));
      else total += b ? <f64>(v * load<f32>(b + at)) : <f64>v;
    }
    store<f32>(out + cb, <f32>total);
  }
}

/**
 * y = x·scale[c] + shift[c] per channel over x[N, C]; with `normalised` non-zero also
 * writes x̂ = (x − mean[c])·inverseStd[c] there and y = γ·x̂ + β, reading mean and
 * inverseStd from shift and scale and γ, β from gamma and beta.
 */
export function channelAffine(
  x: usize, y: usize, normalised: usize, rows: i32, C: i32, scale: usize, shift: usize, gamma: usize, beta: usize,
): void {
  const rowBytes = <usize>C << 2;
  for (let i = 0; i < rows; i++) {
    const row = <usize>i * rowBytes;
    let c = 0;
    for (; c + 4 <= C; c += 4) {
      const cb = <usize>c << 2;
      const v = v128.load(x + row + cb);
      if (normalised) {
        const h = f32x4.mul(f32x4.sub(v, v128.load(shift + cb)), v128.load(scale + cb));
        v128.store(normalised + row + cb, h);
        v128.store(y + row + cb, madd(h, v128.load(gamma + cb), v128.load(beta + cb)));
      } else {
        v128.store(y + row + cb, madd(v, v128.load(scale + cb), v128.load(shift + cb)));
      }
    }
    for (; c < C; c++) {
      const cb = <usize>c << 2;
      const v = load<f32>(x + row + cb);
      if (normalised) {
        const h = (v - load<f32>(shift + cb)) * load<f32>(scale + cb);
        store<f32>(normalised + row + cb, h);
        store<f32>(y + row + cb, h * load<f32>(gamma + cb) + load<f32>(beta + cb));
      } else {
        store<f32>(y + row + cb, v * load<f32>(scale + cb) + load<f32>(shift + cb));
      }
    }
  }
}

/** Batch norm's input gradient: dx = k[c]·(N·g − dβ[c] − x̂·dγ[c]) over g, x̂ [N, C]. */
export function batchNormBackward(g: usize, normalised: usize, dx: usize, rows: i32, C: i32, k: usize, dBeta: usize, dGamma: usize): void {
  const rowBytes = <usize>C << 2;
  const n = f32x4.splat(<f32>rows);
  for (let i = 0; i < rows; i++) {
    const row = <usize>i * rowBytes;
    let c = 0;
    for (; c + 4 <= C; c += 4) {
      const cb = <usize>c << 2;
      const inner = f32x4.sub(
        f32x4.sub(f32x4.mul(n, v128.load(g + row + cb)), v128.load(dBeta + cb)),
        f32x4.mul(v128.load(normalised + row + cb), v128.load(dGamma + cb)),
      );
      v128.store(dx + row + cb, f32x4.mul(v128.load(k + cb), inner));
    }
    for (; c < C; c++) {
      const cb = <usize>c << 2;
      const inner = <f32>rows * load<f32>(g + row + cb) - load<f32>(dBeta + cb) - load<f32>(normalised + row + cb) * load<f32>(dGamma + cb);
      store<f32>(dx + row + cb, load<f32>(k + cb) * inner);
    }
  }
}
