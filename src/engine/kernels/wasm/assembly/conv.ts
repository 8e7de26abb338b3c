// im2col and col2im (NHWC). Twin of ../../reference/conv.ts, which defines them.

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
