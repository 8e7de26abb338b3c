import { kernels } from '../kernels';
import type { FloatArray } from '../tensor';
import { Optimizer } from './optimizer';

/**
 * RMSProp (Tieleman & Hinton, 2012): AdaGrad with a leaky average so old gradients
 * are forgotten.  h ← ρ·h + (1 − ρ)·g²;  w ← w − η·g / √(h + ε).
 */
export class RMSProp extends Optimizer {
  protected readonly stateSlots = 1;

  constructor(
    learningRate: number,
    readonly rho = 0.9,
    readonly epsilon = 1e-7,
  ) {
    super(learningRate);
  }

  protected update(w: FloatArray, g: FloatArray, [h]: FloatArray[]): void {
    kernels().rmsProp(w, g, h, this.learningRate, this.rho, this.epsilon);
  }
}
