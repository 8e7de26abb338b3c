import { fastKernels } from './fast';
import type { Kernels } from './kernels';
import * as reference from './reference';
import { wasmKernels } from './wasm/memory';

/**
 * The hot loops of training, behind one table so a faster implementation can replace
 * the plain TypeScript one without the layers knowing. `reference/` defines each kernel
 * in plain loops, one file per concern; `wasm/assembly/` has a file of the same name
 * with the WebAssembly SIMD twin of each, and tests/engine/kernels checks they agree.
 *
 * The fast table (WebAssembly SIMD, see fast.ts) is active whenever it loads. Set
 * TEGAKI_KERNELS=reference to run the reference kernels instead, or TEGAKI_KERNELS=simd
 * to skip the relaxed-SIMD (fused multiply-add) build (wasm/memory.ts).
 */
export type { Kernels };

/** The WebAssembly kernels, or undefined where they cannot load. */
export const fast: Kernels | undefined = wasmKernels ? fastKernels(wasmKernels) : undefined;

const active: Kernels = fast ?? reference;

export function kernels(): Kernels {
  return active;
}

/** Which kernels run, for logs and the bench. */
export function describeKernels(): string {
  if (active === reference) return 'reference (TypeScript)';
  return `WebAssembly SIMD${wasmKernels?.relaxedSimd ? ' + relaxed (fused multiply-add)' : ''}`;
}

export { reference };
