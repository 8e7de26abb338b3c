import type { Param } from '../layers/layer';
import type { FloatArray } from '../tensor';
import { allocate, dtypeOf } from '../tensor';

/**
 * The base every optimiser shares (after tfjs-core's `*_optimizer.ts` and tinygrad's
 * `nn/optim.py`): `step` walks the parameters once per mini-batch and hands each one,
 * with its own state buffers, to the subclass's update rule.
 *
 * Gradients arrive already averaged over the batch and with weight decay added, so
 * every rule below is the textbook one with no 1/N factors. Each rule's loop is a
 * kernel (kernels/reference/optimizers.ts defines it; kernels/fast.ts runs it as WebAssembly SIMD).
 */
export abstract class Optimizer {
  /** Steps taken so far; Adam's bias correction needs it. */
  protected t = 0;
  private readonly state = new Map<Param, FloatArray[]>();

  constructor(public learningRate: number) {
    if (!(learningRate > 0 && Number.isFinite(learningRate))) {
      throw new RangeError(`learning rate must be a positive number, got ${learningRate}`);
    }
  }

  /** How many state buffers the size of a parameter the rule keeps (velocity, moments...). */
  protected abstract readonly stateSlots: number;

  protected abstract update(value: FloatArray, grad: FloatArray, state: FloatArray[]): void;

  step(params: readonly Param[]): void {
    this.t++;
    for (const p of params) {
      let s = this.state.get(p);
      if (!s) {
        s = Array.from({ length: this.stateSlots }, () => allocate(dtypeOf(p.value), p.value.length, 'kernel'));
        this.state.set(p, s);
      }
      this.update(p.value, p.grad, s);
    }
  }
}
