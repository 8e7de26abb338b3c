// Kernels: maxPool, maxPoolBackward; reference loops in ../kernels/reference/max-pool.ts.
import { kernels } from '../kernels';
import type { PoolGeometry } from '../kernels/reference/max-pool';
import type { DType, Matrix } from '../tensor';
import { reuse } from '../tensor';
import type { FeatureShape, LayerSpec } from '../model/spec';
import { convAxis } from '../model/spec';
import type { Layer, Param } from './layer';

type MaxPoolSpec = Extract<LayerSpec, { type: 'max-pool' }>;

/**
 * Max pooling over `size`x`size` windows moved by `stride` (default: `size`, so windows
 * do not overlap), per channel, no padding (a last row or column that does not fill a
 * window is dropped, as 'valid' pooling does):
 *
 *   Y[n, oy, ox, c] = max_{ky, kx < size} X[n, oy·s + ky, ox·s + kx, c]
 *
 * Backward sends each output's gradient to the input that was the maximum (the first
 * one on a tie). The notes' Pooling layer remembers arg_max; here backward finds it
 * again from the cached input, which is as fast as reading a stored index and needs no
 * integer buffer in the kernels' memory.
 *
 * Shapes: X [batch, H·W·C] -> Y [batch, H_out·W_out·C], NHWC.
 */
export class MaxPool2D implements Layer {
  readonly outputShape: FeatureShape;
  private readonly geometry: PoolGeometry;
  private input: Matrix | undefined;
  private output: Matrix | undefined;
  private gradInput: Matrix | undefined;

  constructor(
    readonly spec: MaxPoolSpec,
    readonly inputShape: FeatureShape,
    private readonly dtype: DType = 'float32',
  ) {
    const stride = spec.stride ?? spec.size;
    const rows = convAxis(inputShape.height, spec.size, stride, 'valid');
    const cols = convAxis(inputShape.width, spec.size, stride, 'valid');
    this.outputShape = { height: rows.out, width: cols.out, channels: inputShape.channels };
    this.geometry = { ...inputShape, size: spec.size, stride, outHeight: rows.out, outWidth: cols.out };
  }

  forward(input: Matrix, _training: boolean): Matrix {
    const { height, width, channels } = this.outputShape;
    this.input = input;
    this.output = reuse(this.output, input.rows, height * width * channels, this.dtype);
    kernels().maxPool(input.data, input.rows, this.geometry, this.output.data);
    return this.output;
  }

  backward(gradOutput: Matrix): Matrix {
    const input = this.input;
    if (!input) throw new Error('MaxPool2D.backward called before forward');
    this.gradInput = reuse(this.gradInput, input.rows, input.cols, this.dtype);
    kernels().maxPoolBackward(input.data, gradOutput.data, input.rows, this.geometry, this.gradInput.data);
    return this.gradInput;
  }

  params(): Param[] {
    return [];
  }
}
