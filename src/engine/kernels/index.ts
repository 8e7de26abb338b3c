import * as reference from './reference';

/**
 * The hot loops of training, behind one table so a faster implementation can replace
 * the plain TypeScript one without the layers knowing. Every replacement is tested
 * against `reference` (tests/engine/kernels).
 */
export type Kernels = typeof reference;

let active: Kernels = reference;

export function kernels(): Kernels {
  return active;
}

export function useKernels(next: Kernels): void {
  active = next;
}

export { reference };
