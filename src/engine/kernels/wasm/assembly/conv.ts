// im2col and col2im (NHWC), and the convolution layer's products. Twin of
// ../../reference/conv.ts, which defines them.

import { compactRow, countNonZero, sparseRow } from './sparse';
import { madd } from './simd';

/** dst[0..n) = src[0..n), four floats at a time. */
// @ts-ignore: decorator
@inline
function copyFloats(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), v128.load(src + (<usize>i << 2)));
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)));
}

/** dst[0..n) += src[0..n), four floats at a time. */
// @ts-ignore: decorator
@inline
function addFloats(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const q = dst + (<usize>i << 2);
    v128.store(q, f32x4.add(v128.load(q), v128.load(src + (<usize>i << 2))));
  }
  for (; i < n; i++) {
    const q = dst + (<usize>i << 2);
    store<f32>(q, load<f32>(q) + load<f32>(src + (<usize>i << 2)));
  }
}

/** dst[0..n) += v · src[0..n), four floats at a time (the same sum as a one-entry list's). */
// @ts-ignore: decorator
@inline
function addScaled(dst: usize, v: f32, src: usize, n: i32): void {
  const s = f32x4.splat(v);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const q = dst + (<usize>i << 2);
    v128.store(q, madd(s, v128.load(src + (<usize>i << 2)), v128.load(q)));
  }
  for (; i < n; i++) {
    const q = dst + (<usize>i << 2);
    store<f32>(q, load<f32>(q) + v * load<f32>(src + (<usize>i << 2)));
  }
}

/**
 * im2col: one row of cols per output position, the receptive field in (ky, kx, c)
 * order, zeros where it hangs over the padding. `geometry` holds nine i32:
 * height, width, channels, kernel, stride, padTop, padLeft, outHeight, outWidth.
 */
export function im2col(x: usize, count: i32, geometry: usize, cols: usize): void {
  const H = load<i32>(geometry, 0), W = load<i32>(geometry, 4), C = load<i32>(geometry, 8);
  const k = load<i32>(geometry, 12), stride = load<i32>(geometry, 16);
  const padTop = load<i32>(geometry, 20), padLeft = load<i32>(geometry, 24);
  const outH = load<i32>(geometry, 28), outW = load<i32>(geometry, 32);
  const run = k * C;
  let r = cols;
  for (let n = 0; n < count; n++) {
    const sample = x + (<usize>(n * H * W * C) << 2);
    for (let oy = 0; oy < outH; oy++) {
      const y0 = oy * stride - padTop;
      for (let ox = 0; ox < outW; ox++) {
        const x0 = ox * stride - padLeft;
        const inside = x0 >= 0 && x0 + k <= W;
        for (let ky = 0; ky < k; ky++) {
          const y = y0 + ky;
          if (y < 0 || y >= H) {
            memory.fill(r, 0, <usize>run << 2);
          } else {
            const line = sample + (<usize>(y * W * C) << 2);
            if (inside) {
              copyFloats(r, line + (<usize>(x0 * C) << 2), run);
            } else {
              for (let kx = 0; kx < k; kx++) {
                const xx = x0 + kx;
                const at = r + (<usize>(kx * C) << 2);
                if (xx < 0 || xx >= W) memory.fill(at, 0, <usize>C << 2);
                else copyFloats(at, line + (<usize>(xx * C) << 2), C);
              }
            }
          }
          r += <usize>run << 2;
        }
      }
    }
  }
}

/** col2im: overwrites dx (count samples) with the sum of the cols entries taken from each pixel. */
export function col2im(cols: usize, count: i32, geometry: usize, dx: usize): void {
  const H = load<i32>(geometry, 0), W = load<i32>(geometry, 4), C = load<i32>(geometry, 8);
  const k = load<i32>(geometry, 12), stride = load<i32>(geometry, 16);
  const padTop = load<i32>(geometry, 20), padLeft = load<i32>(geometry, 24);
  const outH = load<i32>(geometry, 28), outW = load<i32>(geometry, 32);
  const run = k * C;
  memory.fill(dx, 0, <usize>(count * H * W * C) << 2);
  let r = cols;
  for (let n = 0; n < count; n++) {
    const sample = dx + (<usize>(n * H * W * C) << 2);
    for (let oy = 0; oy < outH; oy++) {
      const y0 = oy * stride - padTop;
      for (let ox = 0; ox < outW; ox++) {
        const x0 = ox * stride - padLeft;
        const inside = x0 >= 0 && x0 + k <= W;
        for (let ky = 0; ky < k; ky++) {
          const y = y0 + ky;
          if (y >= 0 && y < H) {
            const line = sample + (<usize>(y * W * C) << 2);
            if (inside) {
              addFloats(line + (<usize>(x0 * C) << 2), r, run);
            } else {
              for (let kx = 0; kx < k; kx++) {
                const xx = x0 + kx;
                if (xx >= 0 && xx < W) addFloats(line + (<usize>(xx * C) << 2), r + (<usize>(kx * C) << 2), C);
              }
            }
          }
          r += <usize>run << 2;
        }
      }
    }
  }
}

// The convolution layer's three products without im2col. Every receptive field of a
// 5x5 window copies each pixel 25 times, and the products then skip most of those
// copies as zeros anyway (MNIST's background, ReLU, max pooling's backward pass). Here
// the sparse operand is compacted once, each pixel's (or output position's) non-zeros
// into a list, and the sums read the lists in place:
// - forward: each output position gathers its window's pixel lists into 4-32 output
//   channels held in registers;
// - input gradient: each input pixel gathers the lists of dY rows whose window covers it;
// - filter gradient: dY's non-zeros listed per filter, each row of dWᵀ summed by the
//   sparse-row kernel over windows of a zero-padded copy of the input.
// The terms are those of the reference's im2col products, added in another order.

/** n rounded up to a multiple of 4 (one f32x4). */
// @ts-ignore: decorator
@inline
function roundUp4(n: i32): i32 {
  return (n + 3) & ~3;
}

/**
 * out[0..width) (width 4, 8, 16 or 32 floats) = init + Σ over the window's taps of each
 * list's value · the tap's row of `rows`. A tap is (ky, kx) in [ky0, ky1) x [kx0, kx1);
 * its list sits at list slot `origin + ky·lineSlots + kx·tapSlots`, with `counts` per
 * slot and offsets already scaled to bytes within the tap's block of `rows`, which
 * starts at `rows + (ky·k + kx)·tapBytes`. `init` 0: start from zero.
 */
function gatherWindow(
  width: i32,
  counts: usize,
  off: usize,
  val: usize,
  slotFloats: i32,
  origin: i32,
  lineSlots: i32,
  tapSlots: i32,
  ky0: i32,
  ky1: i32,
  kx0: i32,
  kx1: i32,
  k: i32,
  rows: usize,
  tapBytes: usize,
  init: usize,
  out: usize,
): void {
  const zero = f32x4.splat(0);
  let c0 = init ? v128.load(init, 0) : zero;
  let c1 = width > 4 ? (init ? v128.load(init, 16) : zero) : zero;
  let c2 = width > 8 ? (init ? v128.load(init, 32) : zero) : zero;
  let c3 = width > 8 ? (init ? v128.load(init, 48) : zero) : zero;
  let c4 = width > 16 ? (init ? v128.load(init, 64) : zero) : zero;
  let c5 = width > 16 ? (init ? v128.load(init, 80) : zero) : zero;
  let c6 = width > 16 ? (init ? v128.load(init, 96) : zero) : zero;
  let c7 = width > 16 ? (init ? v128.load(init, 112) : zero) : zero;
  for (let ky = ky0; ky < ky1; ky++) {
    for (let kx = kx0; kx < kx1; kx++) {
      const slot = origin + ky * lineSlots + kx * tapSlots;
      const count = load<i32>(counts + (<usize>slot << 2));
      if (count == 0) continue;
      const list = <usize>(slot * slotFloats) << 2;
      const lo = off + list;
      const lv = val + list;
      const block = rows + <usize>(ky * k + kx) * tapBytes;
      if (width == 32) {
        for (let t = 0; t < count; t++) {
          const s = v128.load32_splat(lv + (<usize>t << 2));
          const q = block + <usize>load<i32>(lo + (<usize>t << 2));
          c0 = madd(s, v128.load(q, 0), c0);
          c1 = madd(s, v128.load(q, 16), c1);
          c2 = madd(s, v128.load(q, 32), c2);
          c3 = madd(s, v128.load(q, 48), c3);
          c4 = madd(s, v128.load(q, 64), c4);
          c5 = madd(s, v128.load(q, 80), c5);
          c6 = madd(s, v128.load(q, 96), c6);
          c7 = madd(s, v128.load(q, 112), c7);
        }
      } else if (width == 16) {
        for (let t = 0; t < count; t++) {
          const s = v128.load32_splat(lv + (<usize>t << 2));
          const q = block + <usize>load<i32>(lo + (<usize>t << 2));
          c0 = madd(s, v128.load(q, 0), c0);
          c1 = madd(s, v128.load(q, 16), c1);
          c2 = madd(s, v128.load(q, 32), c2);
          c3 = madd(s, v128.load(q, 48), c3);
        }
      } else if (width == 8) {
        for (let t = 0; t < count; t++) {
          const s = v128.load32_splat(lv + (<usize>t << 2));
          const q = block + <usize>load<i32>(lo + (<usize>t << 2));
          c0 = madd(s, v128.load(q, 0), c0);
          c1 = madd(s, v128.load(q, 16), c1);
        }
      } else {
        for (let t = 0; t < count; t++) {
          const s = v128.load32_splat(lv + (<usize>t << 2));
          c0 = madd(s, v128.load(block + <usize>load<i32>(lo + (<usize>t << 2))), c0);
        }
      }
    }
  }
  v128.store(out, c0, 0);
  if (width > 4) v128.store(out, c1, 16);
  if (width > 8) {
    v128.store(out, c2, 32);
    v128.store(out, c3, 48);
  }
  if (width > 16) {
    v128.store(out, c4, 64);
    v128.store(out, c5, 80);
    v128.store(out, c6, 96);
    v128.store(out, c7, 112);
  }
}

/** One output row of `width4` floats (a multiple of 4) in chunks of 32, 16, 8 and 4, as gatherWindow sums them. */
function gatherRow(
  width4: i32,
  counts: usize,
  off: usize,
  val: usize,
  slotFloats: i32,
  origin: i32,
  lineSlots: i32,
  tapSlots: i32,
  ky0: i32,
  ky1: i32,
  kx0: i32,
  kx1: i32,
  k: i32,
  rows: usize,
  tapBytes: usize,
  init: usize,
  out: usize,
): void {
  let j = 0;
  while (j < width4) {
    const left = width4 - j;
    const width = left >= 32 ? 32 : left >= 16 ? 16 : left >= 8 ? 8 : 4;
    const jb = <usize>j << 2;
    gatherWindow(width, counts, off, val, slotFloats, origin, lineSlots, tapSlots, ky0, ky1, kx0, kx1, k,
      rows + jb, tapBytes, init ? init + jb : 0, out + jb);
    j += width;
  }
}

/** Copies w [R, n] to [R, n4] with zero columns n..n4 (n4 = n rounded up to 4). */
function padColumns(w: usize, rowsCount: i32, n: i32, n4: i32, dst: usize): void {
  memory.fill(dst, 0, <usize>(rowsCount * n4) << 2);
  for (let r = 0; r < rowsCount; r++) {
    memory.copy(dst + (<usize>(r * n4) << 2), w + (<usize>(r * n) << 2), <usize>n << 2);
  }
}

/** Scratch bytes `conv2d` needs. */
export function conv2dScratch(geometry: usize, F: i32): i32 {
  const H = load<i32>(geometry, 0), W = load<i32>(geometry, 4), C = load<i32>(geometry, 8);
  const k = load<i32>(geometry, 12);
  const outH = load<i32>(geometry, 28), outW = load<i32>(geometry, 32);
  const F4 = roundUp4(F);
  const gather = H * W * (1 + 2 * C) + k * k * C * F4 + 2 * F4;
  const scatter = k * k * C * F + 2 * C;
  const dense = paddedSide(outH, 1, k) * paddedSide(outW, 1, k) * C;
  return 4 * max(max(gather, scatter), dense);
}

/**
 * The convolution, at stride 1 (x, w, bias, y as for `conv2d`). Pixels with no
 * non-zero channel cost nothing: each other pixel's non-zeros are listed once, and for
 * each kernel row ky they are added onto the k output positions whose window holds the
 * pixel, a run of k·F floats of the output row oy = y + padTop − ky (cut where it passes
 * the row's ends), written in place onto Y, which starts as the bias. The weights are
 * repacked so that the matching run is contiguous too: Wr[ky, c, kx', f] =
 * W[ky, k − 1 − kx', c, f], kx' the output column less the run's first.
 */
function conv2dScatter(x: usize, count: i32, geometry: usize, F: i32, w: usize, bias: usize, y: usize, scratch: usize): void {
  const H = load<i32>(geometry, 0), W = load<i32>(geometry, 4), C = load<i32>(geometry, 8);
  const k = load<i32>(geometry, 12);
  const padTop = load<i32>(geometry, 20), padLeft = load<i32>(geometry, 24);
  const outH = load<i32>(geometry, 28), outW = load<i32>(geometry, 32);
  const run = k * F;
  const runBytes = <usize>run << 2;
  const rowBytes = <usize>(outW * F) << 2;
  const wr = scratch;
  const off = wr + (<usize>(k * k * C * F) << 2);
  const val = off + (<usize>C << 2);
  for (let ky = 0; ky < k; ky++) {
    for (let kx = 0; kx < k; kx++) {
      for (let c = 0; c < C; c++) {
        memory.copy(
          wr + <usize>(ky * C + c) * runBytes + (<usize>((k - 1 - kx) * F) << 2),
          w + (<usize>(((ky * k + kx) * C + c) * F) << 2),
          <usize>F << 2,
        );
      }
    }
  }
  for (let n = 0; n < count; n++) {
    const sampleOut = y + <usize>(n * outH) * rowBytes;
    for (let p = 0; p < outH * outW; p++) copyFloats(sampleOut + (<usize>(p * F) << 2), bias, F);
    const sample = x + (<usize>(n * H * W * C) << 2);
    for (let yy = 0; yy < H; yy++) {
      // Kernel rows whose output row oy = yy + padTop − ky exists.
      const ky0 = max(0, yy + padTop - outH + 1), ky1 = min(k, yy + padTop + 1);
      for (let xx = 0; xx < W; xx++) {
        // The run's output columns first .. first + k − 1, cut to 0 .. outW − 1.
        const first = xx + padLeft - k + 1;
        const lo = max(first, 0), hi = min(first + k, outW);
        if (lo >= hi) continue;
        const weights = wr + (<usize>((lo - first) * F) << 2);
        const floats = (hi - lo) * F;
        if (C == 1) {
          // One channel (a first layer): the pixel is its own list, and a plain multiply-add
          // along the run costs less than a list's passes.
          const v = load<f32>(sample + (<usize>(yy * W + xx) << 2));
          if (v == 0) continue;
          for (let ky = ky0; ky < ky1; ky++) {
            const target = sampleOut + <usize>(yy + padTop - ky) * rowBytes + (<usize>(lo * F) << 2);
            addScaled(target, v, weights + <usize>ky * runBytes, floats);
          }
          continue;
        }
        const listed = compactRow(sample + (<usize>((yy * W + xx) * C) << 2), C, k * F << 2, off, val);
        if (listed == 0) continue;
        for (let ky = ky0; ky < ky1; ky++) {
          const target = sampleOut + <usize>(yy + padTop - ky) * rowBytes + (<usize>(lo * F) << 2);
          sparseRow(off, val, listed, weights + <usize>(ky * C) * runBytes, target, target, floats);
        }
      }
    }
  }
}

/**
 * Y[n, oy, ox, f] = b[f] + Σ X[n, oy·s + ky − padTop, ox·s + kx − padLeft, c] · W[ky, kx, c, f]
 * for `count` samples: x [count, H·W·C], w [k·k·C, F], bias [F], y [count, H_out·W_out·F].
 */
export function conv2d(x: usize, count: i32, geometry: usize, F: i32, w: usize, bias: usize, y: usize, scratch: usize): void {
  // The scatter skips empty pixels outright and was faster on every MNIST layer measured
  // (2.5-4x with one input channel, 1.2-2x with 8 or 16); the gather handles strides.
  if (load<i32>(geometry, 16) != 1) {
    conv2dGather(x, count, geometry, F, w, bias, y, scratch);
    return;
  }
  const inFloats = count * load<i32>(geometry, 0) * load<i32>(geometry, 4) * load<i32>(geometry, 8);
  if ((F & 15) == 0 && load<i32>(geometry, 8) > 1 && <i64>countNonZero(x, inFloats) * 100 >= <i64>inFloats * DENSE_FORWARD_FROM) {
    conv2dDense(x, count, geometry, F, w, bias, y, scratch);
  } else {
    conv2dScatter(x, count, geometry, F, w, bias, y, scratch);
  }
}

/**
 * The input's non-zero share (in percent) from which the forward pass at stride 1 runs
 * dense rather than by the pixels' non-zeros: the dense pass sums every term at about
 * two multiply-adds a cycle, the sparse one only the non-zero terms at about 1.2. CPU
 * time per call: the small CNN's conv2 (84% non-zero) 2.47 ms sparse, 1.91 dense; the
 * cnn preset's conv2 (61%) 6.85 sparse, 7.7 dense; both cross near two-thirds. The input
 * gradient takes the same crossing for dY, the same passes running over it.
 */
const DENSE_FORWARD_FROM = 67;

/**
 * The convolution at stride 1 with F a multiple of 16, every input value taken, zero or
 * not: X is copied into a zero-padded block where every window fits, and each pair of
 * neighbouring output positions sums 16 filters in registers over the window's k·C
 * values a line at a time (two splats and four weight vectors feed eight multiply-adds,
 * where a list entry feeds seven with two more loads). Worth it when few inputs are zero.
 */
function conv2dDense(x: usize, count: i32, geometry: usize, F: i32, w: usize, bias: usize, y: usize, scratch: usize): void {
  const H = load<i32>(geometry, 0), W = load<i32>(geometry, 4), C = load<i32>(geometry, 8);
  const k = load<i32>(geometry, 12);
  const padTop = load<i32>(geometry, 20), padLeft = load<i32>(geometry, 24);
  const outH = load<i32>(geometry, 28), outW = load<i32>(geometry, 32);
  const Hp = paddedSide(outH, 1, k), Wp = paddedSide(outW, 1, k);
  const lineBytes = <usize>(Wp * C) << 2;
  const run = k * C;
  const pixelBytes = <usize>C << 2;
  const filterBytes = <usize>F << 2;
  const padded = scratch;
  memory.fill(padded, 0, <usize>(Hp * Wp * C) << 2);
  const rows = min(H, Hp - padTop), cols = min(W, Wp - padLeft);
  for (let n = 0; n < count; n++) {
    const sample = x + (<usize>(n * H * W * C) << 2);
    for (let yy = 0; yy < rows; yy++) {
      memory.copy(
        padded + <usize>(yy + padTop) * lineBytes + (<usize>(padLeft * C) << 2),
        sample + (<usize>(yy * W * C) << 2),
        <usize>(cols * C) << 2,
      );
    }
    for (let oy = 0; oy < outH; oy++) {
      const window = padded + <usize>oy * lineBytes;
      const out = y + <usize>((n * outH + oy) * outW) * filterBytes;
      let ox = 0;
      for (; ox + 2 <= outW; ox += 2) {
        for (let f0 = 0; f0 < F; f0 += 16) {
          denseTile(2, window + <usize>ox * pixelBytes, pixelBytes, lineBytes, k, run, w + (<usize>f0 << 2), filterBytes,
            bias + (<usize>f0 << 2), out + <usize>ox * filterBytes + (<usize>f0 << 2));
        }
      }
      if (ox < outW) {
        for (let f0 = 0; f0 < F; f0 += 16) {
          denseTile(1, window + <usize>ox * pixelBytes, pixelBytes, lineBytes, k, run, w + (<usize>f0 << 2), filterBytes,
            bias + (<usize>f0 << 2), out + <usize>ox * filterBytes + (<usize>f0 << 2));
        }
      }
    }
  }
}

/**
 * Y at `positions` (1 or 2, a constant where inlined) neighbouring outputs, 16 filters:
 * bias + Σ_{ky, j < run} X[window + ky·lineBytes + 4j] · W[(ky·run + j)·F ..] (the second
 * position's window one pixel on), written at out and out + filterBytes.
 */
// @ts-ignore: decorator
@inline
function denseTile(positions: i32, window: usize, pixelBytes: usize, lineBytes: usize, k: i32, run: i32, w: usize, filterBytes: usize, bias: usize, out: usize): void {
  let c0 = v128.load(bias, 0), c1 = v128.load(bias, 16), c2 = v128.load(bias, 32), c3 = v128.load(bias, 48);
  let c4 = c0, c5 = c1, c6 = c2, c7 = c3;
  let wp = w;
  for (let ky = 0; ky < k; ky++) {
    const xa = window + <usize>ky * lineBytes;
    const end = xa + (<usize>run << 2);
    for (let q = xa; q < end; q += 4, wp += filterBytes) {
      const s0 = v128.load32_splat(q);
      const w0 = v128.load(wp, 0), w1 = v128.load(wp, 16), w2 = v128.load(wp, 32), w3 = v128.load(wp, 48);
      c0 = madd(s0, w0, c0); c1 = madd(s0, w1, c1); c2 = madd(s0, w2, c2); c3 = madd(s0, w3, c3);
      if (positions == 2) {
        const s1 = v128.load32_splat(q + pixelBytes);
        c4 = madd(s1, w0, c4); c5 = madd(s1, w1, c5); c6 = madd(s1, w2, c6); c7 = madd(s1, w3, c7);
      }
    }
  }
  v128.store(out, c0, 0); v128.store(out, c1, 16); v128.store(out, c2, 32); v128.store(out, c3, 48);
  if (positions == 2) {
    const o = out + filterBytes;
    v128.store(o, c4, 0); v128.store(o, c5, 16); v128.store(o, c6, 32); v128.store(o, c7, 48);
  }
}

/**
 * The convolution at any stride (x, w, bias, y as for `conv2d`): per sample, each
 * pixel's non-zero channels become a list of (c·F4 in bytes, value); each output
 * position then sums the lists its window covers in registers.
 */
function conv2dGather(x: usize, count: i32, geometry: usize, F: i32, w: usize, bias: usize, y: usize, scratch: usize): void {
  const H = load<i32>(geometry, 0), W = load<i32>(geometry, 4), C = load<i32>(geometry, 8);
  const k = load<i32>(geometry, 12), stride = load<i32>(geometry, 16);
  const padTop = load<i32>(geometry, 20), padLeft = load<i32>(geometry, 24);
  const outH = load<i32>(geometry, 28), outW = load<i32>(geometry, 32);
  const F4 = roundUp4(F);
  const pixels = H * W;
  const counts = scratch;
  const off = counts + (<usize>pixels << 2);
  const val = off + (<usize>(pixels * C) << 2);
  let rows = w;
  let init = bias;
  let row = y;
  const exact = F4 == F;
  if (!exact) {
    // Filters not a multiple of 4: pad W's and b's columns with zeros, and write each row through `row`.
    rows = val + (<usize>(pixels * C) << 2);
    padColumns(w, k * k * C, F, F4, rows);
    init = rows + (<usize>(k * k * C * F4) << 2);
    padColumns(bias, 1, F, F4, init);
    row = init + (<usize>F4 << 2);
  }
  const tapBytes = <usize>(C * F4) << 2;
  for (let n = 0; n < count; n++) {
    const sample = x + (<usize>(n * pixels * C) << 2);
    for (let p = 0; p < pixels; p++) {
      const at = <usize>(p * C) << 2;
      store<i32>(counts + (<usize>p << 2), compactRow(sample + at, C, F4 << 2, off + at, val + at));
    }
    for (let oy = 0; oy < outH; oy++) {
      const y0 = oy * stride - padTop;
      const ky0 = max(0, -y0), ky1 = min(k, H - y0);
      for (let ox = 0; ox < outW; ox++) {
        const x0 = ox * stride - padLeft;
        const kx0 = max(0, -x0), kx1 = min(k, W - x0);
        const out = y + (<usize>(((n * outH + oy) * outW + ox) * F) << 2);
        gatherRow(F4, counts, off, val, C, y0 * W + x0, W, 1, ky0, ky1, kx0, kx1, k, rows, tapBytes, init, exact ? out : row);
        if (!exact) memory.copy(out, row, <usize>F << 2);
      }
    }
  }
}

/** Scratch bytes `conv2dInputGradient` needs. */
export function conv2dInputGradientScratch(geometry: usize, F: i32): i32 {
  const H = load<i32>(geometry, 0), W = load<i32>(geometry, 4), C = load<i32>(geometry, 8);
  const k = load<i32>(geometry, 12), stride = load<i32>(geometry, 16);
  const outH = load<i32>(geometry, 28), outW = load<i32>(geometry, 32);
  const listed = k * k * C * F + 2 * F + paddedSide(outH, stride, k) * paddedSide(outW, stride, k) * C;
  const dense = k * k * F * C + C + GEOMETRY_FLOATS + paddedSide(H, 1, k) * paddedSide(W, 1, k) * F;
  return 4 * max(listed, dense);
}

/** A geometry's nine i32, in floats of scratch rounded up to whole vectors. */
const GEOMETRY_FLOATS: i32 = 12;

/**
 * The input gradient at stride 1 as a forward convolution of dY, run by the dense pass
 * (conv2dDense): dX[n, y, x, c] = Σ dY[n, y + padTop − ky, x + padLeft − kx, f]·W[ky, kx, c, f]
 * is the convolution of dY (F channels) with the kernel turned half a turn and its
 * channels swapped, W'[ky, kx, f, c] = W[k − 1 − ky, k − 1 − kx, c, f], padded by
 * k − 1 − pad, to H x W outputs of C filters. For a dense dY (a batch-normalised layer's
 * gradient, all non-zero) it sums every term at the dense pass's rate, where the listed
 * path would list each of them: the fast preset's second conv, 4.3 -> 3.0 ms CPU a step.
 */
function conv2dInputGradientDense(dy: usize, w: usize, count: i32, geometry: usize, F: i32, dx: usize, scratch: usize): void {
  const H = load<i32>(geometry, 0), W = load<i32>(geometry, 4), C = load<i32>(geometry, 8);
  const k = load<i32>(geometry, 12);
  const padTop = load<i32>(geometry, 20), padLeft = load<i32>(geometry, 24);
  const outH = load<i32>(geometry, 28), outW = load<i32>(geometry, 32);
  const turned = scratch;
  const zeroBias = turned + (<usize>(k * k * F * C) << 2);
  const turnedGeometry = zeroBias + (<usize>C << 2);
  const rest = turnedGeometry + (<usize>GEOMETRY_FLOATS << 2);
  for (let ky = 0; ky < k; ky++) {
    for (let kx = 0; kx < k; kx++) {
      const from = w + (<usize>(((k - 1 - ky) * k + (k - 1 - kx)) * C * F) << 2);
      const to = turned + (<usize>((ky * k + kx) * F * C) << 2);
      for (let c = 0; c < C; c++) {
        for (let f = 0; f < F; f++) store<f32>(to + (<usize>(f * C + c) << 2), load<f32>(from + (<usize>(c * F + f) << 2)));
      }
    }
  }
  memory.fill(zeroBias, 0, <usize>C << 2);
  store<i32>(turnedGeometry, outH, 0);
  store<i32>(turnedGeometry, outW, 4);
  store<i32>(turnedGeometry, F, 8);
  store<i32>(turnedGeometry, k, 12);
  store<i32>(turnedGeometry, 1, 16);
  store<i32>(turnedGeometry, k - 1 - padTop, 20);
  store<i32>(turnedGeometry, k - 1 - padLeft, 24);
  store<i32>(turnedGeometry, H, 28);
  store<i32>(turnedGeometry, W, 32);
  conv2dDense(dy, count, turnedGeometry, C, turned, zeroBias, dx, rest);
}

/**
 * dX = col2im(dY·Wᵀ) for `count` samples (overwritten): dy [count, H_out·W_out·F],
 * w [k·k·C, F], dx [count, H·W·C]. W is transposed to Wᵀ [F, k·k·C]; each output
 * position's non-zero dY are listed once, and for each kernel row ky their rows of Wᵀ
 * (k·C floats, contiguous) are added straight onto the window's line ky in a
 * zero-padded copy of dX, as col2im would add that part of dcols.
 */
export function conv2dInputGradient(dy: usize, w: usize, count: i32, geometry: usize, F: i32, dx: usize, scratch: usize): void {
  const H = load<i32>(geometry, 0), W = load<i32>(geometry, 4), C = load<i32>(geometry, 8);
  const k = load<i32>(geometry, 12), stride = load<i32>(geometry, 16);
  const padTop = load<i32>(geometry, 20), padLeft = load<i32>(geometry, 24);
  const outH = load<i32>(geometry, 28), outW = load<i32>(geometry, 32);
  const dyFloats = count * outH * outW * F;
  if (stride == 1 && (C & 15) == 0 && padTop < k && padLeft < k &&
      <i64>countNonZero(dy, dyFloats) * 100 >= <i64>dyFloats * DENSE_FORWARD_FROM) {
    conv2dInputGradientDense(dy, w, count, geometry, F, dx, scratch);
    return;
  }
  const Hp = paddedSide(outH, stride, k), Wp = paddedSide(outW, stride, k);
  const K = k * k * C;
  const run = k * C;
  const lineBytes = <usize>(Wp * C) << 2;
  const wt = scratch;
  const off = wt + (<usize>(K * F) << 2);
  const val = off + (<usize>F << 2);
  const padded = val + (<usize>F << 2);
  for (let p = 0; p < K; p++) {
    for (let f = 0; f < F; f++) store<f32>(wt + (<usize>(f * K + p) << 2), load<f32>(w + (<usize>(p * F + f) << 2)));
  }
  const rows = min(H, Hp - padTop), cols = min(W, Wp - padLeft);
  for (let n = 0; n < count; n++) {
    memory.fill(padded, 0, <usize>(Hp * Wp * C) << 2);
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const grads = dy + (<usize>(((n * outH + oy) * outW + ox) * F) << 2);
        const listed = compactRow(grads, F, K << 2, off, val);
        if (listed == 0) continue;
        const window = padded + <usize>(oy * stride) * lineBytes + (<usize>(ox * stride * C) << 2);
        for (let ky = 0; ky < k; ky++) {
          const line = window + <usize>ky * lineBytes;
          sparseRow(off, val, listed, wt + (<usize>(ky * run) << 2), line, line, run);
        }
      }
    }
    // dX is the padded block's interior; rows and columns past it (never in a window) get 0.
    const sample = dx + (<usize>(n * H * W * C) << 2);
    if (rows < H || cols < W) memory.fill(sample, 0, <usize>(H * W * C) << 2);
    for (let yy = 0; yy < rows; yy++) {
      memory.copy(
        sample + (<usize>(yy * W * C) << 2),
        padded + <usize>(yy + padTop) * lineBytes + (<usize>(padLeft * C) << 2),
        <usize>(cols * C) << 2,
      );
    }
  }
}

/** Rows (and columns) of the zero-padded input the filter gradient reads: every window fits. */
// @ts-ignore: decorator
@inline
function paddedSide(out: i32, stride: i32, k: i32): i32 {
  return (out - 1) * stride + k;
}

/**
 * Lists the non-zeros of m [rows, cols] by column, by counting sort (rows in order
 * within a column): column j's entries are start[j] .. start[j + 1] of off (the
 * rowOffset of the entry's row) and val. start and cursor hold cols + 1 i32.
 */
function listByColumn(m: usize, rows: i32, cols: i32, rowOffset: usize, start: usize, cursor: usize, off: usize, val: usize): void {
  memory.fill(start, 0, <usize>(cols + 1) << 2);
  for (let r = 0; r < rows; r++) {
    const line = m + (<usize>(r * cols) << 2);
    for (let j = 0; j < cols; j++) {
      if (load<f32>(line + (<usize>j << 2)) != 0) {
        const q = start + (<usize>(j + 1) << 2);
        store<i32>(q, load<i32>(q) + 1);
      }
    }
  }
  for (let j = 0; j < cols; j++) {
    const from = load<i32>(start + (<usize>j << 2));
    store<i32>(start + (<usize>(j + 1) << 2), from + load<i32>(start + (<usize>(j + 1) << 2)));
    store<i32>(cursor + (<usize>j << 2), from);
  }
  for (let r = 0; r < rows; r++) {
    const line = m + (<usize>(r * cols) << 2);
    const at = load<i32>(rowOffset + (<usize>r << 2));
    for (let j = 0; j < cols; j++) {
      const v = load<f32>(line + (<usize>j << 2));
      if (v != 0) {
        const q = cursor + (<usize>j << 2);
        const t = load<i32>(q);
        store<i32>(off + (<usize>t << 2), at);
        store<f32>(val + (<usize>t << 2), v);
        store<i32>(q, t + 1);
      }
    }
  }
}

/** About what sparseRow spends per list entry on a row of n floats: per pass, its vectors and two loads. */
function sparseRowCost(n: i32): i32 {
  const wide = n / 24, narrow = (n % 24) / 8, single = (n % 8) / 4, scalars = n % 4;
  return wide * (6 + 2) + narrow * (2 + 2) + single * (1 + 2) + scalars * (1 + 2);
}

/** Rows (and columns) of dY padded for the filter gradient by input: every pixel's windows land inside. */
// @ts-ignore: decorator
@inline
function outputPaddedSide(inSide: i32, padBefore: i32, outSide: i32, k: i32): i32 {
  return max(outSide, inSide + padBefore) + k - 1;
}

/** Scratch bytes one sample takes in `conv2dFilterGradient`'s pass over the input's non-zeros (the caller picks the samples per pass from it). */
export function conv2dFilterGradientSampleScratch(geometry: usize, F: i32): i32 {
  const H = load<i32>(geometry, 0), W = load<i32>(geometry, 4), C = load<i32>(geometry, 8);
  const k = load<i32>(geometry, 12);
  const padTop = load<i32>(geometry, 20), padLeft = load<i32>(geometry, 24);
  const outH = load<i32>(geometry, 28), outW = load<i32>(geometry, 32);
  return 4 * (outputPaddedSide(H, padTop, outH, k) * outputPaddedSide(W, padLeft, outW, k) * F + H * W * (1 + 2 * C));
}

/** Scratch bytes `conv2dFilterGradient` needs for `chunk` samples at a time. */
export function conv2dFilterGradientScratch(geometry: usize, F: i32, chunk: i32): i32 {
  const C = load<i32>(geometry, 8), k = load<i32>(geometry, 12);
  const byInput = 4 * (k * k * C * F + 2 * (C + 1)) + chunk * conv2dFilterGradientSampleScratch(geometry, F);
  return max(byInput, byOutputScratch(geometry, F));
}

/**
 * dW[ky, kx, c, f] = Σ_{n, oy, ox} X[n, oy·s + ky − padTop, ox·s + kx − padLeft, c] · dY[n, oy, ox, f]
 * over `count` samples: x [count, H·W·C], dy [count, H_out·W_out·F], dw [k·k·C, F]
 * (overwritten), `chunk` samples per pass over the input's non-zeros. Either operand's
 * zeros can be skipped: each non-zero of X adds k lines of k·F floats, each non-zero of
 * dY k lines of k·C floats (in runs of 28), so at stride 1 the cheaper side is
 * listed (the first layer's MNIST input, whose lines of k·C = 5 floats would barely
 * fill a vector; a deeper layer's dY, mostly zeros after max pooling).
 */
export function conv2dFilterGradient(x: usize, dy: usize, count: i32, geometry: usize, F: i32, dw: usize, chunk: i32, scratch: usize): void {
  const H = load<i32>(geometry, 0), W = load<i32>(geometry, 4), C = load<i32>(geometry, 8);
  const stride = load<i32>(geometry, 16);
  const outH = load<i32>(geometry, 28), outW = load<i32>(geometry, 32);
  const k = load<i32>(geometry, 12);
  // Vectors and loads per entry and pass over a line, as sparseRow and sumRun spend them;
  // dY is counted only as far as it takes to tell (the first layer's is 16 times its input).
  if (stride == 1) {
    const byInput = <i64>countNonZero(x, count * H * W * C) * sparseRowCost(k * F);
    const perOutput = <i64>(outputLineFloats(k, C) / RUN_FLOATS) * (7 + 2);
    const limit = <i32>min<i64>(byInput / perOutput, i32.MAX_VALUE - 1);
    if (<i64>countNonZero(dy, count * outH * outW * F, limit) * perOutput > byInput) {
      filterGradientByInput(x, dy, count, geometry, F, dw, chunk, scratch);
      return;
    }
  }
  filterGradientByOutput(x, dy, count, geometry, F, dw, scratch);
}

/**
 * The filter gradient at stride 1 with X's non-zeros listed per channel c: the window
 * positions a pixel (y, x) reaches through kernel row ky are the output row
 * y + padTop − ky, columns x + padLeft − k + 1 .. x + padLeft, so with dY padded by
 * k − 1 rows and columns before and ky' = k − 1 − ky, kx' = k − 1 − kx, the k·F floats
 * dWr[ky', c, ·, ·] = dW[k − 1 − ky', k − 1 − kx', c, ·] are one sparse row over the
 * pixels' lines ky' of padded dY.
 */
function filterGradientByInput(x: usize, dy: usize, count: i32, geometry: usize, F: i32, dw: usize, chunk: i32, scratch: usize): void {
  const H = load<i32>(geometry, 0), W = load<i32>(geometry, 4), C = load<i32>(geometry, 8);
  const k = load<i32>(geometry, 12);
  const padTop = load<i32>(geometry, 20), padLeft = load<i32>(geometry, 24);
  const outH = load<i32>(geometry, 28), outW = load<i32>(geometry, 32);
  const Rq = outputPaddedSide(H, padTop, outH, k), Wq = outputPaddedSide(W, padLeft, outW, k);
  const run = k * F;
  const lineBytes = <usize>(Wq * F) << 2;
  const pixels = H * W;
  const dwr = scratch;
  const start = dwr + (<usize>(k * k * C * F) << 2);
  const cursor = start + (<usize>(C + 1) << 2);
  const padded = cursor + (<usize>(C + 1) << 2);
  const rowOffset = padded + (<usize>(chunk * Rq * Wq * F) << 2);
  const off = rowOffset + (<usize>(chunk * pixels) << 2);
  const val = off + (<usize>(chunk * pixels * C) << 2);
  // Zeroed once: each pass writes the same blocks' interiors, so their borders stay zero.
  memory.fill(padded, 0, <usize>(min(chunk, count) * Rq * Wq * F) << 2);
  for (let s0 = 0; s0 < count; s0 += chunk) {
    const n = min(chunk, count - s0);
    for (let i = 0; i < n; i++) {
      const block = padded + <usize>(i * Rq + k - 1) * lineBytes + (<usize>((k - 1) * F) << 2);
      for (let oy = 0; oy < outH; oy++) {
        memory.copy(
          block + <usize>oy * lineBytes,
          dy + (<usize>(((s0 + i) * outH + oy) * outW * F) << 2),
          <usize>(outW * F) << 2,
        );
      }
    }
    let r = 0;
    for (let i = 0; i < n; i++) {
      for (let yy = 0; yy < H; yy++) {
        for (let xx = 0; xx < W; xx++, r++) {
          store<i32>(rowOffset + (<usize>r << 2), (i * Rq + yy + padTop) * Wq * F * 4 + (xx + padLeft) * F * 4);
        }
      }
    }
    listByColumn(x + (<usize>(s0 * pixels * C) << 2), n * pixels, C, rowOffset, start, cursor, off, val);
    for (let c = 0; c < C; c++) {
      const from = load<i32>(start + (<usize>c << 2));
      const length = load<i32>(start + (<usize>(c + 1) << 2)) - from;
      for (let ky = 0; ky < k; ky++) {
        const target = dwr + (<usize>((ky * C + c) * run) << 2);
        sparseRow(off + (<usize>from << 2), val + (<usize>from << 2), length, padded + <usize>ky * lineBytes,
          s0 == 0 ? 0 : target, target, run);
      }
    }
  }
  if (count == 0) memory.fill(dwr, 0, <usize>(k * k * C * F) << 2);
  for (let ky = 0; ky < k; ky++) {
    for (let kx = 0; kx < k; kx++) {
      for (let c = 0; c < C; c++) {
        memory.copy(
          dw + (<usize>(((ky * k + kx) * C + c) * F) << 2),
          dwr + (<usize>(((k - 1 - ky) * C + c) * run + (k - 1 - kx) * F) << 2),
          <usize>F << 2,
        );
      }
    }
  }
}

/** Floats in a run: seven vectors, the block filterGradientByOutput sums in registers. */
const RUN_FLOATS = 28;

/** Floats of one line of a filter's gradient as filterGradientByOutput keeps it: the window's k·C rounded up to whole runs. */
// @ts-ignore: decorator
@inline
function outputLineFloats(k: i32, C: i32): i32 {
  return (k * C + RUN_FLOATS - 1) / RUN_FLOATS * RUN_FLOATS;
}

/** Scratch bytes `filterGradientByOutput` needs (one sample at a time). */
function byOutputScratch(geometry: usize, F: i32): i32 {
  const C = load<i32>(geometry, 8), k = load<i32>(geometry, 12), stride = load<i32>(geometry, 16);
  const outH = load<i32>(geometry, 28), outW = load<i32>(geometry, 32);
  const positions = outH * outW;
  const L = outputLineFloats(k, C);
  // The padded block, then slack for the last window's line read past k·C up to L; the
  // lists (F of positions + 1 entries, off and val); the window offsets; dWᵀ.
  return 4 * (paddedSide(outH, stride, k) * paddedSide(outW, stride, k) * C + L + 2 * F * (positions + 1) + positions + F * k * L + F);
}

/**
 * dW[ky, kx, c, f] = Σ_{n, oy, ox} X[n, oy·s + ky − padTop, ox·s + kx − padLeft, c] · dY[n, oy, ox, f]
 * over `count` samples: x [count, H·W·C], dy [count, H_out·W_out·F], dw [k·k·C, F] (overwritten).
 * One sample at a time, so its blocks stay in the first-level cache: the input is copied
 * into a zero-padded block where every window fits, and dY's non-zeros are listed per
 * filter (the byte offset of their window in the block, and the value) without a branch,
 * each filter's list in a slot of positions + 1 entries. Filter f's gradient is kept
 * transposed, dWᵀ[f, ky, ·] a line of the window's k·C floats (padded to L, whole runs
 * of seven vectors), and summed in registers a run at a time over the windows' lines:
 * seven independent multiply-adds per list entry nearly hide their latency, and with
 * the seven loads that feed them fill the 15 vector registers V8 gives, which loads all
 * of an iteration's operands before its first multiply-add. Past k·C a run reads the
 * block's next floats and sums into the padding, which is dropped.
 */
function filterGradientByOutput(x: usize, dy: usize, count: i32, geometry: usize, F: i32, dw: usize, scratch: usize): void {
  const H = load<i32>(geometry, 0), W = load<i32>(geometry, 4), C = load<i32>(geometry, 8);
  const k = load<i32>(geometry, 12), stride = load<i32>(geometry, 16);
  const padTop = load<i32>(geometry, 20), padLeft = load<i32>(geometry, 24);
  const outH = load<i32>(geometry, 28), outW = load<i32>(geometry, 32);
  const Hp = paddedSide(outH, stride, k), Wp = paddedSide(outW, stride, k);
  const positions = outH * outW;
  const L = outputLineFloats(k, C);
  const lineBytes = <usize>(Wp * C) << 2;
  const slot = positions + 1;
  const padded = scratch;
  const off = padded + (<usize>(Hp * Wp * C + L) << 2);
  const val = off + (<usize>(F * slot) << 2);
  const windows = val + (<usize>(F * slot) << 2);
  const dwt = windows + (<usize>positions << 2);
  const length = dwt + (<usize>(F * k * L) << 2);
  memory.fill(padded, 0, <usize>(Hp * Wp * C + L) << 2);
  memory.fill(dwt, 0, <usize>(F * k * L) << 2);
  for (let oy = 0, p = 0; oy < outH; oy++) {
    for (let ox = 0; ox < outW; ox++, p++) {
      store<i32>(windows + (<usize>p << 2), oy * stride * <i32>lineBytes + ((ox * stride * C) << 2));
    }
  }
  // Input rows and columns that land inside the padded block (a 'valid' window with a
  // stride may never reach the last ones); the rest of the block stays zero.
  const rows = min(H, Hp - padTop), cols = min(W, Wp - padLeft);
  for (let n = 0; n < count; n++) {
    const sample = x + (<usize>(n * H * W * C) << 2);
    for (let yy = 0; yy < rows; yy++) {
      memory.copy(
        padded + <usize>(yy + padTop) * lineBytes + (<usize>(padLeft * C) << 2),
        sample + (<usize>(yy * W * C) << 2),
        <usize>(cols * C) << 2,
      );
    }
    // Each entry is written at its list's end, which moves on only for a non-zero (a
    // zero's entry is overwritten by the next, or lands in the slot's spare entry).
    memory.fill(length, 0, <usize>F << 2);
    for (let p = 0; p < positions; p++) {
      const grads = dy + (<usize>((n * positions + p) * F) << 2);
      const window = load<i32>(windows + (<usize>p << 2));
      for (let f = 0; f < F; f++) {
        const v = load<f32>(grads + (<usize>f << 2));
        const q = length + (<usize>f << 2);
        const t = load<i32>(q);
        const at = <usize>(f * slot + t) << 2;
        store<i32>(off + at, window);
        store<f32>(val + at, v);
        store<i32>(q, t + i32(v != 0));
      }
    }
    for (let f = 0; f < F; f++) {
      const listed = load<i32>(length + (<usize>f << 2));
      if (listed == 0) continue;
      const lo = off + (<usize>(f * slot) << 2), lv = val + (<usize>(f * slot) << 2);
      for (let ky = 0; ky < k; ky++) {
        const target = dwt + (<usize>((f * k + ky) * L) << 2);
        const line = padded + <usize>ky * lineBytes;
        for (let j = 0; j < L; j += RUN_FLOATS) sumRun(lo, lv, listed, line + (<usize>j << 2), target + (<usize>j << 2));
      }
    }
  }
  for (let ky = 0; ky < k; ky++) {
    for (let j = 0; j < k * C; j++) {
      const to = dw + (<usize>((ky * k * C + j) * F) << 2);
      for (let f = 0; f < F; f++) store<f32>(to + (<usize>f << 2), load<f32>(dwt + (<usize>((f * k + ky) * L + j) << 2)));
    }
  }
}

/**
 * acc[0..28) += Σ_t val[t] · X[off[t] ..] over `listed` entries: one run of seven
 * vectors of the listed windows' lines (x: the run's start in the first window's
 * frame), summed in registers. Not inlined, so its loop has the general registers to itself.
 */
function sumRun(off: usize, val: usize, listed: i32, x: usize, acc: usize): void {
  let c0 = v128.load(acc, 0), c1 = v128.load(acc, 16), c2 = v128.load(acc, 32), c3 = v128.load(acc, 48);
  let c4 = v128.load(acc, 64), c5 = v128.load(acc, 80), c6 = v128.load(acc, 96);
  const end = off + (<usize>listed << 2);
  for (let o = off, v = val; o < end; o += 4, v += 4) {
    const s = v128.load32_splat(v);
    const q = x + <usize>load<i32>(o);
    c0 = madd(s, v128.load(q, 0), c0);
    c1 = madd(s, v128.load(q, 16), c1);
    c2 = madd(s, v128.load(q, 32), c2);
    c3 = madd(s, v128.load(q, 48), c3);
    c4 = madd(s, v128.load(q, 64), c4);
    c5 = madd(s, v128.load(q, 80), c5);
    c6 = madd(s, v128.load(q, 96), c6);
  }
  v128.store(acc, c0, 0); v128.store(acc, c1, 16); v128.store(acc, c2, 32); v128.store(acc, c3, 48);
  v128.store(acc, c4, 64); v128.store(acc, c5, 80); v128.store(acc, c6, 96);
}
