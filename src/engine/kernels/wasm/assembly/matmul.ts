// Matrix products. Twin of ../../reference/matmul.ts.
//
// Where the speed comes from:
// - a 4x8 register tile (8 f32x4 accumulators) over k-blocks of 256 rows of B, so an
//   8-column strip of B stays in L1 while it is reused;
// - sparse inputs: MNIST pixels are ~80% zero and ReLU outputs ~50%, so when fewer than
//   half of A's entries are non-zero each row of A is compacted to its non-zeros and
//   only those rows of B are read (the reference kernels skip zeros too; the sums are
//   the same terms in the same order).

import { compactRow, countNonZero, sparseRow } from './sparse';
import { madd } from './simd';

const KC: i32 = 256;

/**
 * Dense C[m,n] = A·B (+ bias) where element (i, p) of A is at a + 4(i·rowStride + p·depthStride):
 * (k, 1) for A[m,k], (1, m) for A stored as [k,m] (the Aᵀ·B form).
 * 4x8 register tiles; k is walked in blocks of KC so the B strip stays in L1.
 */
function denseMatmul(a: usize, rowStride: i32, depthStride: i32, b: usize, bias: usize, c: usize, m: i32, k: i32, n: i32): void {
  const zero = f32x4.splat(0);
  const aRow = <usize>rowStride << 2;
  const aDepth = <usize>depthStride << 2;
  const bRowBytes = <usize>n << 2;
  for (let p0 = 0; p0 < k || p0 == 0; p0 += KC) {
    const p1 = min(p0 + KC, k);
    const first = p0 == 0;
    let j = 0;
    for (; j + 8 <= n; j += 8) {
      const jb = <usize>j << 2;
      let i = 0;
      for (; i + 4 <= m; i += 4) {
        const c0p = c + <usize>i * bRowBytes + jb;
        const c1p = c0p + bRowBytes, c2p = c1p + bRowBytes, c3p = c2p + bRowBytes;
        let c00: v128, c01: v128, c10: v128, c11: v128, c20: v128, c21: v128, c30: v128, c31: v128;
        if (first) {
          const b0 = bias ? v128.load(bias + jb, 0) : zero;
          const b1 = bias ? v128.load(bias + jb, 16) : zero;
          c00 = b0; c01 = b1; c10 = b0; c11 = b1; c20 = b0; c21 = b1; c30 = b0; c31 = b1;
        } else {
          c00 = v128.load(c0p, 0); c01 = v128.load(c0p, 16);
          c10 = v128.load(c1p, 0); c11 = v128.load(c1p, 16);
          c20 = v128.load(c2p, 0); c21 = v128.load(c2p, 16);
          c30 = v128.load(c3p, 0); c31 = v128.load(c3p, 16);
        }
        let ap = a + <usize>i * aRow + <usize>p0 * aDepth;
        let bp = b + <usize>p0 * bRowBytes + jb;
        for (let p = p0; p < p1; p++) {
          const b0 = v128.load(bp, 0);
          const b1 = v128.load(bp, 16);
          const a0 = v128.load32_splat(ap);
          const a1 = v128.load32_splat(ap + aRow);
          const a2 = v128.load32_splat(ap + 2 * aRow);
          const a3 = v128.load32_splat(ap + 3 * aRow);
          c00 = madd(a0, b0, c00); c01 = madd(a0, b1, c01);
          c10 = madd(a1, b0, c10); c11 = madd(a1, b1, c11);
          c20 = madd(a2, b0, c20); c21 = madd(a2, b1, c21);
          c30 = madd(a3, b0, c30); c31 = madd(a3, b1, c31);
          ap += aDepth;
          bp += bRowBytes;
        }
        v128.store(c0p, c00, 0); v128.store(c0p, c01, 16);
        v128.store(c1p, c10, 0); v128.store(c1p, c11, 16);
        v128.store(c2p, c20, 0); v128.store(c2p, c21, 16);
        v128.store(c3p, c30, 0); v128.store(c3p, c31, 16);
      }
      for (; i < m; i++) {
        const cp = c + <usize>i * bRowBytes + jb;
        let c0: v128, c1: v128;
        if (first) {
          c0 = bias ? v128.load(bias + jb, 0) : zero;
          c1 = bias ? v128.load(bias + jb, 16) : zero;
        } else {
          c0 = v128.load(cp, 0);
          c1 = v128.load(cp, 16);
        }
        let ap = a + <usize>i * aRow + <usize>p0 * aDepth;
        let bp = b + <usize>p0 * bRowBytes + jb;
        for (let p = p0; p < p1; p++) {
          const s = v128.load32_splat(ap);
          c0 = madd(s, v128.load(bp, 0), c0);
          c1 = madd(s, v128.load(bp, 16), c1);
          ap += aDepth;
          bp += bRowBytes;
        }
        v128.store(cp, c0, 0);
        v128.store(cp, c1, 16);
      }
    }
    for (; j + 4 <= n; j += 4) {
      const jb = <usize>j << 2;
      for (let i = 0; i < m; i++) {
        const cp = c + <usize>i * bRowBytes + jb;
        let c0 = first ? (bias ? v128.load(bias + jb) : zero) : v128.load(cp);
        let ap = a + <usize>i * aRow + <usize>p0 * aDepth;
        let bp = b + <usize>p0 * bRowBytes + jb;
        for (let p = p0; p < p1; p++) {
          c0 = madd(v128.load32_splat(ap), v128.load(bp), c0);
          ap += aDepth;
          bp += bRowBytes;
        }
        v128.store(cp, c0);
      }
    }
    for (; j < n; j++) {
      const jb = <usize>j << 2;
      for (let i = 0; i < m; i++) {
        const cp = c + <usize>i * bRowBytes + jb;
        let s: f32 = first ? (bias ? load<f32>(bias + jb) : 0) : load<f32>(cp);
        let ap = a + <usize>i * aRow + <usize>p0 * aDepth;
        let bp = b + <usize>p0 * bRowBytes + jb;
        for (let p = p0; p < p1; p++) {
          s += load<f32>(ap) * load<f32>(bp);
          ap += aDepth;
          bp += bRowBytes;
        }
        store<f32>(cp, s);
      }
    }
    if (k == 0) break;
  }
}

/** Narrowest output for which `affine` takes the sparse path. */
const SPARSE_MIN_COLUMNS: i32 = 32;

/** Scratch bytes `affine` and `matmul` need for A[m,k]. */
export function affineScratch(k: i32): i32 {
  return 8 * k;
}

/** C[m,n] = A[m,k]·B[k,n] + bias[n] (bias 0: none). */
export function affine(a: usize, b: usize, bias: usize, c: usize, m: i32, k: i32, n: i32, scratch: usize): void {
  // Compacting a row costs about as much as a dense pass over ~32 output columns, so
  // narrow products (a conv layer's 8 or 16 filters, 10 classes) always run dense.
  if (n < SPARSE_MIN_COLUMNS || 2 * countNonZero(a, m * k) >= m * k) {
    denseMatmul(a, k, 1, b, bias, c, m, k, n);
    return;
  }
  sparseAffine(a, b, bias, c, m, k, n, scratch);
}

/** affine's sparse path: each row of A compacted to its non-zeros (8k bytes of scratch), then one sparse row over B. */
function sparseAffine(a: usize, b: usize, bias: usize, c: usize, m: i32, k: i32, n: i32, scratch: usize): void {
  const off = scratch;
  const val = scratch + (<usize>k << 2);
  for (let i = 0; i < m; i++) {
    const count = compactRow(a + (<usize>i * <usize>k << 2), k, n << 2, off, val);
    sparseRow(off, val, count, b, bias, c + (<usize>i * <usize>n << 2), n);
  }
}

/** C[m,n] = A[m,k]·B[k,n]: `affine` without a bias. */
export function matmul(a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, scratch: usize): void {
  affine(a, b, 0, c, m, k, n, scratch);
}

/**
 * Scratch bytes `matmulTransA` needs for A[k,m]: Aᵀ and sparseAffine's lists take m·k + 2k
 * floats; twice m·k more leave room for Cᵀ when B is the sparser side.
 */
export function matmulTransAScratch(m: i32, k: i32): i32 {
  return 4 * (3 * m * k + 2 * k);
}

/**
 * C[m,n] = A[k,m]ᵀ·B[k,n]. Sparse A is transposed, then each row of Aᵀ compacted, so
 * each row of C sums only the rows of B whose A entry is non-zero, in increasing order of
 * row. When B is the sparser side (a dense layer's weight gradient Xᵀ·dY, dY zero where
 * the ReLU after it was), Cᵀ = Bᵀ·A is summed that way instead, into scratch, and
 * transposed into C: the same terms in the same order.
 */
export function matmulTransA(a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, scratch: usize): void {
  const nonZeroA = countNonZero(a, m * k);
  // B at least half zeros (as A must be for its own sparse path) and fewer terms listed by
  // B than by A; Cᵀ [n, m], Bᵀ and its lists fit in matmulTransAScratch's room.
  if (<i64>n * m + <i64>k * n <= 3 * <i64>m * k) {
    const nonZeroB = countNonZero(b, k * n);
    if (2 * nonZeroB < k * n && <i64>nonZeroB * m < <i64>nonZeroA * n) {
      const ct = scratch;
      sparseTransA(b, a, ct, n, k, m, ct + (<usize>(n * m) << 2));
      transpose(ct, n, m, c);
      return;
    }
  }
  if (2 * nonZeroA >= m * k) {
    denseMatmul(a, 1, m, b, 0, c, m, k, n);
    return;
  }
  sparseTransA(a, b, c, m, k, n, scratch);
}

/** dst [cols, rows] = src [rows, cols]ᵀ, 4x4 blocks in registers. */
function transpose(src: usize, rows: i32, cols: i32, dst: usize): void {
  let i = 0;
  for (; i + 4 <= rows; i += 4) {
    const r0 = src + (<usize>(i * cols) << 2), r1 = r0 + (<usize>cols << 2), r2 = r1 + (<usize>cols << 2), r3 = r2 + (<usize>cols << 2);
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const jb = <usize>j << 2;
      const a = v128.load(r0 + jb), b = v128.load(r1 + jb), c = v128.load(r2 + jb), d = v128.load(r3 + jb);
      const ab0 = i32x4.shuffle(a, b, 0, 4, 1, 5), ab1 = i32x4.shuffle(a, b, 2, 6, 3, 7);
      const cd0 = i32x4.shuffle(c, d, 0, 4, 1, 5), cd1 = i32x4.shuffle(c, d, 2, 6, 3, 7);
      const out = dst + (<usize>(j * rows + i) << 2), line = <usize>rows << 2;
      v128.store(out, i64x2.shuffle(ab0, cd0, 0, 2));
      v128.store(out + line, i64x2.shuffle(ab0, cd0, 1, 3));
      v128.store(out + 2 * line, i64x2.shuffle(ab1, cd1, 0, 2));
      v128.store(out + 3 * line, i64x2.shuffle(ab1, cd1, 1, 3));
    }
    for (; j < cols; j++) {
      for (let q = 0; q < 4; q++) {
        store<f32>(dst + (<usize>(j * rows + i + q) << 2), load<f32>(src + (<usize>((i + q) * cols + j) << 2)));
      }
    }
  }
  for (; i < rows; i++) {
    for (let j = 0; j < cols; j++) store<f32>(dst + (<usize>(j * rows + i) << 2), load<f32>(src + (<usize>(i * cols + j) << 2)));
  }
}

/**
 * matmulTransA's sparse path: A [k, m] transposed into scratch, then sparseAffine over its
 * rows. Transposing (4x4 blocks in registers) and compacting the rows of Aᵀ cost less than
 * a third of compacting A's rows and regrouping the entries by column, and give the same
 * lists. Scratch: matmulTransAScratch(m, k) bytes.
 */
function sparseTransA(a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, scratch: usize): void {
  const at = scratch;
  transpose(a, k, m, at);
  sparseAffine(at, b, 0, c, m, k, n, at + (<usize>(m * k) << 2));
}

/** Scratch bytes `matmulTransB` needs. */
export function matmulTransBScratch(k: i32, n: i32): i32 {
  return 4 * k * n + 8 * k;
}

/** C[m,n] = A[m,k]·B[n,k]ᵀ: B is transposed into scratch, then it is `affine`. */
export function matmulTransB(a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, scratch: usize): void {
  const bt = scratch;
  transpose(b, n, k, bt);
  affine(a, bt, 0, c, m, k, n, bt + (<usize>(k * n) << 2));
}

/** c[m,n] += bias[n] per row. */
export function addBias(c: usize, bias: usize, m: i32, n: i32): void {
  for (let i = 0; i < m; i++) {
    const row = c + (<usize>i * <usize>n << 2);
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const q = row + (<usize>j << 2);
      v128.store(q, f32x4.add(v128.load(q), v128.load(bias + (<usize>j << 2))));
    }
    for (; j < n; j++) {
      const q = row + (<usize>j << 2);
      store<f32>(q, load<f32>(q) + load<f32>(bias + (<usize>j << 2)));
    }
  }
}

/**
 * out[n] = Σ_rows g[m,n], each column summed over the rows in order. Four vectors of
 * columns at a time: four independent additions per row hide their latency, where one
 * vector at a time waited on each addition (a conv layer's bias gradient sums ~50,000
 * rows of 16 filters).
 */
export function sumRows(g: usize, out: usize, m: i32, n: i32): void {
  const rowBytes = <usize>n << 2;
  let j = 0;
  for (; j + 16 <= n; j += 16) sumColumns(4, g + (<usize>j << 2), rowBytes, m, out + (<usize>j << 2));
  if (j + 8 <= n) {
    sumColumns(2, g + (<usize>j << 2), rowBytes, m, out + (<usize>j << 2));
    j += 8;
  }
  if (j + 4 <= n) {
    sumColumns(1, g + (<usize>j << 2), rowBytes, m, out + (<usize>j << 2));
    j += 4;
  }
  for (; j < n; j++) {
    let s: f32 = 0;
    for (let i = 0; i < m; i++) s += load<f32>(g + (<usize>(i * n + j) << 2));
    store<f32>(out + (<usize>j << 2), s);
  }
}

/** out[0..4·width) = Σ_i g[i·rowBytes ..], `width` (1, 2 or 4, a constant where inlined) vectors. */
// @ts-ignore: decorator
@inline
function sumColumns(width: i32, g: usize, rowBytes: usize, m: i32, out: usize): void {
  let s0 = f32x4.splat(0), s1 = s0, s2 = s0, s3 = s0;
  let q = g;
  for (let i = 0; i < m; i++, q += rowBytes) {
    s0 = f32x4.add(s0, v128.load(q, 0));
    if (width > 1) s1 = f32x4.add(s1, v128.load(q, 16));
    if (width > 2) {
      s2 = f32x4.add(s2, v128.load(q, 32));
      s3 = f32x4.add(s3, v128.load(q, 48));
    }
  }
  v128.store(out, s0, 0);
  if (width > 1) v128.store(out, s1, 16);
  if (width > 2) {
    v128.store(out, s2, 32);
    v128.store(out, s3, 48);
  }
}
