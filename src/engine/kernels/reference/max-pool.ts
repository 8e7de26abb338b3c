import type { FloatArray } from '../../tensor';

// Max pooling and its gradient, for layers/max-pool.ts.
// Fast twin: ../wasm/assembly/max-pool.ts.

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
