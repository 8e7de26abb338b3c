import type { FloatArray } from '../../tensor';

// MNIST bytes to network inputs, for training/batches.ts.
// Fast twin: ../wasm/assembly/pixels.ts.

/** Row r of `out` = image indices[r] of `images` (`size` bytes each) scaled to 0..1. */
export function unitPixels(images: Uint8Array, indices: ArrayLike<number>, size: number, out: FloatArray): void {
  for (let r = 0; r < indices.length; r++) {
    const src = indices[r] * size;
    const dst = r * size;
    for (let j = 0; j < size; j++) out[dst + j] = images[src + j] / 255;
  }
}
