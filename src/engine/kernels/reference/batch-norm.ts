import type { FloatArray } from '../../tensor';

// Batch normalisation's loops over x[rows, C], per channel (column), for layers/batch-norm.ts.
// Fast twin: ../wasm/assembly/batch-norm.ts.

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
