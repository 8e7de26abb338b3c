import { kernels } from '../kernels';
import type { FloatArray } from '../tensor';
import { Optimizer } from './optimizer';

/**
 * Adam (Kingma & Ba, 2015, Algorithm 1):
 *
 *   m ← β1·m + (1 − β1)·g;   v ← β2·v + (1 − β2)·g²
 *   w ← w − η·m̂ / (√v̂ + ε),  m̂ = m / (1 − β1ᵗ),  v̂ = v / (1 − β2ᵗ)
 */
export class Adam extends Optimizer {
  protected readonly stateSlots = 2;

  constructor(
    learningRate: number,
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
    readonly epsilon = 1e-8,
  ) {
    super(learningRate);
  }

  protected update(w: FloatArray, g: FloatArray, [m, v]: FloatArray[]): void {
    kernels().adam(w, g, m, v, this.learningRate, this.beta1, this.beta2, this.epsilon, this.t);
  }
}
