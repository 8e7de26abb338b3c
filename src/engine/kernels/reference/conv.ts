import type { FloatArray } from '../../tensor';
import { affine, matmulTransA, matmulTransB } from './matmul';

// A convolution layer's three products (layers/conv2d.ts): im2col and its adjoint col2im
// turn each into a matrix product per sample. Fast twin: ../wasm/assembly/conv.ts, which
// computes the same sums without building cols.

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

/** A scratch array of x's type: float32 for training, float64 for gradient checks. */
function like(x: FloatArray, length: number): FloatArray {
  return x instanceof Float64Array ? new Float64Array(length) : new Float32Array(length);
}

/**
 * A convolution layer's forward pass for `count` NHWC samples, by im2col and one
 * matrix product per sample (layers/conv2d.ts):
 *
 *   Y[n, oy, ox, f] = b[f] + Σ_{ky, kx, c} X[n, oy·s + ky − padTop, ox·s + kx − padLeft, c] · W[ky, kx, c, f]
 *
 * cols [H_out·W_out, K] · W [K, F] + b -> Y [H_out·W_out, F] per sample, K = k·k·C.
 * x [count, H·W·C], w [K, F], bias [F], y [count, H_out·W_out·F] (overwritten).
 */
export function conv2d(
  x: FloatArray,
  count: number,
  g: ConvGeometry,
  filters: number,
  w: FloatArray,
  bias: FloatArray,
  y: FloatArray,
): void {
  const positions = g.outHeight * g.outWidth;
  const K = g.kernel * g.kernel * g.channels;
  const cols = like(x, positions * K);
  for (let n = 0; n < count; n++) {
    im2col(x, n * g.height * g.width * g.channels, 1, g, cols);
    affine(cols, w, bias, y.subarray(n * positions * filters), positions, K, filters);
  }
}

/**
 * The filters' gradient, summed over `count` samples: dW = Σ_n colsₙᵀ·dYₙ, [K, F]
 * (overwritten). x as for conv2d, dy [count, H_out·W_out·F].
 */
export function conv2dFilterGradient(
  x: FloatArray,
  dy: FloatArray,
  count: number,
  g: ConvGeometry,
  filters: number,
  dw: FloatArray,
): void {
  const positions = g.outHeight * g.outWidth;
  const K = g.kernel * g.kernel * g.channels;
  const cols = like(x, positions * K);
  const sample = like(x, K * filters);
  dw.fill(0, 0, K * filters);
  for (let n = 0; n < count; n++) {
    im2col(x, n * g.height * g.width * g.channels, 1, g, cols);
    matmulTransA(cols, dy.subarray(n * positions * filters), sample, K, positions, filters);
    for (let i = 0; i < K * filters; i++) dw[i] += sample[i];
  }
}

/**
 * The input's gradient: dcols = dYₙ·Wᵀ per sample, then col2im adds each entry back
 * onto the pixel it was copied from. dy [count, H_out·W_out·F], w [K, F],
 * dx [count, H·W·C] (overwritten).
 */
export function conv2dInputGradient(
  dy: FloatArray,
  w: FloatArray,
  count: number,
  g: ConvGeometry,
  filters: number,
  dx: FloatArray,
): void {
  const positions = g.outHeight * g.outWidth;
  const K = g.kernel * g.kernel * g.channels;
  const gradCols = like(dy, positions * K);
  for (let n = 0; n < count; n++) {
    matmulTransB(dy.subarray(n * positions * filters), w, gradCols, positions, filters, K);
    col2im(gradCols, 1, g, dx, n * g.height * g.width * g.channels);
  }
}
