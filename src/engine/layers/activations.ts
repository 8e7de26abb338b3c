// Kernels (the ReLUs): leakyRelu, leakyReluBackward; reference loops in ../kernels/reference/activations.ts.
import { kernels } from '../kernels';
import type { DType, Matrix } from '../tensor';
import { reuse } from '../tensor';
import type { LayerSpec } from '../model/spec';
import type { Layer, Param } from './layer';

/**
 * Element-wise activations. Each caches what its derivative needs:
 * the output for sigmoid and tanh (f' is a function of f), the input for the ReLUs.
 *
 *   relu(u) = max(0, u)                 relu'(u) = [u > 0]
 *   leaky(u) = u > 0 ? u : αu            leaky'(u) = u > 0 ? 1 : α
 *   sigmoid(u) = 1 / (1 + e^-u)          sigmoid' = s(1 - s)
 *   tanh(u)                              tanh' = 1 - t²
 *
 * Shapes: [batch, n] -> [batch, n].
 */
abstract class Elementwise implements Layer {
  protected input: Matrix | undefined;
  protected output: Matrix | undefined;
  protected gradInput: Matrix | undefined;

  constructor(
    readonly spec: LayerSpec,
    protected readonly dtype: DType,
  ) {}

  forward(input: Matrix, _training: boolean): Matrix {
    this.input = input;
    this.output = reuse(this.output, input.rows, input.cols, this.dtype);
    const x = input.data;
    const y = this.output.data;
    for (let i = 0; i < input.rows * input.cols; i++) y[i] = this.apply(x[i]);
    return this.output;
  }

  backward(gradOutput: Matrix): Matrix {
    if (!this.input || !this.output) throw new Error(`${this.spec.type}.backward called before forward`);
    this.gradInput = reuse(this.gradInput, gradOutput.rows, gradOutput.cols, this.dtype);
    const g = gradOutput.data;
    const x = this.input.data;
    const y = this.output.data;
    const dx = this.gradInput.data;
    for (let i = 0; i < gradOutput.rows * gradOutput.cols; i++) dx[i] = g[i] * this.derivative(x[i], y[i]);
    return this.gradInput;
  }

  params(): Param[] {
    return [];
  }

  protected abstract apply(u: number): number;
  /** f'(u), given both the input u and the output f(u). */
  protected abstract derivative(u: number, fu: number): number;
}

/** The ReLU family runs as kernels (SIMD where available); α = 0 is plain ReLU. */
export class LeakyReLU extends Elementwise {
  constructor(
    spec: LayerSpec,
    dtype: DType,
    readonly alpha = 0.01,
  ) {
    super(spec, dtype);
  }

  override forward(input: Matrix, _training: boolean): Matrix {
    this.input = input;
    this.output = reuse(this.output, input.rows, input.cols, this.dtype);
    kernels().leakyRelu(input.data, this.output.data, input.rows * input.cols, this.alpha);
    return this.output;
  }

  override backward(gradOutput: Matrix): Matrix {
    if (!this.input) throw new Error(`${this.spec.type}.backward called before forward`);
    this.gradInput = reuse(this.gradInput, gradOutput.rows, gradOutput.cols, this.dtype);
    kernels().leakyReluBackward(
      this.input.data,
      gradOutput.data,
      this.gradInput.data,
      gradOutput.rows * gradOutput.cols,
      this.alpha,
    );
    return this.gradInput;
  }

  protected apply(u: number): number {
    return u > 0 ? u : this.alpha * u;
  }
  protected derivative(u: number): number {
    return u > 0 ? 1 : this.alpha;
  }
}

export class ReLU extends LeakyReLU {
  constructor(spec: LayerSpec, dtype: DType) {
    super(spec, dtype, 0);
  }
}

export class Sigmoid extends Elementwise {
  protected apply(u: number): number {
    // Split by sign so e^-u never overflows for very negative u.
    if (u >= 0) return 1 / (1 + Math.exp(-u));
    const e = Math.exp(u);
    return e / (1 + e);
  }
  protected derivative(_u: number, s: number): number {
    return s * (1 - s);
  }
}

export class Tanh extends Elementwise {
  protected apply(u: number): number {
    return Math.tanh(u);
  }
  protected derivative(_u: number, t: number): number {
    return 1 - t * t;
  }
}
