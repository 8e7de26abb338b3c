/**
 * The plain TypeScript kernels: the definition every faster kernel is tested against
 * (tests/engine/kernels). One file per concern; each has a twin of the same name in
 * ../wasm/assembly whose exports carry the same names.
 */
export * from './matmul';
export * from './activations';
export * from './softmax-cross-entropy';
export * from './optimizers';
export * from './pixels';
export * from './conv';
export * from './max-pool';
export * from './batch-norm';
