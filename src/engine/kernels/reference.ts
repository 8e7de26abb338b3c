import type { FloatArray } from '../tensor';

/**
 * The plain TypeScript kernels: the definition every faster kernel is tested against.
 * All matrices are row-major. `c` is overwritten, never accumulated into.
 *
 * The loops run i-k-j so the innermost loop walks both `b` and `c` contiguously.
 */

/** C[m,n] = A[m,k] · B[k,n] */
export function matmul(a: FloatArray, b: FloatArray, c: FloatArray, m: number, k: number, n: number): void {
  c.fill(0, 0, m * n);
  for (let i = 0; i < m; i++) {
    const cRow = i * n;
    for (let p = 0; p < k; p++) {
      const aip = a[i * k + p];
      if (aip === 0) continue; // ReLU outputs and MNIST pixels are mostly zero.
      const bRow = p * n;
      for (let j = 0; j < n; j++) c[cRow + j] += aip * b[bRow + j];
    }
  }
}

/** C[m,n] = A[k,m]ᵀ · B[k,n]   (weight gradients: Xᵀ · dY) */
export function matmulTransA(a: FloatArray, b: FloatArray, c: FloatArray, m: number, k: number, n: number): void {
  c.fill(0, 0, m * n);
  for (let p = 0; p < k; p++) {
    const aRow = p * m;
    const bRow = p * n;
    for (let i = 0; i < m; i++) {
      const api = a[aRow + i];
      if (api === 0) continue;
      const cRow = i * n;
      for (let j = 0; j < n; j++) c[cRow + j] += api * b[bRow + j];
    }
  }
}

/** C[m,n] = A[m,k] · B[n,k]ᵀ   (input gradients: dY · Wᵀ) */
export function matmulTransB(a: FloatArray, b: FloatArray, c: FloatArray, m: number, k: number, n: number): void {
  for (let i = 0; i < m; i++) {
    const aRow = i * k;
    for (let j = 0; j < n; j++) {
      const bRow = j * k;
      let sum = 0;
      for (let p = 0; p < k; p++) sum += a[aRow + p] * b[bRow + p];
      c[i * n + j] = sum;
    }
  }
}

/** Adds `bias[n]` to every row of `c[m,n]`. */
export function addBias(c: FloatArray, bias: FloatArray, m: number, n: number): void {
  for (let i = 0; i < m; i++) {
    const row = i * n;
    for (let j = 0; j < n; j++) c[row + j] += bias[j];
  }
}

/** out[n] = Σ_rows g[m,n]   (bias gradients) */
export function sumRows(g: FloatArray, out: FloatArray, m: number, n: number): void {
  out.fill(0, 0, n);
  for (let i = 0; i < m; i++) {
    const row = i * n;
    for (let j = 0; j < n; j++) out[j] += g[row + j];
  }
}

/** C[m,n] = A[m,k] · B[k,n] + bias[n]   (a dense layer's forward pass) */
export function affine(
  a: FloatArray,
  b: FloatArray,
  bias: FloatArray,
  c: FloatArray,
  m: number,
  k: number,
  n: number,
): void {
  matmul(a, b, c, m, k, n);
  addBias(c, bias, m, n);
}

/** y = x > 0 ? x : α·x over the first `length` entries (α = 0 is ReLU). */
export function leakyRelu(x: FloatArray, y: FloatArray, length: number, alpha: number): void {
  for (let i = 0; i < length; i++) y[i] = x[i] > 0 ? x[i] : alpha === 0 ? 0 : alpha * x[i];
}

/** dx = g · (x > 0 ? 1 : α)   (the input x, not the output, decides) */
export function leakyReluBackward(x: FloatArray, g: FloatArray, dx: FloatArray, length: number, alpha: number): void {
  for (let i = 0; i < length; i++) dx[i] = x[i] > 0 ? g[i] : alpha === 0 ? 0 : alpha * g[i];
}

/**
 * Softmax-cross-entropy on logits z[rows, cols], fused with its gradient:
 *
 *   p = softmax(z),  grad = (p − onehot(t)) / rows,  returns Σ_rows (log Σ_j e^(z_j − max) + max − z_t)
 *
 * The caller divides the returned sum by `rows` for the mean loss.
 */
export function softmaxCrossEntropy(
  z: FloatArray,
  labels: ArrayLike<number>,
  p: FloatArray,
  grad: FloatArray,
  rows: number,
  cols: number,
): number {
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let max = -Infinity;
    for (let j = 0; j < cols; j++) if (z[o + j] > max) max = z[o + j];
    let sum = 0;
    for (let j = 0; j < cols; j++) {
      const e = Math.exp(z[o + j] - max);
      p[o + j] = e;
      sum += e;
    }
    for (let j = 0; j < cols; j++) {
      p[o + j] /= sum;
      grad[o + j] = p[o + j] / rows - (j === labels[r] ? 1 / rows : 0);
    }
    total += Math.log(sum) + max - z[o + labels[r]];
  }
  return total;
}

/** SGD: w ← w − η·g */
export function sgd(w: FloatArray, g: FloatArray, lr: number): void {
  for (let i = 0; i < w.length; i++) w[i] -= lr * g[i];
}

/** Momentum: v ← α·v − η·g;  w ← w + v */
export function momentum(w: FloatArray, g: FloatArray, v: FloatArray, lr: number, alpha: number): void {
  for (let i = 0; i < w.length; i++) {
    v[i] = alpha * v[i] - lr * g[i];
    w[i] += v[i];
  }
}

/** Nesterov: v ← α·v − η·g;  w ← w + α·v − η·g */
export function nesterov(w: FloatArray, g: FloatArray, v: FloatArray, lr: number, alpha: number): void {
  for (let i = 0; i < w.length; i++) {
    v[i] = alpha * v[i] - lr * g[i];
    w[i] += alpha * v[i] - lr * g[i];
  }
}

/** AdaGrad: h ← h + g²;  w ← w − η·g / √(h + ε) */
export function adaGrad(w: FloatArray, g: FloatArray, h: FloatArray, lr: number, epsilon: number): void {
  for (let i = 0; i < w.length; i++) {
    h[i] += g[i] * g[i];
    w[i] -= (lr * g[i]) / Math.sqrt(h[i] + epsilon);
  }
}

/** RMSProp: h ← ρ·h + (1 − ρ)·g²;  w ← w − η·g / √(h + ε) */
export function rmsProp(w: FloatArray, g: FloatArray, h: FloatArray, lr: number, rho: number, epsilon: number): void {
  for (let i = 0; i < w.length; i++) {
    h[i] = rho * h[i] + (1 - rho) * g[i] * g[i];
    w[i] -= (lr * g[i]) / Math.sqrt(h[i] + epsilon);
  }
}

/**
 * Adam at step t (1-based):
 *   m ← β1·m + (1 − β1)·g;   v ← β2·v + (1 − β2)·g²
 *   w ← w − η·m̂ / (√v̂ + ε),  m̂ = m / (1 − β1ᵗ),  v̂ = v / (1 − β2ᵗ)
 */
export function adam(
  w: FloatArray,
  g: FloatArray,
  m: FloatArray,
  v: FloatArray,
  lr: number,
  beta1: number,
  beta2: number,
  epsilon: number,
  t: number,
): void {
  const correction1 = 1 - beta1 ** t;
  const correction2 = 1 - beta2 ** t;
  for (let i = 0; i < w.length; i++) {
    m[i] = beta1 * m[i] + (1 - beta1) * g[i];
    v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
    w[i] -= (lr * (m[i] / correction1)) / (Math.sqrt(v[i] / correction2) + epsilon);
  }
}

/** Row r of `out` = image indices[r] of `images` (`size` bytes each) scaled to 0..1. */
export function unitPixels(images: Uint8Array, indices: ArrayLike<number>, size: number, out: FloatArray): void {
  for (let r = 0; r < indices.length; r++) {
    const src = indices[r] * size;
    const dst = r * size;
    for (let j = 0; j < size; j++) out[dst + j] = images[src + j] / 255;
  }
}

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

/** A pooling window's geometry on an NHWC image ('valid': no padding). */
export interface PoolGeometry {
  height: number;
  width: number;
  channels: number;
  size: number;
  stride: number;
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

/** y[n, oy, ox, c] = max_{ky, kx < size} X[n, oy·s + ky, ox·s + kx, c] for `count` NHWC samples. */
export function maxPool(x: FloatArray, count: number, g: PoolGeometry, y: FloatArray): void {
  let o = 0;
  forEachWindow(count, g, (corner) => {
    let max = x[corner];
    for (let ky = 0; ky < g.size; ky++) {
      for (let kx = 0; kx < g.size; kx++) {
        const v = x[corner + (ky * g.width + kx) * g.channels];
        if (v > max) max = v;
      }
    }
    y[o++] = max;
  });
}

/** dx = 0, then each window's gradient g[o] is added at its maximum input (the first on a tie). */
export function maxPoolBackward(
  x: FloatArray,
  gradOutput: FloatArray,
  count: number,
  g: PoolGeometry,
  dx: FloatArray,
): void {
  dx.fill(0, 0, count * g.height * g.width * g.channels);
  let o = 0;
  forEachWindow(count, g, (corner) => {
    let best = corner;
    for (let ky = 0; ky < g.size; ky++) {
      for (let kx = 0; kx < g.size; kx++) {
        const at = corner + (ky * g.width + kx) * g.channels;
        if (x[at] > x[best]) best = at;
      }
    }
    dx[best] += gradOutput[o++];
  });
}

/** Calls `visit` with the index of each window's first input, in output order (n, oy, ox, c). */
function forEachWindow(count: number, g: PoolGeometry, visit: (corner: number) => void): void {
  const { height: H, width: W, channels: C, stride } = g;
  for (let n = 0; n < count; n++) {
    for (let oy = 0; oy < g.outHeight; oy++) {
      for (let ox = 0; ox < g.outWidth; ox++) {
        const corner = ((n * H + oy * stride) * W + ox * stride) * C;
        for (let c = 0; c < C; c++) visit(corner + c);
      }
    }
  }
}

/**
 * Per-channel (per-column) sums over the rows of a[rows, C]:
 * out[c] = Σ_i a[i, c]·b[i, c] (b omitted: Σ_i a[i, c]), or with `center`,
 * Σ_i (a[i, c] − center[c])². Batch norm's statistics and parameter gradients.
 */
export function channelSums(
  a: FloatArray,
  b: FloatArray | undefined,
  center: FloatArray | undefined,
  rows: number,
  C: number,
  out: FloatArray,
): void {
  for (let c = 0; c < C; c++) {
    let total = 0;
    for (let i = 0; i < rows; i++) {
      const v = a[i * C + c];
      total += center ? (v - center[c]) * (v - center[c]) : b ? v * b[i * C + c] : v;
    }
    out[c] = total;
  }
}

/**
 * y = x·scale[c] + shift[c] per channel; or, given `normalised`, x̂ = (x − shift[c])·scale[c]
 * written there and y = γ[c]·x̂ + β[c] (shift and scale being the mean and 1/σ).
 */
export function channelAffine(
  x: FloatArray,
  y: FloatArray,
  normalised: FloatArray | undefined,
  rows: number,
  C: number,
  scale: FloatArray,
  shift: FloatArray,
  gamma: FloatArray,
  beta: FloatArray,
): void {
  for (let i = 0; i < rows * C; i += C) {
    for (let c = 0; c < C; c++) {
      if (normalised) {
        const h = (x[i + c] - shift[c]) * scale[c];
        normalised[i + c] = h;
        y[i + c] = h * gamma[c] + beta[c];
      } else {
        y[i + c] = x[i + c] * scale[c] + shift[c];
      }
    }
  }
}

/** Batch norm's input gradient: dx = k[c]·(N·g − dβ[c] − x̂·dγ[c]), N = rows. */
export function batchNormBackward(
  g: FloatArray,
  normalised: FloatArray,
  dx: FloatArray,
  rows: number,
  C: number,
  k: FloatArray,
  dBeta: FloatArray,
  dGamma: FloatArray,
): void {
  for (let i = 0; i < rows * C; i += C) {
    for (let c = 0; c < C; c++) dx[i + c] = k[c] * (rows * g[i + c] - dBeta[c] - normalised[i + c] * dGamma[c]);
  }
}
