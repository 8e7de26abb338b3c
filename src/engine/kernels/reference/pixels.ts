import type { FloatArray } from '../../tensor';

// MNIST bytes to network inputs, for training/batches.ts.
// Fast twin: ../wasm/assembly/pixels.ts.

/** Row r of `out` = image `images[r]` (its first `size` bytes) scaled to 0..1. */
export function unitPixels(images: readonly Uint8Array[], size: number, out: FloatArray): void {
  for (let r = 0; r < images.length; r++) {
    const image = images[r];
    const dst = r * size;
    for (let j = 0; j < size; j++) out[dst + j] = image[j] / 255;
  }
}
