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

  /** What createOptimizer made it from: enough to make its mirror on another thread. */
  spec: OptimizerSpec | undefined;

  step(params: readonly Param[]): void {
    this.t++;
    for (const p of params) this.update(p.value, p.grad, this.stateOf(p));
  }

  /**
   * Steps taken so far. Data-parallel training counts a step here, then runs its update a
   * range at a time on every thread (`updateRange`), each thread's mirror set to the same count.
   */
  get steps(): number {
    return this.t;
  }
  set steps(t: number) {
    this.t = t;
  }

  /** Views of entries [from, to) of `p` and of its state, made once for a range updated step after step. */
  rangeOf(p: Param, from: number, to: number): ParamRange {
    return {
      value: p.value.subarray(from, to),
      grad: p.grad.subarray(from, to),
      state: this.stateOf(p).map((s) => s.subarray(from, to)),
    };
  }

  /**
   * The current step's rule on a range of a parameter only (`rangeOf`): what `step` does to
   * those entries, bit for bit, since every rule is elementwise (and its kernel's vector
   * loop meets the same entries when the range starts at a multiple of 8).
   */
  updateRange(range: ParamRange): void {
    this.update(range.value, range.grad, range.state);
  }

  /** The rule's state buffers for `p` (zeros in kernel memory at first). */
  stateOf(p: Param): FloatArray[] {
    let s = this.state.get(p);
    if (!s) {
      s = Array.from({ length: this.stateSlots }, () => allocate(dtypeOf(p.value), p.value.length, 'kernel'));
      this.state.set(p, s);
    }
    return s;
  }

  /** Makes `state` p's state buffers: a mirror on another thread works on the calling thread's. */
  adoptState(p: Param, state: FloatArray[]): void {
    if (state.length !== this.stateSlots || state.some((s) => s.length !== p.value.length))
      throw new RangeError(`${p.name}: expected ${this.stateSlots} state buffers of ${p.value.length} floats`);
    this.state.set(p, state);
  }
}

/** Entries [from, to) of a parameter's value and gradient and of its optimiser state, as views. */
export interface ParamRange {
  value: FloatArray;
  grad: FloatArray;
  state: FloatArray[];
}

export type OptimizerKind = 'sgd' | 'momentum' | 'nesterov' | 'adagrad' | 'rmsprop' | 'adam';

export interface OptimizerSpec {
  kind: OptimizerKind;
  learningRate: number;
  /** Momentum and Nesterov's α (default 0.9). */
  momentum?: number;
  /** Adam's β1, β2 (defaults 0.9, 0.999). */
  beta1?: number;
  beta2?: number;
  /** RMSProp's decay ρ (default 0.9). */
  rho?: number;
}
