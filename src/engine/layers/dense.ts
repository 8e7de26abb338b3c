// Kernels: affine, matmulTransA, matmulTransB, sumRows; reference loops in ../kernels/reference/matmul.ts.
import { kernels } from '../kernels';
import type { DType, Matrix } from '../tensor';
import { allocate, reuse } from '../tensor';
import type { LayerSpec } from '../model/spec';
import type { Random } from '../random';
import { initialise } from './init';
import type { Layer, Param } from './layer';

type DenseSpec = Extract<LayerSpec, { type: 'dense' }>;

/**
 * Fully connected (affine) layer: Y = X·W + b.
 *
 * Shapes: X [batch, in], W [in, out], b [out] -> Y [batch, out].
 * Backward: dW = Xᵀ·dY, db = Σ_batch dY, dX = dY·Wᵀ (the notes' Affine layer).
 */
export class Dense implements Layer {
  readonly weights: Param;
  readonly bias: Param;
  private input: Matrix | undefined;
  private output: Matrix | undefined;
  private gradInput: Matrix | undefined;

  constructor(
    readonly spec: DenseSpec,
    readonly inputSize: number,
    name: string,
    random: Random,
    private readonly dtype: DType = 'float32',
  ) {
    const units = spec.units;
    this.weights = {
      name: `${name}.W`,
      shape: [inputSize, units],
      value: allocate(dtype, inputSize * units, 'kernel'),
      grad: allocate(dtype, inputSize * units, 'kernel'),
      regularised: true,
    };
    this.bias = {
      name: `${name}.b`,
      shape: [units],
      value: allocate(dtype, units, 'kernel'),
      grad: allocate(dtype, units, 'kernel'),
      regularised: false,
    };
    initialise(this.weights.value, this.bias.value, spec.init, inputSize, units, random);
  }

  forward(input: Matrix, _training: boolean): Matrix {
    const units = this.spec.units;
    this.input = input;
    this.output = reuse(this.output, input.rows, units, this.dtype);
    kernels().affine(
      input.data,
      this.weights.value,
      this.bias.value,
      this.output.data,
      input.rows,
      this.inputSize,
      units,
    );
    return this.output;
  }

  backward(gradOutput: Matrix, needInputGradient = true): Matrix {
    const input = this.input;
    if (!input) throw new Error('Dense.backward called before forward');
    const units = this.spec.units;
    const k = kernels();
    k.matmulTransA(input.data, gradOutput.data, this.weights.grad, this.inputSize, input.rows, units);
    k.sumRows(gradOutput.data, this.bias.grad, input.rows, units);
    this.gradInput = reuse(this.gradInput, input.rows, this.inputSize, this.dtype);
    if (!needInputGradient) return this.gradInput;
    k.matmulTransB(gradOutput.data, this.weights.value, this.gradInput.data, input.rows, units, this.inputSize);
    return this.gradInput;
  }

  params(): Param[] {
    return [this.weights, this.bias];
  }
}
