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
 * one on a tie), remembered during forward (the notes' Pooling layer keeps arg_max).
 *
 * Shapes: X [batch, H·W·C] -> Y [batch, H_out·W_out·C], NHWC.
 */
export class MaxPool2D implements Layer {
  readonly outputShape: FeatureShape;
  private readonly stride: number;
  private output: Matrix | undefined;
  private gradInput: Matrix | undefined;
  /** For each output entry, the index into the input that was the maximum. */
  private argmax: Int32Array = new Int32Array(0);
  private inputRows = 0;

  constructor(
    readonly spec: MaxPoolSpec,
    readonly inputShape: FeatureShape,
    private readonly dtype: DType = 'float32',
  ) {
    this.stride = spec.stride ?? spec.size;
    const rows = convAxis(inputShape.height, spec.size, this.stride, 'valid');
    const cols = convAxis(inputShape.width, spec.size, this.stride, 'valid');
    this.outputShape = { height: rows.out, width: cols.out, channels: inputShape.channels };
  }

  forward(input: Matrix, _training: boolean): Matrix {
    const { height: H, width: W, channels: C } = this.inputShape;
    const { height: outH, width: outW } = this.outputShape;
    const size = this.spec.size;
    const stride = this.stride;
    const batch = input.rows;
    const outPerSample = outH * outW * C;
    this.inputRows = batch;
    this.output = reuse(this.output, batch, outPerSample, this.dtype);
    if (this.argmax.length < batch * outPerSample) this.argmax = new Int32Array(batch * outPerSample);
    const x = input.data;
    const y = this.output.data;
    const argmax = this.argmax;
    let o = 0;
    for (let n = 0; n < batch; n++) {
      const sample = n * H * W * C;
      for (let oy = 0; oy < outH; oy++) {
        for (let ox = 0; ox < outW; ox++) {
          const corner = sample + (oy * stride * W + ox * stride) * C;
          for (let c = 0; c < C; c++) {
            let best = corner + c;
            let max = x[best];
            for (let ky = 0; ky < size; ky++) {
              const line = corner + ky * W * C + c;
              for (let kx = 0; kx < size; kx++) {
                const at = line + kx * C;
                if (x[at] > max) {
                  max = x[at];
                  best = at;
                }
              }
            }
            y[o] = max;
            argmax[o] = best;
            o++;
          }
        }
      }
    }
    return this.output;
  }

  backward(gradOutput: Matrix): Matrix {
    if (!this.output) throw new Error('MaxPool2D.backward called before forward');
    const batch = this.inputRows;
    const inPerSample = this.inputShape.height * this.inputShape.width * this.inputShape.channels;
    this.gradInput = reuse(this.gradInput, batch, inPerSample, this.dtype);
    const dx = this.gradInput.data;
    const g = gradOutput.data;
    const argmax = this.argmax;
    dx.fill(0, 0, batch * inPerSample);
    const total = gradOutput.rows * gradOutput.cols;
    for (let o = 0; o < total; o++) dx[argmax[o]] += g[o];
    return this.gradInput;
  }

  params(): Param[] {
    return [];
  }
}
