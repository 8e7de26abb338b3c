import { kernels } from '../kernels';
import type { FloatArray } from '../tensor';
import { Optimizer } from './optimizer';

/** AdaGrad, as the notes write it: h ← h + g²;  w ← w − η·g / √(h + ε), ε = 1e-7. */
export class AdaGrad extends Optimizer {
  protected readonly stateSlots = 1;

  constructor(
    learningRate: number,
    readonly epsilon = 1e-7,
  ) {
    super(learningRate);
  }

  protected update(w: FloatArray, g: FloatArray, [h]: FloatArray[]): void {
    kernels().adaGrad(w, g, h, this.learningRate, this.epsilon);
  }
}
