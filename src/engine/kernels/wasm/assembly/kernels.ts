/**
 * The fast kernels, in AssemblyScript, compiled to WebAssembly SIMD by
 * `npm run build:kernels` (scripts/build-kernels.mjs) into ../kernels.wasm.ts.
 *
 * Every function takes byte offsets into the one imported memory, which
 * src/engine/kernels/wasm/memory.ts owns; nothing here allocates. Each kernel has a
 * plain TypeScript twin in ../../reference.ts that defines what it computes, and
 * tests/engine/kernels checks the two agree.
 *
 * Where the speed comes from:
 * - f32x4 SIMD everywhere, with a fused multiply-add when the engine supports
 *   relaxed SIMD (a second build without it is the fallback);
 * - matrix multiply with a 4x8 register tile (8 f32x4 accumulators) over k-blocks of
 *   256 rows of B, so a 8-column strip of B stays in L1 while it is reused;
 * - sparse inputs: MNIST pixels are ~80% zero and ReLU outputs ~50%, so when fewer
 *   than half of A's entries are non-zero each row of A is compacted to its non-zeros
 *   and only those rows of B are read (the reference kernels skip zeros too; the sums
 *   are the same terms in the same order).
 */

// @ts-ignore: decorator
@inline
function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** First byte the JS side may use: everything below belongs to the compiler's static data. */
export function heapBase(): usize {
  return __heap_base;
}

/** Non-zero entries among `len` floats at `x`. */
function countNonZero(x: usize, len: i32): i32 {
  let count = 0;
  let i = 0;
  const zero = f32x4.splat(0);
  for (; i + 4 <= len; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    // ne gives -1 per non-zero lane; summing the lanes counts them.
    const ne = f32x4.ne(v, zero);
    count -= i32x4.extract_lane(ne, 0) + i32x4.extract_lane(ne, 1) + i32x4.extract_lane(ne, 2) + i32x4.extract_lane(ne, 3);
  }
  for (; i < len; i++) if (load<f32>(x + (<usize>i << 2)) != 0) count++;
  return count;
}

/**
 * One output row from a compacted list: crow[j] = bias[j] + Σ_t val[t] · B[row t][j],
 * where off[t] is the byte offset of row t of B. Terms are added in list order.
 */
function sparseRow(off: usize, val: usize, count: i32, b: usize, bias: usize, crow: usize, n: i32): void {
  // Six accumulators: with the splat and six loaded B vectors that is 13 of the 15 xmm
  // registers V8 allocates; eight accumulators made it spill one to the stack.
  let j = 0;
  for (; j + 24 <= n; j += 24) {
    const bj = b + (<usize>j << 2);
    let c0 = f32x4.splat(0), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
    if (bias) {
      const q = bias + (<usize>j << 2);
      c0 = v128.load(q, 0); c1 = v128.load(q, 16); c2 = v128.load(q, 32);
      c3 = v128.load(q, 48); c4 = v128.load(q, 64); c5 = v128.load(q, 80);
    }
    for (let t = 0; t < count; t++) {
      const s = v128.load32_splat(val + (<usize>t << 2));
      const q = bj + <usize>load<i32>(off + (<usize>t << 2));
      c0 = madd(s, v128.load(q, 0), c0);
      c1 = madd(s, v128.load(q, 16), c1);
      c2 = madd(s, v128.load(q, 32), c2);
      c3 = madd(s, v128.load(q, 48), c3);
      c4 = madd(s, v128.load(q, 64), c4);
      c5 = madd(s, v128.load(q, 80), c5);
    }
    const q = crow + (<usize>j << 2);
    v128.store(q, c0, 0); v128.store(q, c1, 16); v128.store(q, c2, 32);
    v128.store(q, c3, 48); v128.store(q, c4, 64); v128.store(q, c5, 80);
  }
  for (; j + 8 <= n; j += 8) {
    const bj = b + (<usize>j << 2);
    let c0 = f32x4.splat(0), c1 = c0;
    if (bias) {
      c0 = v128.load(bias + (<usize>j << 2), 0);
      c1 = v128.load(bias + (<usize>j << 2), 16);
    }
    for (let t = 0; t < count; t++) {
      const s = v128.load32_splat(val + (<usize>t << 2));
      const q = bj + <usize>load<i32>(off + (<usize>t << 2));
      c0 = madd(s, v128.load(q, 0), c0);
      c1 = madd(s, v128.load(q, 16), c1);
    }
    v128.store(crow + (<usize>j << 2), c0, 0);
    v128.store(crow + (<usize>j << 2), c1, 16);
  }
  for (; j + 4 <= n; j += 4) {
    const bj = b + (<usize>j << 2);
    let c0 = bias ? v128.load(bias + (<usize>j << 2)) : f32x4.splat(0);
    for (let t = 0; t < count; t++) {
      const s = v128.load32_splat(val + (<usize>t << 2));
      c0 = madd(s, v128.load(bj + <usize>load<i32>(off + (<usize>t << 2))), c0);
    }
    v128.store(crow + (<usize>j << 2), c0);
  }
  for (; j < n; j++) {
    const bj = b + (<usize>j << 2);
    let c: f32 = bias ? load<f32>(bias + (<usize>j << 2)) : 0;
    for (let t = 0; t < count; t++) {
      c += load<f32>(val + (<usize>t << 2)) * load<f32>(bj + <usize>load<i32>(off + (<usize>t << 2)));
    }
    store<f32>(crow + (<usize>j << 2), c);
  }
}

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

/**
 * Writes the non-zeros of row[0..len) as (index · scale, value) pairs to off/val and
 * returns how many. All-zero groups of 4 are skipped with one test; inside a group the
 * pair is always written and the count advanced by (x ≠ 0), so there is no branch to
 * mispredict. off/val need room for `len` entries.
 */
function compactRow(row: usize, len: i32, scale: i32, off: usize, val: usize): i32 {
  let count = 0;
  let p = 0;
  for (; p + 4 <= len; p += 4) {
    const v = v128.load(row + (<usize>p << 2));
    if (!v128.any_true(v)) continue;
    for (let q = 0; q < 4; q++) {
      const x = load<f32>(row + (<usize>(p + q) << 2));
      store<i32>(off + (<usize>count << 2), (p + q) * scale);
      store<f32>(val + (<usize>count << 2), x);
      count += i32(x != 0);
    }
  }
  for (; p < len; p++) {
    const x = load<f32>(row + (<usize>p << 2));
    store<i32>(off + (<usize>count << 2), p * scale);
    store<f32>(val + (<usize>count << 2), x);
    count += i32(x != 0);
  }
  return count;
}

/** Narrowest output for which `affine` takes the sparse path. */
const SPARSE_MIN_COLUMNS: i32 = 32;

/** Scratch bytes `affine` needs for A[m,k]. */
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
  const off = scratch;
  const val = scratch + (<usize>k << 2);
  for (let i = 0; i < m; i++) {
    const count = compactRow(a + (<usize>i * <usize>k << 2), k, n << 2, off, val);
    sparseRow(off, val, count, b, bias, c + (<usize>i * <usize>n << 2), n);
  }
}

/** Scratch bytes `matmulTransA` needs for A[k,m]. */
export function matmulTransAScratch(m: i32, k: i32): i32 {
  return 4 * (4 * m * k + k + 1 + 2 * m + 1);
}

/**
 * C[m,n] = A[k,m]ᵀ·B[k,n]. Sparse A is compacted row by row, then regrouped by
 * column (a counting sort), so each row of C sums only the rows of B whose A entry
 * is non-zero, in increasing order of row.
 */
export function matmulTransA(a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, scratch: usize): void {
  if (2 * countNonZero(a, m * k) >= m * k) {
    denseMatmul(a, 1, m, b, 0, c, m, k, n);
    return;
  }
  // Row-major compaction: column index and value of every non-zero, rows in order.
  const column = scratch;
  const value = column + (<usize>(m * k) << 2);
  const rowEnd = value + (<usize>(m * k) << 2);
  let total = 0;
  for (let p = 0; p < k; p++) {
    total += compactRow(a + (<usize>p * <usize>m << 2), m, 1, column + (<usize>total << 2), value + (<usize>total << 2));
    store<i32>(rowEnd + (<usize>p << 2), total);
  }
  // Counting sort by column.
  const start = rowEnd + (<usize>k << 2);
  const cursor = start + (<usize>(m + 1) << 2);
  const off = cursor + (<usize>m << 2);
  const val = off + (<usize>total << 2);
  memory.fill(start, 0, <usize>(m + 1) << 2);
  for (let t = 0; t < total; t++) {
    const q = start + (<usize>(load<i32>(column + (<usize>t << 2)) + 1) << 2);
    store<i32>(q, load<i32>(q) + 1);
  }
  for (let i = 0; i < m; i++) {
    const from = load<i32>(start + (<usize>i << 2));
    store<i32>(start + (<usize>(i + 1) << 2), from + load<i32>(start + (<usize>(i + 1) << 2)));
    store<i32>(cursor + (<usize>i << 2), from);
  }
  const bRowBytes = n << 2;
  let t = 0;
  for (let p = 0; p < k; p++) {
    const end = load<i32>(rowEnd + (<usize>p << 2));
    for (; t < end; t++) {
      const q = cursor + (<usize>load<i32>(column + (<usize>t << 2)) << 2);
      const at = load<i32>(q);
      store<i32>(off + (<usize>at << 2), p * bRowBytes);
      store<f32>(val + (<usize>at << 2), load<f32>(value + (<usize>t << 2)));
      store<i32>(q, at + 1);
    }
  }
  for (let i = 0; i < m; i++) {
    const from = load<i32>(start + (<usize>i << 2));
    const to = load<i32>(start + (<usize>(i + 1) << 2));
    sparseRow(off + (<usize>from << 2), val + (<usize>from << 2), to - from, b, 0, c + (<usize>i * <usize>n << 2), n);
  }
}

/** Scratch bytes `matmulTransB` needs. */
export function matmulTransBScratch(k: i32, n: i32): i32 {
  return 4 * k * n + 8 * k;
}

/** C[m,n] = A[m,k]·B[n,k]ᵀ: B is transposed into scratch, then it is `affine`. */
export function matmulTransB(a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, scratch: usize): void {
  const bt = scratch;
  for (let j = 0; j < n; j++) {
    const src = b + (<usize>j * <usize>k << 2);
    for (let p = 0; p < k; p++) store<f32>(bt + (<usize>(p * n + j) << 2), load<f32>(src + (<usize>p << 2)));
  }
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

/** out[n] = Σ_rows g[m,n]. */
export function sumRows(g: usize, out: usize, m: i32, n: i32): void {
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    let s = f32x4.splat(0);
    for (let i = 0; i < m; i++) s = f32x4.add(s, v128.load(g + (<usize>(i * n + j) << 2)));
    v128.store(out + (<usize>j << 2), s);
  }
  for (; j < n; j++) {
    let s: f32 = 0;
    for (let i = 0; i < m; i++) s += load<f32>(g + (<usize>(i * n + j) << 2));
    store<f32>(out + (<usize>j << 2), s);
  }
}

/** y = x > 0 ? x : alpha·x  (alpha 0 is ReLU). */
export function leakyRelu(x: usize, y: usize, len: i32, alpha: f32): void {
  const zero = f32x4.splat(0);
  const a = f32x4.splat(alpha);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    const positive = f32x4.gt(v, zero);
    const out = alpha == 0 ? v128.and(v, positive) : v128.bitselect(v, f32x4.mul(v, a), positive);
    v128.store(y + (<usize>i << 2), out);
  }
  for (; i < len; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    store<f32>(y + (<usize>i << 2), v > 0 ? v : alpha == 0 ? 0 : alpha * v);
  }
}

/** dx = g · (x > 0 ? 1 : alpha). */
export function leakyReluBackward(x: usize, g: usize, dx: usize, len: i32, alpha: f32): void {
  const zero = f32x4.splat(0);
  const a = f32x4.splat(alpha);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const positive = f32x4.gt(v128.load(x + (<usize>i << 2)), zero);
    const gv = v128.load(g + (<usize>i << 2));
    const out = alpha == 0 ? v128.and(gv, positive) : v128.bitselect(gv, f32x4.mul(gv, a), positive);
    v128.store(dx + (<usize>i << 2), out);
  }
  for (; i < len; i++) {
    const gv = load<f32>(g + (<usize>i << 2));
    store<f32>(dx + (<usize>i << 2), load<f32>(x + (<usize>i << 2)) > 0 ? gv : alpha == 0 ? 0 : alpha * gv);
  }
}

/**
 * Softmax-cross-entropy on logits z[rows,cols] with int32 labels: writes p = softmax(z)
 * and grad = (p − onehot)/rows, returns Σ_rows (log Σ e^(z−max) + max − z_label).
 * Exponentials and sums in f64, as the reference does.
 */
export function softmaxCrossEntropy(z: usize, labels: usize, p: usize, grad: usize, rows: i32, cols: i32): f64 {
  let total: f64 = 0;
  const inv: f64 = 1.0 / <f64>rows;
  for (let r = 0; r < rows; r++) {
    const o = <usize>(r * cols) << 2;
    let max: f64 = -Infinity;
    for (let j = 0; j < cols; j++) {
      const v = <f64>load<f32>(z + o + (<usize>j << 2));
      if (v > max) max = v;
    }
    let sum: f64 = 0;
    for (let j = 0; j < cols; j++) {
      const e = Math.exp(<f64>load<f32>(z + o + (<usize>j << 2)) - max);
      store<f32>(p + o + (<usize>j << 2), <f32>e);
      sum += e;
    }
    const label = load<i32>(labels + (<usize>r << 2));
    for (let j = 0; j < cols; j++) {
      const q = o + (<usize>j << 2);
      const prob = <f32>(<f64>load<f32>(p + q) / sum);
      store<f32>(p + q, prob);
      store<f32>(grad + q, <f32>(<f64>prob * inv - (j == label ? inv : 0)));
    }
    total += Math.log(sum) + max - <f64>load<f32>(z + o + (<usize>label << 2));
  }
  return total;
}

/** w −= lr·g */
export function sgd(w: usize, g: usize, len: i32, lr: f32): void {
  const l = f32x4.splat(lr);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const q = <usize>i << 2;
    v128.store(w + q, f32x4.sub(v128.load(w + q), f32x4.mul(l, v128.load(g + q))));
  }
  for (; i < len; i++) {
    const q = <usize>i << 2;
    store<f32>(w + q, load<f32>(w + q) - lr * load<f32>(g + q));
  }
}

/** v ← a·v − lr·g;  w ← w + v  (nesterov: w ← w + a·v − lr·g) */
export function momentum(w: usize, g: usize, v: usize, len: i32, lr: f32, a: f32, nesterov: bool): void {
  const l = f32x4.splat(lr);
  const av = f32x4.splat(a);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const q = <usize>i << 2;
    const step = f32x4.mul(l, v128.load(g + q));
    const vel = f32x4.sub(f32x4.mul(av, v128.load(v + q)), step);
    v128.store(v + q, vel);
    const delta = nesterov ? f32x4.sub(f32x4.mul(av, vel), step) : vel;
    v128.store(w + q, f32x4.add(v128.load(w + q), delta));
  }
  for (; i < len; i++) {
    const q = <usize>i << 2;
    const step = lr * load<f32>(g + q);
    const vel = a * load<f32>(v + q) - step;
    store<f32>(v + q, vel);
    store<f32>(w + q, load<f32>(w + q) + (nesterov ? a * vel - step : vel));
  }
}

/** h ← rho·h + scale·g²;  w ← w − lr·g/√(h + eps)  (AdaGrad: rho 1, scale 1; RMSProp: scale 1 − rho) */
export function adaptive(w: usize, g: usize, h: usize, len: i32, lr: f32, rho: f32, scale: f32, eps: f32): void {
  const l = f32x4.splat(lr), r = f32x4.splat(rho), s = f32x4.splat(scale), e = f32x4.splat(eps);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const q = <usize>i << 2;
    const gv = v128.load(g + q);
    const hv = f32x4.add(f32x4.mul(r, v128.load(h + q)), f32x4.mul(s, f32x4.mul(gv, gv)));
    v128.store(h + q, hv);
    v128.store(w + q, f32x4.sub(v128.load(w + q), f32x4.div(f32x4.mul(l, gv), f32x4.sqrt(f32x4.add(hv, e)))));
  }
  for (; i < len; i++) {
    const q = <usize>i << 2;
    const gv = load<f32>(g + q);
    const hv = rho * load<f32>(h + q) + scale * gv * gv;
    store<f32>(h + q, hv);
    store<f32>(w + q, load<f32>(w + q) - (lr * gv) / Mathf.sqrt(hv + eps));
  }
}

/**
 * Adam: m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·g²;  w ← w − step·m / (√(v·vScale) + eps)
 * with step = lr / (1 − β1ᵗ) and vScale = 1 / (1 − β2ᵗ) computed by the caller, and 1 − β
 * passed in too (computed in f64: 1 − f32(0.999) is off by 1e-5 relative).
 */
export function adam(w: usize, g: usize, m: usize, v: usize, len: i32, step: f32, beta1: f32, beta2: f32, eps: f32, vScale: f32, oneMinusBeta1: f32, oneMinusBeta2: f32): void {
  const b1 = f32x4.splat(beta1), c1 = f32x4.splat(oneMinusBeta1);
  const b2 = f32x4.splat(beta2), c2 = f32x4.splat(oneMinusBeta2);
  const st = f32x4.splat(step), e = f32x4.splat(eps), vs = f32x4.splat(vScale);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const q = <usize>i << 2;
    const gv = v128.load(g + q);
    const mv = f32x4.add(f32x4.mul(b1, v128.load(m + q)), f32x4.mul(c1, gv));
    const vv = f32x4.add(f32x4.mul(b2, v128.load(v + q)), f32x4.mul(c2, f32x4.mul(gv, gv)));
    v128.store(m + q, mv);
    v128.store(v + q, vv);
    const denominator = f32x4.add(f32x4.sqrt(f32x4.mul(vv, vs)), e);
    v128.store(w + q, f32x4.sub(v128.load(w + q), f32x4.div(f32x4.mul(st, mv), denominator)));
  }
  for (; i < len; i++) {
    const q = <usize>i << 2;
    const gv = load<f32>(g + q);
    const mv = beta1 * load<f32>(m + q) + oneMinusBeta1 * gv;
    const vv = beta2 * load<f32>(v + q) + oneMinusBeta2 * gv * gv;
    store<f32>(m + q, mv);
    store<f32>(v + q, vv);
    store<f32>(w + q, load<f32>(w + q) - (step * mv) / (Mathf.sqrt(vv * vScale) + eps));
  }
}

/** dst[i] = src[i] / 255 for `len` bytes (pixels to 0..1; f32 division is correctly rounded). */
export function unitPixels(src: usize, dst: usize, len: i32): void {
  const scale = f32x4.splat(255);
  let i = 0;
  for (; i + 16 <= len; i += 16) {
    const bytes = v128.load(src + <usize>i);
    const lo = i16x8.extend_low_i8x16_u(bytes);
    const hi = i16x8.extend_high_i8x16_u(bytes);
    const q = dst + (<usize>i << 2);
    v128.store(q, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(lo)), scale), 0);
    v128.store(q, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(lo)), scale), 16);
    v128.store(q, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(hi)), scale), 32);
    v128.store(q, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(hi)), scale), 48);
  }
  for (; i < len; i++) store<f32>(dst + (<usize>i << 2), <f32>load<u8>(src + <usize>i) / 255);
}

// ---- Convolution and pooling (NHWC), see ../../reference.ts for the definitions ----

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
 * input (the first one on a tie), found again from x.
 */
export function maxPoolBackward(x: usize, g: usize, count: i32, geometry: usize, dx: usize): void {
  const H = load<i32>(geometry, 0), W = load<i32>(geometry, 4), C = load<i32>(geometry, 8);
  const size = load<i32>(geometry, 12), stride = load<i32>(geometry, 16);
  const outH = load<i32>(geometry, 20), outW = load<i32>(geometry, 24);
  const lineBytes = <usize>(W * C) << 2;
  memory.fill(dx, 0, <usize>(count * H * W * C) << 2);
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
              v128.store(q, f32x4.add(v128.load(q), v128.and(gv, hit)));
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

// ---- Batch normalisation over x[N, C] per channel (column) ----

const STAT_BLOCK: i32 = 256;

/**
 * Per-channel sums over the N rows of a[N, C]: out[c] = Σ_i a[i, c]·(b ? b[i, c] : 1),
 * or, with `center` non-zero, Σ_i (a[i, c] − center[c])². Four channels at a time in
 * float32 over blocks of 256 rows, the blocks added in float64.
 */
export function channelSums(a: usize, b: usize, center: usize, rows: i32, C: i32, out: usize): void {
  const rowBytes = <usize>C << 2;
  let c = 0;
  for (; c + 4 <= C; c += 4) {
    const cb = <usize>c << 2;
    let lo = f64x2.splat(0), hi = f64x2.splat(0);
    const mean = center ? v128.load(center + cb) : f32x4.splat(0);
    for (let i0 = 0; i0 < rows; i0 += STAT_BLOCK) {
      const i1 = min(i0 + STAT_BLOCK, rows);
      let s = f32x4.splat(0);
      for (let i = i0; i < i1; i++) {
        const at = <usize>i * rowBytes + cb;
        const v = v128.load(a + at);
        if (center) {
          const d = f32x4.sub(v, mean);
          s = madd(d, d, s);
        } else if (b) {
          s = madd(v, v128.load(b + at), s);
        } else {
          s = f32x4.add(s, v);
        }
      }
      lo = f64x2.add(lo, f64x2.promote_low_f32x4(s));
      hi = f64x2.add(hi, f64x2.promote_low_f32x4(i32x4.shuffle(s, s, 2, 3, 0, 1)));
    }
    store<f32>(out + cb, <f32>f64x2.extract_lane(lo, 0));
    store<f32>(out + cb, <f32>f64x2.extract_lane(lo, 1), 4);
    store<f32>(out + cb, <f32>f64x2.extract_lane(hi, 0), 8);
    store<f32>(out + cb, <f32>f64x2.extract_lane(hi, 1), 12);
  }
  for (; c < C; c++) {
    const cb = <usize>c << 2;
    const mean: f32 = center ? load<f32>(center + cb) : 0;
    let total: f64 = 0;
    for (let i = 0; i < rows; i++) {
      const at = <usize>i * rowBytes + cb;
      const v = load<f32>(a + at);
      if (center) total += <f64>((v - mean) * (v - mean));
      else total += b ? <f64>(v * load<f32>(b + at)) : <f64>v;
    }
    store<f32>(out + cb, <f32>total);
  }
}

/**
 * y = x·scale[c] + shift[c] per channel over x[N, C]; with `normalised` non-zero also
 * writes x̂ = (x − mean[c])·inverseStd[c] there and y = γ·x̂ + β, reading mean and
 * inverseStd from shift and scale and γ, β from gamma and beta.
 */
export function channelAffine(
  x: usize, y: usize, normalised: usize, rows: i32, C: i32, scale: usize, shift: usize, gamma: usize, beta: usize,
): void {
  const rowBytes = <usize>C << 2;
  for (let i = 0; i < rows; i++) {
    const row = <usize>i * rowBytes;
    let c = 0;
    for (; c + 4 <= C; c += 4) {
      const cb = <usize>c << 2;
      const v = v128.load(x + row + cb);
      if (normalised) {
        const h = f32x4.mul(f32x4.sub(v, v128.load(shift + cb)), v128.load(scale + cb));
        v128.store(normalised + row + cb, h);
        v128.store(y + row + cb, madd(h, v128.load(gamma + cb), v128.load(beta + cb)));
      } else {
        v128.store(y + row + cb, madd(v, v128.load(scale + cb), v128.load(shift + cb)));
      }
    }
    for (; c < C; c++) {
      const cb = <usize>c << 2;
      const v = load<f32>(x + row + cb);
      if (normalised) {
        const h = (v - load<f32>(shift + cb)) * load<f32>(scale + cb);
        store<f32>(normalised + row + cb, h);
        store<f32>(y + row + cb, h * load<f32>(gamma + cb) + load<f32>(beta + cb));
      } else {
        store<f32>(y + row + cb, v * load<f32>(scale + cb) + load<f32>(shift + cb));
      }
    }
  }
}

/** Batch norm's input gradient: dx = k[c]·(N·g − dβ[c] − x̂·dγ[c]) over g, x̂ [N, C]. */
export function batchNormBackward(g: usize, normalised: usize, dx: usize, rows: i32, C: i32, k: usize, dBeta: usize, dGamma: usize): void {
  const rowBytes = <usize>C << 2;
  const n = f32x4.splat(<f32>rows);
  for (let i = 0; i < rows; i++) {
    const row = <usize>i * rowBytes;
    let c = 0;
    for (; c + 4 <= C; c += 4) {
      const cb = <usize>c << 2;
      const inner = f32x4.sub(
        f32x4.sub(f32x4.mul(n, v128.load(g + row + cb)), v128.load(dBeta + cb)),
        f32x4.mul(v128.load(normalised + row + cb), v128.load(dGamma + cb)),
      );
      v128.store(dx + row + cb, f32x4.mul(v128.load(k + cb), inner));
    }
    for (; c < C; c++) {
      const cb = <usize>c << 2;
      const inner = <f32>rows * load<f32>(g + row + cb) - load<f32>(dBeta + cb) - load<f32>(normalised + row + cb) * load<f32>(dGamma + cb);
      store<f32>(dx + row + cb, load<f32>(k + cb) * inner);
    }
  }
}
