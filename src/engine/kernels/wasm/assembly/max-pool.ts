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
