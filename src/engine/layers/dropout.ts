import type { DType, Matrix } from '../tensor';
import { reuse } from '../tensor';
import type { LayerSpec } from '../model/spec';
import type { Random } from '../random';
import type { Layer, Param } from './layer';

/**
 * Inverted dropout: while training, each unit is zeroed with probability `rate` and
 * survivors are scaled by 1 / (1 - rate); at inference it is the identity.
 *
 * The notes' version keeps survivors unscaled and multiplies by (1 - rate) at test
 * time instead. Both give the same expected activation; scaling during training means
 * a saved model needs no special case at inference.
 */
export class Dropout implements Layer {
  private mask: Matrix | undefined;
  private output: Matrix | undefined;
  private gradInput: Matrix | undefined;
  private readonly rate: number;

  constructor(
    readonly spec: Extract<LayerSpec, { type: 'dropout' }>,
    private readonly random: Random,
    private readonly dtype: DType,
  ) {
    if (!(spec.rate >= 0 && spec.rate < 1)) throw new RangeError(`dropout rate must be in [0, 1), got ${spec.rate}`);
    this.rate = spec.rate;
  }

  forward(input: Matrix, training: boolean): Matrix {
    if (!training || this.rate === 0) {
      this.mask = undefined;
      return input;
    }
    const n = input.rows * input.cols;
    this.mask = reuse(this.mask, input.rows, input.cols, this.dtype);
    this.output = reuse(this.output, input.rows, input.cols, this.dtype);
    const keepScale = 1 / (1 - this.rate);
    const mask = this.mask.data;
    const y = this.output.data;
    const x = input.data;
    for (let i = 0; i < n; i++) {
      mask[i] = this.random.next() >= this.rate ? keepScale : 0;
      y[i] = x[i] * mask[i];
    }
    return this.output;
  }

  backward(gradOutput: Matrix): Matrix {
    if (!this.mask) return gradOutput;
    this.gradInput = reuse(this.gradInput, gradOutput.rows, gradOutput.cols, this.dtype);
    const g = gradOutput.data;
    const m = this.mask.data;
    const dx = this.gradInput.data;
    for (let i = 0; i < g.length && i < dx.length; i++) dx[i] = g[i] * m[i];
    return this.gradInput;
  }

  params(): Param[] {
    return [];
  }
}
