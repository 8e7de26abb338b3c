/**
 * The fast kernels, in AssemblyScript: the entry file that `npm run build:kernels`
 * (scripts/build-kernels.mjs) compiles to WebAssembly SIMD into ../kernels.wasm.ts.
 *
 * One file per concern, each the twin of the file of the same name in ../../reference,
 * whose plain TypeScript defines what it computes; an export here has the same name as
 * its reference twin, and tests/engine/kernels checks the two agree. The only exports
 * without a twin are `heapBase` and the `...Scratch` sizes the TS glue (../../fast.ts)
 * reserves before a call.
 *
 * Every function takes byte offsets into the one imported memory, which ../memory.ts
 * owns; nothing here allocates. f32x4 SIMD everywhere, with a fused multiply-add when
 * the engine supports relaxed SIMD (simd.ts; a second build without it is the fallback).
 */

/** First byte the JS side may use: everything below belongs to the compiler's static data. */
export function heapBase(): usize {
  return __heap_base;
}

export * from './matmul';
export * from './activations';
export * from './softmax-cross-entropy';
export * from './optimizers';
export * from './pixels';
export * from './conv';
export * from './max-pool';
export * from './batch-norm';
