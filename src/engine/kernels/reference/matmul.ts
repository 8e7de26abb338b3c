import type { FloatArray } from '../../tensor';

// Matrix products: a dense layer's forward and backward, and a conv layer's after im2col.
// All matrices are row-major and `c` is overwritten, never accumulated into. The loops
// run i-k-j so the innermost loop walks both `b` and `c` contiguously.
// Fast twin: ../wasm/assembly/matmul.ts.

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
