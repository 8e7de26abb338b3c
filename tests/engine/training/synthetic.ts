import type { Dataset } from '../../../src/engine/data/dataset';
import { Random } from '../../../src/engine/random';

/**
 * A tiny stand-in for MNIST so trainer tests take milliseconds: 6x6 images where
 * class k lights pixels k·3 .. k·3+5 brightly, on top of seeded noise.
 */
export function syntheticDigits(count: number, seed: number): Dataset {
  const random = new Random(seed);
  const rows = 6;
  const cols = 6;
  const images = new Uint8Array(count * rows * cols);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const label = random.int(10);
    labels[i] = label;
    for (let p = 0; p < rows * cols; p++) images[i * 36 + p] = random.int(60);
    for (let p = label * 3; p < label * 3 + 6; p++) images[i * 36 + p] = 200 + random.int(56);
  }
  return { images, labels, count, rows, cols };
}
