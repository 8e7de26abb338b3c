// Max pooling and its gradient (NHWC). Twin of ../../reference/max-pool.ts.

/**
 * Max pooling, 'valid': y[n, oy, ox, c] = max over the size x size window at
 * (oy·stride, ox·stride). `geometry` holds height, width, channels, size, stride,
 * outHeight, outWidth (i32). Four channels at a time.
 */
export function maxPool(x: usize, count: i32, geometry: usize, y: usize): void {
  const H = load<i32>(geometry, 0), W = load<i32>(geometry, 4), C = load<i32>(geometry, 8);
  const size = load<i32>(geometry, 12), stride = load<i32>(geometry, 16);
  const outH = load<i32>(geometry, 20), outW = load<i32>(geometry, 24);
  const lineBytes = <usize>(W * C) << 2;
  if (size == 2 && stride == 2 && (C & 3) == 0) {
    maxPool2(x, count, H, W, C, outH, outW, y);
    return;
  }
  let o = y;
  for (let n = 0; n < count; n++) {
    const sample = x + (<usize>(n * H * W * C) << 2);
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const corner = sample + (<usize>((oy * stride * W + ox * stride) * C) << 2);
        let c = 0;
        for (; c + 4 <= C; c += 4) {
          const base = corner + (<usize>c << 2);
          let m = v128.load(base);
          for (let ky = 0; ky < size; ky++) {
            const line = base + <usize>ky * lineBytes;
            for (let kx = 0; kx < size; kx++) m = f32x4.max(m, v128.load(line + (<usize>(kx * C) << 2)));
          }
          v128.store(o, m);
          o += 16;
        }
        for (; c < C; c++) {
          const base = corner + (<usize>c << 2);
          let m = load<f32>(base);
          for (let ky = 0; ky < size; ky++) {
            const line = base + <usize>ky * lineBytes;
            for (let kx = 0; kx < size; kx++) {
              const v = load<f32>(line + (<usize>(kx * C) << 2));
              if (v > m) m = v;
            }
          }
          store<f32>(o, m);
          o += 4;
        }
      }
    }
  }
}

/**
 * Max pooling's backward: dx = 0, then each window's gradient goes to its maximum
 * input (the first one on a tie), found again from x. When the windows tile the image
 * (stride = size, no pixel left out, whole vectors of channels), each dx is written
 * once, 0 + g or 0 + 0, with no fill beforehand and no read of dx: a third of the
 * memory traffic of a 2x2 pool after a conv layer.
 */
export function maxPoolBackward(x: usize, g: usize, count: i32, geometry: usize, dx: usize): void {
  const H = load<i32>(geometry, 0), W = load<i32>(geometry, 4), C = load<i32>(geometry, 8);
  const size = load<i32>(geometry, 12), stride = load<i32>(geometry, 16);
  const outH = load<i32>(geometry, 20), outW = load<i32>(geometry, 24);
  const lineBytes = <usize>(W * C) << 2;
  const tiled = stride == size && outH * stride == H && outW * stride == W && (C & 3) == 0;
  if (tiled && size == 2) {
    maxPool2Backward(x, g, count, H, W, C, dx);
    return;
  }
  if (!tiled) memory.fill(dx, 0, <usize>(count * H * W * C) << 2);
  const zero = f32x4.splat(0);
  let o = g;
  for (let n = 0; n < count; n++) {
    const offset = <usize>(n * H * W * C) << 2;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const corner = offset + (<usize>((oy * stride * W + ox * stride) * C) << 2);
        let c = 0;
        // Four channels at a time: the window's max, then the first input equal to it
        // (a lane is taken once, by the first match in window order) gets the gradient.
        for (; c + 4 <= C; c += 4) {
          const base = corner + (<usize>c << 2);
          let m = v128.load(x + base);
          for (let ky = 0; ky < size; ky++) {
            const line = x + base + <usize>ky * lineBytes;
            for (let kx = 0; kx < size; kx++) m = f32x4.max(m, v128.load(line + (<usize>(kx * C) << 2)));
          }
          const gv = v128.load(o);
          let open = i32x4.splat(-1);
          for (let ky = 0; ky < size; ky++) {
            const line = base + <usize>ky * lineBytes;
            for (let kx = 0; kx < size; kx++) {
              const at = line + (<usize>(kx * C) << 2);
              const hit = v128.and(f32x4.eq(v128.load(x + at), m), open);
              open = v128.andnot(open, hit);
              const q = dx + at;
              v128.store(q, f32x4.add(tiled ? zero : v128.load(q), v128.and(gv, hit)));
            }
          }
          o += 16;
        }
        for (; c < C; c++) {
          const base = corner + (<usize>c << 2);
          let best = base;
          let m = load<f32>(x + base);
          for (let ky = 0; ky < size; ky++) {
            const line = base + <usize>ky * lineBytes;
            for (let kx = 0; kx < size; kx++) {
              const at = line + (<usize>(kx * C) << 2);
              const v = load<f32>(x + at);
              if (v > m) {
                m = v;
                best = at;
              }
            }
          }
          store<f32>(dx + best, load<f32>(dx + best) + load<f32>(o));
          o += 4;
        }
      }
    }
  }
}

// The 2x2 pool of stride 2 (every preset's), with its window written out: the general
// loops above spend more on their size-2 window loops than on the maxima (the small
// CNN's two pools forward and backward: 1.07 ms of a 7.95-ms step before this path).
// The same maxima and the same first-match rule, so the same results.

/** `maxPool` for size 2, stride 2, channels a multiple of 4. */
function maxPool2(x: usize, count: i32, H: i32, W: i32, C: i32, outH: i32, outW: i32, y: usize): void {
  const pixelBytes = <usize>C << 2, lineBytes = <usize>(W * C) << 2;
  let o = y;
  for (let n = 0; n < count; n++) {
    const sample = x + (<usize>(n * H * W * C) << 2);
    for (let oy = 0; oy < outH; oy++) {
      const top = sample + <usize>(2 * oy) * lineBytes;
      for (let ox = 0; ox < outW; ox++) {
        const corner = top + <usize>(2 * ox) * pixelBytes;
        for (let c = 0; c < C; c += 4) {
          const a = corner + (<usize>c << 2);
          const b = a + lineBytes;
          v128.store(o, f32x4.max(f32x4.max(v128.load(a), v128.load(a + pixelBytes)), f32x4.max(v128.load(b), v128.load(b + pixelBytes))));
          o += 16;
        }
      }
    }
  }
}

/**
 * `maxPoolBackward` for size 2, stride 2, windows tiling the image, channels a multiple
 * of 4: each dx written once, the gradient in the first lane (in window order) equal to
 * the window's max, 0 in the others.
 */
function maxPool2Backward(x: usize, g: usize, count: i32, H: i32, W: i32, C: i32, dx: usize): void {
  const pixelBytes = <usize>C << 2, lineBytes = <usize>(W * C) << 2;
  const outH = H >> 1, outW = W >> 1;
  // 0 + (g or 0), as the general loop writes it: a gradient of −0 lands as +0 there too.
  const zero = f32x4.splat(0);
  let o = g;
  for (let n = 0; n < count; n++) {
    const sample = <usize>(n * H * W * C) << 2;
    for (let oy = 0; oy < outH; oy++) {
      const top = sample + <usize>(2 * oy) * lineBytes;
      for (let ox = 0; ox < outW; ox++) {
        const corner = top + <usize>(2 * ox) * pixelBytes;
        for (let c = 0; c < C; c += 4) {
          const p0 = corner + (<usize>c << 2), p1 = p0 + pixelBytes, p2 = p0 + lineBytes, p3 = p2 + pixelBytes;
          const v0 = v128.load(x + p0), v1 = v128.load(x + p1), v2 = v128.load(x + p2), v3 = v128.load(x + p3);
          const m = f32x4.max(f32x4.max(v0, v1), f32x4.max(v2, v3));
          const gv = v128.load(o);
          const hit0 = f32x4.eq(v0, m);
          let taken = hit0;
          const hit1 = v128.andnot(f32x4.eq(v1, m), taken);
          taken = v128.or(taken, hit1);
          const hit2 = v128.andnot(f32x4.eq(v2, m), taken);
          taken = v128.or(taken, hit2);
          const hit3 = v128.andnot(f32x4.eq(v3, m), taken);
          v128.store(dx + p0, f32x4.add(zero, v128.and(gv, hit0)));
          v128.store(dx + p1, f32x4.add(zero, v128.and(gv, hit1)));
          v128.store(dx + p2, f32x4.add(zero, v128.and(gv, hit2)));
          v128.store(dx + p3, f32x4.add(zero, v128.and(gv, hit3)));
          o += 16;
        }
      }
    }
  }
}
