import { kernelFloat32 } from './kernels/wasm/memory';

/**
 * The engine's one data structure: a row-major matrix over a typed array.
 *
 * A batch is always `[batch, features]`: row i is sample i. Float32 is what the app
 * trains and ships; float64 exists so gradient checks can reach ~1e-10 agreement
 * (the study notes' check ran in float64 and saw differences near 1e-12).
 */
export type FloatArray = Float32Array | Float64Array;
export type DType = 'float32' | 'float64';

export interface Matrix {
  rows: number;
  cols: number;
  data: FloatArray;
}

/**
 * Where a float32 buffer lives. 'kernel': inside the fast kernels' WebAssembly memory
 * (kernels/wasm/memory.ts), where they read and write it in place; for buffers the
 * engine owns (weights, gradients, optimiser state, layer outputs, batches). 'heap': an
 * ordinary array; for anything handed to callers, because a structured clone
 * (postMessage) of a kernel-memory view copies the whole memory. float64 is always heap.
 */
export type Placement = 'heap' | 'kernel';

export function allocate(dtype: DType, length: number, placement: Placement = 'heap'): FloatArray {
  if (dtype === 'float64') return new Float64Array(length);
  return (placement === 'kernel' ? kernelFloat32(length) : undefined) ?? new Float32Array(length);
}

export function dtypeOf(array: FloatArray): DType {
  return array instanceof Float64Array ? 'float64' : 'float32';
}

export function matrix(rows: number, cols: number, dtype: DType = 'float32', placement: Placement = 'heap'): Matrix {
  return { rows, cols, data: allocate(dtype, rows * cols, placement) };
}

export function fromRows(rows: number[][], dtype: DType = 'float32'): Matrix {
  const cols = rows[0]?.length ?? 0;
  const out = matrix(rows.length, cols, dtype);
  rows.forEach((row, i) => out.data.set(row, i * cols));
  return out;
}

/** The allocation each view `reuse` hands out is the start of, kept alive as long as the view. */
const allocations = new WeakMap<FloatArray, FloatArray>();

/**
 * Returns `m` if it already has the wanted shape, else a matrix over the first rows·cols
 * values of `m`'s allocation when that is large enough, else a fresh one. Layers keep
 * their output buffers between steps so a training loop allocates nothing per step, and
 * an epoch's short last batch (or a smaller evaluation pass) writes into the buffers it
 * already has: a fresh set would touch new kernel memory (kernels/wasm/memory.ts), and
 * the old one is only returned when the garbage collector gets to it, which a loop that
 * makes little garbage may never ask for. These buffers live in kernel memory.
 */
export function reuse(m: Matrix | undefined, rows: number, cols: number, dtype: DType): Matrix {
  if (m && m.rows === rows && m.cols === cols && dtypeOf(m.data) === dtype) return m;
  const held = m && (allocations.get(m.data) ?? m.data);
  if (held && dtypeOf(held) === dtype && held.length >= rows * cols) {
    const data = held.subarray(0, rows * cols);
    allocations.set(data, held);
    return { rows, cols, data };
  }
  return matrix(rows, cols, dtype, 'kernel');
}
