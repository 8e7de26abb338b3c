// Sparse rows: what the matrix products and the convolutions share. Not an entry
// point of its own (index.ts does not re-export it): these are helpers without twins.

import { madd } from './simd';

/**
 * For each 4-bit mask of non-zero lanes, the i8x16.swizzle pattern that moves those
 * lanes (4 bytes each), in order, to the front; the other lanes read 0 (index 0x80).
 */
const COMPRESS = memory.data<u8>([
  128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128,
  0, 1, 2, 3, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128,
  4, 5, 6, 7, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128,
  0, 1, 2, 3, 4, 5, 6, 7, 128, 128, 128, 128, 128, 128, 128, 128,
  8, 9, 10, 11, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128,
  0, 1, 2, 3, 8, 9, 10, 11, 128, 128, 128, 128, 128, 128, 128, 128,
  4, 5, 6, 7, 8, 9, 10, 11, 128, 128, 128, 128, 128, 128, 128, 128,
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 128, 128, 128, 128,
  12, 13, 14, 15, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128,
  0, 1, 2, 3, 12, 13, 14, 15, 128, 128, 128, 128, 128, 128, 128, 128,
  4, 5, 6, 7, 12, 13, 14, 15, 128, 128, 128, 128, 128, 128, 128, 128,
  0, 1, 2, 3, 4, 5, 6, 7, 12, 13, 14, 15, 128, 128, 128, 128,
  8, 9, 10, 11, 12, 13, 14, 15, 128, 128, 128, 128, 128, 128, 128, 128,
  0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 128, 128, 128, 128,
  4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 128, 128, 128, 128,
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
], 16);

/**
 * Writes the non-zeros of row[0..len) as (index · scale, value) pairs to off/val and
 * returns how many, in order. Four at a time without a branch: the group's mask of
 * non-zero lanes picks a swizzle that packs those lanes' values (and indices) to the
 * front, all four lanes are stored at the list's end and the count advances by the
 * mask's population, so the next group overwrites the rest. The stores stay within
 * `len` entries (the count never passes the group's own start). off/val need room for
 * `len` entries.
 *
 * Sixteen floats whose bits are all zero are passed over in one test: an MNIST image's
 * zeros come in runs (its border, the space around the stroke), and skipping them halved
 * the compaction of a batch of them.
 */
export function compactRow(row: usize, len: i32, scale: i32, off: usize, val: usize): i32 {
  let count = 0;
  let p = 0;
  const step = i32x4.splat(scale << 2);
  const block = i32x4.splat(scale << 4);
  let index = i32x4(0, scale, scale << 1, scale * 3);
  for (; p + 16 <= len; p += 16) {
    const q = row + (<usize>p << 2);
    const v0 = v128.load(q, 0), v1 = v128.load(q, 16), v2 = v128.load(q, 32), v3 = v128.load(q, 48);
    // Bits, not values: a -0 does not skip its block, and its group lists nothing for it.
    if (!v128.any_true(v128.or(v128.or(v0, v1), v128.or(v2, v3)))) {
      index = i32x4.add(index, block);
      continue;
    }
    count = compactGroup(v0, index, count, off, val);
    index = i32x4.add(index, step);
    count = compactGroup(v1, index, count, off, val);
    index = i32x4.add(index, step);
    count = compactGroup(v2, index, count, off, val);
    index = i32x4.add(index, step);
    count = compactGroup(v3, index, count, off, val);
    index = i32x4.add(index, step);
  }
  for (; p + 4 <= len; p += 4) {
    count = compactGroup(v128.load(row + (<usize>p << 2)), index, count, off, val);
    index = i32x4.add(index, step);
  }
  for (; p < len; p++) {
    const x = load<f32>(row + (<usize>p << 2));
    store<i32>(off + (<usize>count << 2), p * scale);
    store<f32>(val + (<usize>count << 2), x);
    count += i32(x != 0);
  }
  return count;
}

/** One group of compactRow: appends v's non-zero lanes and their indices at `count`; returns the new count. */
// @ts-ignore: decorator
@inline
function compactGroup(v: v128, index: v128, count: i32, off: usize, val: usize): i32 {
  const mask = i32x4.bitmask(f32x4.ne(v, f32x4.splat(0)));
  const pattern = v128.load(COMPRESS + (<usize>mask << 4));
  const at = <usize>count << 2;
  v128.store(val + at, i8x16.swizzle(v, pattern));
  v128.store(off + at, i8x16.swizzle(index, pattern));
  return count + popcnt<i32>(mask);
}

/**
 * One output row from a compacted list: crow[j] = bias[j] + Σ_t val[t] · B[row t][j],
 * where off[t] is the byte offset of row t of B. Terms are added in list order.
 */
export function sparseRow(off: usize, val: usize, count: i32, b: usize, bias: usize, crow: usize, n: i32): void {
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

/**
 * Non-zero entries among `len` floats at `x`; or, once more than `limit` are found, some
 * count above `limit` (the rest unread: enough for a caller that only compares).
 */
export function countNonZero(x: usize, len: i32, limit: i32 = i32.MAX_VALUE): i32 {
  let count = 0;
  let i = 0;
  const zero = f32x4.splat(0);
  // ne gives -1 per non-zero lane: subtracting it counts per lane, summed once a block.
  while (i + 4 <= len && count <= limit) {
    const end = min(len & ~3, i + 4096);
    let lanes = i32x4.splat(0);
    for (; i < end; i += 4) lanes = i32x4.sub(lanes, f32x4.ne(v128.load(x + (<usize>i << 2)), zero));
    count += i32x4.extract_lane(lanes, 0) + i32x4.extract_lane(lanes, 1) + i32x4.extract_lane(lanes, 2) + i32x4.extract_lane(lanes, 3);
  }
  if (count > limit) return count;
  for (; i < len; i++) if (load<f32>(x + (<usize>i << 2)) != 0) count++;
  return count;
}
