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
    const lr = this.learningRate;
    for (let i = 0; i < w.length; i++) {
      h[i] += g[i] * g[i];
      w[i] -= (lr * g[i]) / Math.sqrt(h[i] + this.epsilon);
    }
  }
}
