// Kernels: im2col, col2im (reference loops in ../kernels/reference/conv.ts), then as in Dense
// affine, matmulTransA, matmulTransB, sumRows (../kernels/reference/matmul.ts).
import { kernels } from '../kernels';
import type { ConvGeometry } from '../kernels/reference/conv';
import type { DType, FloatArray, Matrix } from '../tensor';
import { allocate, reuse } from '../tensor';
import type { FeatureShape, LayerSpec } from '../model/spec';
import { convAxis } from '../model/spec';
import type { Random } from '../random';
import { initialise } from './init';
import type { Layer, Param } from './layer';

type ConvSpec = Extract<LayerSpec, { type: 'conv2d' }>;

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
 * those matrices: dW = colsᵀ·dY (computed as (dYᵀ·cols)ᵀ), db = Σ dY, dcols = dY·Wᵀ,
 * and col2im adds each dcols entry back onto the input pixel it was copied from.
 * 'same' padding follows TensorFlow (output ceil(H / s), the odd pixel at the bottom
 * and right), so models match TF.js layer for layer.
 *
 * Shapes: X [batch, H·W·C_in] -> Y [batch, H_out·W_out·F]; W [k, k, C_in, F], b [F].
 */
export class Conv2D implements Layer {
  /**
   * Most floats one im2col block may hold (16 MiB). Larger batches are cut into chunks
   * of samples, so the block and the matrix multiplies' scratch space stay within the
   * kernels' memory whatever the batch size (evaluation runs batches of 500). Tests
   * lower it to exercise the chunked path.
   */
  static maxColumnFloats = 1 << 22;
  readonly weights: Param;
  readonly bias: Param;
  readonly outputShape: FeatureShape;
  private readonly geometry: ConvGeometry;
  /** k·k·C_in: one receptive field, one row of cols. */
  private readonly fieldSize: number;
  private input: Matrix | undefined;
  private output: Matrix | undefined;
  private gradInput: Matrix | undefined;
  private cols: FloatArray | undefined;
  private gradCols: FloatArray | undefined;
  /** dW as [F, K], before it is transposed into the weights' [K, F] layout. */
  private gradWeightsT: FloatArray | undefined;
  /** Whether `cols` still holds the whole last forward batch, so backward can reuse it. */
  private colsHoldBatch = false;

  constructor(
    readonly spec: ConvSpec,
    readonly inputShape: FeatureShape,
    name: string,
    random: Random,
    private readonly dtype: DType = 'float32',
  ) {
    const { kernelSize: k, filters } = spec;
    const stride = spec.stride ?? 1;
    const rows = convAxis(inputShape.height, k, stride, spec.padding);
    const cols = convAxis(inputShape.width, k, stride, spec.padding);
    this.outputShape = { height: rows.out, width: cols.out, channels: filters };
    this.geometry = {
      ...inputShape,
      kernel: k,
      stride,
      padTop: rows.padBefore,
      padLeft: cols.padBefore,
      outHeight: rows.out,
      outWidth: cols.out,
    };
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

  /** Output positions per sample. */
  private get positions(): number {
    return this.outputShape.height * this.outputShape.width;
  }

  /** Samples per im2col block. */
  private chunkSamples(batch: number): number {
    return Math.max(1, Math.min(batch, Math.floor(Conv2D.maxColumnFloats / (this.positions * this.fieldSize))));
  }

  private columnBuffer(samples: number): FloatArray {
    const length = samples * this.positions * this.fieldSize;
    if (!this.cols || this.cols.length < length) this.cols = allocate(this.dtype, length, 'kernel');
    return this.cols;
  }

  forward(input: Matrix, _training: boolean): Matrix {
    const filters = this.spec.filters;
    const batch = input.rows;
    const outPerSample = this.positions * filters;
    this.input = input;
    this.output = reuse(this.output, batch, outPerSample, this.dtype);
    const chunk = this.chunkSamples(batch);
    const cols = this.columnBuffer(chunk);
    const k = kernels();
    for (let s0 = 0; s0 < batch; s0 += chunk) {
      const n = Math.min(chunk, batch - s0);
      k.im2col(input.data, s0 * input.cols, n, this.geometry, cols);
      const out = this.output.data.subarray(s0 * outPerSample, (s0 + n) * outPerSample);
      k.affine(cols, this.weights.value, this.bias.value, out, n * this.positions, this.fieldSize, filters);
    }
    this.colsHoldBatch = chunk >= batch;
    return this.output;
  }

  backward(gradOutput: Matrix, needInputGradient = true): Matrix {
    const input = this.input;
    if (!input) throw new Error('Conv2D.backward called before forward');
    const filters = this.spec.filters;
    const batch = input.rows;
    const outPerSample = this.positions * filters;
    const inPerSample = input.cols;
    const k = kernels();
    const chunk = this.chunkSamples(batch);
    const cols = this.columnBuffer(chunk);
    this.gradInput = reuse(this.gradInput, batch, inPerSample, this.dtype);
    if (needInputGradient) {
      const length = chunk * this.positions * this.fieldSize;
      if (!this.gradCols || this.gradCols.length < length) this.gradCols = allocate(this.dtype, length, 'kernel');
    }
    this.gradWeightsT ??= allocate(this.dtype, this.weights.grad.length, 'kernel');
    const transposed = this.gradWeightsT;
    k.sumRows(gradOutput.data, this.bias.grad, batch * this.positions, filters);
    for (let s0 = 0; s0 < batch; s0 += chunk) {
      const n = Math.min(chunk, batch - s0);
      const rows = n * this.positions;
      if (!this.colsHoldBatch) {
        k.im2col(input.data, s0 * input.cols, n, this.geometry, cols);
      }
      const dY = gradOutput.data.subarray(s0 * outPerSample, (s0 + n) * outPerSample);
      // dWᵀ [F, K] = dYᵀ·cols: dY is mostly zeros (max pooling passes back one gradient
      // per window, ReLU drops more), and the sparse kernel skips them; as colsᵀ·dY the
      // zeros would sit in the wrong operand.
      k.matmulTransA(dY, cols, transposed, filters, rows, this.fieldSize);
      const grad = this.weights.grad;
      const K = this.fieldSize;
      for (let f = 0; f < filters; f++) {
        for (let p = 0; p < K; p++) {
          const v = transposed[f * K + p];
          grad[p * filters + f] = s0 === 0 ? v : grad[p * filters + f] + v;
        }
      }
      if (needInputGradient) {
        const gradCols = this.gradCols!;
        k.matmulTransB(dY, this.weights.value, gradCols, rows, filters, this.fieldSize);
        k.col2im(gradCols, n, this.geometry, this.gradInput.data, s0 * inPerSample);
      }
    }
    return this.gradInput;
  }

  params(): Param[] {
    return [this.weights, this.bias];
  }
}
