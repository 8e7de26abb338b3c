import { fastKernels } from './fast';
import * as reference from './reference';
import { wasmKernels } from './wasm/memory';

/**
 * The hot loops of training, behind one table so a faster implementation can replace
 * the plain TypeScript one without the layers knowing. Every replacement is tested
 * against `reference` (tests/engine/kernels).
 *
 * The fast table (WebAssembly SIMD, see fast.ts) is active whenever it loads; set
 * TEGAKI_KERNELS=reference to run the reference kernels instead.
 */
export type Kernels = typeof reference;

/** The WebAssembly kernels, or undefined where they cannot load. */
export const fast: Kernels | undefined = wasmKernels ? fastKernels(wasmKernels) : undefined;

let active: Kernels = fast ?? reference;

export function kernels(): Kernels {
  return active;
}

export function useKernels(next: Kernels): void {
  active = next;
}

/** Which kernels run, for logs and the bench. */
export function describeKernels(): string {
  if (active === reference) return 'reference (TypeScript)';
  if (active === fast) return `WebAssembly SIMD${wasmKernels?.relaxedSimd ? ' + relaxed (fused multiply-add)' : ''}`;
  return 'custom';
}

export { reference };
