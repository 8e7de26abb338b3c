// Kernels: conv2d, conv2dFilterGradient, conv2dInputGradient (reference loops in
// ../kernels/reference/conv.ts: im2col and the matrix products of ../kernels/reference/matmul.ts),
// and sumRows for the bias.
import { kernels } from '../kernels';
import type { ConvGeometry } from '../kernels/reference/conv';
import type { DType, Matrix } from '../tensor';
import { allocate, reuse } from '../tensor';
import type { FeatureShape, LayerSpec, Padding } from '../model/spec';
import { convAxis } from '../model/spec';
import type { Random } from '../random';
import { initialise } from './init';
import type { Layer, Param } from './layer';

type ConvSpec = Extract<LayerSpec, { type: 'conv2d' }>;

/** What the conv kernels are told of a k×k window moving by `stride` over `input` with `padding`. */
export function convGeometry(input: FeatureShape, kernel: number, stride: number, padding: Padding): ConvGeometry {
  const rows = convAxis(input.height, kernel, stride, padding);
  const cols = convAxis(input.width, kernel, stride, padding);
  const { height, width, channels } = input;
  return {
    height,
    width,
    channels,
    kernel,
    stride,
    padTop: rows.padBefore,
    padLeft: cols.padBefore,
    outHeight: rows.out,
    outWidth: cols.out,
  };
}

/**
 * 2-D convolution (cross-correlation, as every framework computes it) by im2col and
 * one matrix multiply (the notes' Convolution layer, channels-last):
 *
 *   Y[n, oy, ox, f] = b[f] + Σ_{ky, kx, c} X[n, oy·s + ky − pad, ox·s + kx − pad, c] · W[ky, kx, c, f]
 *
 * im2col lays every receptive field out as one row, so with K = k·k·C_in:
 *
 *   cols [batch·H_out·W_out, K] · W [K, F] + b  ->  Y [batch·H_out·W_out, F]
 *
 * which is Y [batch, H_out·W_out·F] in NHWC with no transpose. Backward is Dense's on
 * those matrices: dW = colsᵀ·dY, db = Σ dY, dcols = dY·Wᵀ, and col2im adds each dcols
 * entry back onto the input pixel it was copied from. The reference kernels do exactly
 * that, one sample at a time; their fast twins compute the same sums without building
 * cols, reading each pixel once and skipping zeros (kernels/wasm/assembly/conv.ts).
 * 'same' padding follows TensorFlow (output ceil(H / s), the odd pixel at the bottom
 * and right), so models match TF.js layer for layer.
 *
 * Shapes: X [batch, H·W·C_in] -> Y [batch, H_out·W_out·F]; W [k, k, C_in, F], b [F].
 */
export class Conv2D implements Layer {
  readonly weights: Param;
  readonly bias: Param;
  readonly outputShape: FeatureShape;
  private readonly geometry: ConvGeometry;
  /** k·k·C_in: one receptive field, one row of cols. */
  private readonly fieldSize: number;
  private input: Matrix | undefined;
  private output: Matrix | undefined;
  private gradInput: Matrix | undefined;

  constructor(
    readonly spec: ConvSpec,
    readonly inputShape: FeatureShape,
    name: string,
    random: Random,
    private readonly dtype: DType = 'float32',
  ) {
    const { kernelSize: k, filters } = spec;
    this.geometry = convGeometry(inputShape, k, spec.stride ?? 1, spec.padding);
    this.outputShape = { height: this.geometry.outHeight, width: this.geometry.outWidth, channels: filters };
    this.fieldSize = k * k * inputShape.channels;
    this.weights = {
      name: `${name}.W`,
      shape: [k, k, inputShape.channels, filters],
      value: allocate(dtype, this.fieldSize * filters, 'kernel'),
      grad: allocate(dtype, this.fieldSize * filters, 'kernel'),
      regularised: true,
    };
    this.bias = {
      name: `${name}.b`,
      shape: [filters],
      value: allocate(dtype, filters, 'kernel'),
      grad: allocate(dtype, filters, 'kernel'),
      regularised: false,
    };
    // Fan-in is one receptive field, fan-out the filters times the window (as Keras counts).
    initialise(this.weights.value, this.bias.value, spec.init, this.fieldSize, filters * k * k, random);
  }

  forward(input: Matrix, _training: boolean): Matrix {
    const { filters } = this.spec;
    this.input = input;
    this.output = reuse(
      this.output,
      input.rows,
      this.outputShape.height * this.outputShape.width * filters,
      this.dtype,
    );
    kernels().conv2d(
      input.data,
      input.rows,
      this.geometry,
      filters,
      this.weights.value,
      this.bias.value,
      this.output.data,
    );
    return this.output;
  }

  backward(gradOutput: Matrix, needInputGradient = true): Matrix {
    const input = this.input;
    if (!input) throw new Error('Conv2D.backward called before forward');
    const { filters } = this.spec;
    const batch = input.rows;
    const k = kernels();
    this.gradInput = reuse(this.gradInput, batch, input.cols, this.dtype);
    k.sumRows(gradOutput.data, this.bias.grad, batch * this.outputShape.height * this.outputShape.width, filters);
    k.conv2dFilterGradient(input.data, gradOutput.data, batch, this.geometry, filters, this.weights.grad);
    if (needInputGradient) {
      k.conv2dInputGradient(gradOutput.data, this.weights.value, batch, this.geometry, filters, this.gradInput.data);
    }
    return this.gradInput;
  }

  params(): Param[] {
    return [this.weights, this.bias];
  }
}
