import type { FloatArray } from '../../tensor';

// im2col and its adjoint col2im turn a convolution into one matrix product (layers/conv2d.ts).
// Fast twin: ../wasm/assembly/conv.ts.

/**
 * Where a convolution's windows fall on a channels-last (NHWC) image: the input's
 * height, width and channels, the kernel's side and stride, the zero padding before
 * the first row and column, and the output's height and width.
 */
export interface ConvGeometry {
  height: number;
  width: number;
  channels: number;
  kernel: number;
  stride: number;
  padTop: number;
  padLeft: number;
  outHeight: number;
  outWidth: number;
}

/**
 * im2col for `count` NHWC samples starting at x[xOffset]: row (n, oy, ox) of cols is
 * the receptive field of that output position in (ky, kx, c) order,
 *
 *   cols[(n, oy, ox), (ky, kx, c)] = X[n, oy·s + ky − padTop, ox·s + kx − padLeft, c]
 *
 * with zeros outside the image.
 */
export function im2col(x: FloatArray, xOffset: number, count: number, g: ConvGeometry, cols: FloatArray): void {
  const { height: H, width: W, channels: C, kernel: k, stride, padTop, padLeft } = g;
  let r = 0;
  for (let n = 0; n < count; n++) {
    const sample = xOffset + n * H * W * C;
    for (let oy = 0; oy < g.outHeight; oy++) {
      for (let ox = 0; ox < g.outWidth; ox++) {
        for (let ky = 0; ky < k; ky++) {
          const y = oy * stride - padTop + ky;
          for (let kx = 0; kx < k; kx++) {
            const xx = ox * stride - padLeft + kx;
            const inside = y >= 0 && y < H && xx >= 0 && xx < W;
            for (let c = 0; c < C; c++) cols[r++] = inside ? x[sample + (y * W + xx) * C + c] : 0;
          }
        }
      }
    }
  }
}

/**
 * col2im, the adjoint of im2col: overwrites dx[dxOffset ..] (count samples) with, for
 * each input pixel, the sum of the cols entries that were copied from it.
 */
export function col2im(cols: FloatArray, count: number, g: ConvGeometry, dx: FloatArray, dxOffset: number): void {
  const { height: H, width: W, channels: C, kernel: k, stride, padTop, padLeft } = g;
  dx.fill(0, dxOffset, dxOffset + count * H * W * C);
  let r = 0;
  for (let n = 0; n < count; n++) {
    const sample = dxOffset + n * H * W * C;
    for (let oy = 0; oy < g.outHeight; oy++) {
      for (let ox = 0; ox < g.outWidth; ox++) {
        for (let ky = 0; ky < k; ky++) {
          const y = oy * stride - padTop + ky;
          for (let kx = 0; kx < k; kx++) {
            const xx = ox * stride - padLeft + kx;
            const inside = y >= 0 && y < H && xx >= 0 && xx < W;
            for (let c = 0; c < C; c++, r++) if (inside) dx[sample + (y * W + xx) * C + c] += cols[r];
          }
        }
      }
    }
  }
}
