import { kernels } from '../kernels';
import type { FloatArray } from '../tensor';
import { Optimizer } from './optimizer';

/** Plain gradient descent: w ← w − η·g (the notes' W ← W − (ε/N)·D·zᵀ). */
export class SGD extends Optimizer {
  protected readonly stateSlots = 0;

  protected update(w: FloatArray, g: FloatArray): void {
    kernels().sgd(w, g, this.learningRate);
  }
}
