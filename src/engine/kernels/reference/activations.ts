import type { FloatArray } from '../../tensor';

// Leaky ReLU (ReLU when α = 0) and its gradient, for layers/activations.ts.
// Fast twin: ../wasm/assembly/activations.ts.

/** y = x > 0 ? x : α·x over the first `length` entries (α = 0 is ReLU). */
export function leakyRelu(x: FloatArray, y: FloatArray, length: number, alpha: number): void {
  for (let i = 0; i < length; i++) y[i] = x[i] > 0 ? x[i] : alpha === 0 ? 0 : alpha * x[i];
}

/** dx = g · (x > 0 ? 1 : α)   (the input x, not the output, decides) */
export function leakyReluBackward(x: FloatArray, g: FloatArray, dx: FloatArray, length: number, alpha: number): void {
  for (let i = 0; i < length; i++) dx[i] = x[i] > 0 ? g[i] : alpha === 0 ? 0 : alpha * g[i];
}
