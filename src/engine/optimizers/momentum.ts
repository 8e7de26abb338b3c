import { kernels } from '../kernels';
import type { FloatArray } from '../tensor';
import { Optimizer } from './optimizer';

/** Momentum, as the notes write it: v ← α·v − η·g;  w ← w + v. */
export class Momentum extends Optimizer {
  protected readonly stateSlots = 1;

  constructor(
    learningRate: number,
    readonly momentum = 0.9,
  ) {
    super(learningRate);
  }

  protected update(w: FloatArray, g: FloatArray, [v]: FloatArray[]): void {
    kernels().momentum(w, g, v, this.learningRate, this.momentum);
  }
}
