import { kernels } from '../kernels';
import type { FloatArray } from '../tensor';
import { Optimizer } from './optimizer';

/**
 * Nesterov momentum in the form that needs no look-ahead evaluation
 * (Bengio et al. 2012; also Keras/PyTorch): with v ← α·v − η·g,
 *
 *   w ← w + α·v − η·g
 *
 * i.e. the step momentum would take next, plus the current gradient step.
 */
export class Nesterov extends Optimizer {
  protected readonly stateSlots = 1;

  constructor(
    learningRate: number,
    readonly momentum = 0.9,
  ) {
    super(learningRate);
  }

  protected update(w: FloatArray, g: FloatArray, [v]: FloatArray[]): void {
    kernels().nesterov(w, g, v, this.learningRate, this.momentum);
  }
}
