import type * as reference from './reference';

/** The kernel table's shape: what the reference kernels define, and every faster twin must match. */
export type Kernels = typeof reference;
