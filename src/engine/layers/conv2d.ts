import { kernels } from '../kernels';
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
 * those matrices: dW = colsᵀ·dY, db = Σ dY, dcols = dY·Wᵀ, and col2im adds each dcols
 * entry back onto the input pixel it was copied from.
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
  private readonly stride: number;
  private readonly padTop: number;
  private readonly padLeft: number;
  /** k·k·C_in: one receptive field, one row of cols. */
  private readonly fieldSize: number;
  private input: Matrix | undefined;
  private output: Matrix | undefined;
  private gradInput: Matrix | undefined;
  private cols: FloatArray | undefined;
  private gradCols: FloatArray | undefined;
  private gradWeightsChunk: FloatArray | undefined;
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
    this.stride = spec.stride ?? 1;
    const rows = convAxis(inputShape.height, k, this.stride, spec.padding);
    const cols = convAxis(inputShape.width, k, this.stride, spec.padding);
    this.padTop = rows.padBefore;
    this.padLeft = cols.padBefore;
    this.outputShape = { height: rows.out, width: cols.out, channels: filters };
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
      im2col(
        input.data,
        s0,
        n,
        this.inputShape,
        this.spec.kernelSize,
        this.stride,
        this.padTop,
        this.padLeft,
        this.outputShape,
        cols,
      );
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
    if (chunk < batch && !this.gradWeightsChunk) {
      this.gradWeightsChunk = allocate(this.dtype, this.weights.grad.length, 'kernel');
    }
    k.sumRows(gradOutput.data, this.bias.grad, batch * this.positions, filters);
    for (let s0 = 0; s0 < batch; s0 += chunk) {
      const n = Math.min(chunk, batch - s0);
      const rows = n * this.positions;
      if (!this.colsHoldBatch) {
        im2col(
          input.data,
          s0,
          n,
          this.inputShape,
          this.spec.kernelSize,
          this.stride,
          this.padTop,
          this.padLeft,
          this.outputShape,
          cols,
        );
      }
      const dY = gradOutput.data.subarray(s0 * outPerSample, (s0 + n) * outPerSample);
      if (s0 === 0) {
        k.matmulTransA(cols, dY, this.weights.grad, this.fieldSize, rows, filters);
      } else {
        const partial = this.gradWeightsChunk!;
        k.matmulTransA(cols, dY, partial, this.fieldSize, rows, filters);
        const grad = this.weights.grad;
        for (let i = 0; i < grad.length; i++) grad[i] += partial[i];
      }
      if (needInputGradient) {
        const gradCols = this.gradCols!;
        k.matmulTransB(dY, this.weights.value, gradCols, rows, filters, this.fieldSize);
        const gradIn = this.gradInput.data.subarray(s0 * inPerSample, (s0 + n) * inPerSample);
        col2im(
          gradCols,
          n,
          this.inputShape,
          this.spec.kernelSize,
          this.stride,
          this.padTop,
          this.padLeft,
          this.outputShape,
          gradIn,
        );
      }
    }
    return this.gradInput;
  }

  params(): Param[] {
    return [this.weights, this.bias];
  }
}

/**
 * Copies samples [first, first + count) of NHWC `x` into `cols`, one receptive field
 * per row in (ky, kx, c) order, zeros where the window hangs over the padding. A
 * window row that lies inside the image is k·C contiguous floats of x.
 */
export function im2col(
  x: FloatArray,
  first: number,
  count: number,
  shape: FeatureShape,
  k: number,
  stride: number,
  padTop: number,
  padLeft: number,
  out: FeatureShape,
  cols: FloatArray,
): void {
  const { height: H, width: W, channels: C } = shape;
  const rowFloats = k * C;
  let r = 0;
  for (let n = first; n < first + count; n++) {
    const sample = n * H * W * C;
    for (let oy = 0; oy < out.height; oy++) {
      const y0 = oy * stride - padTop;
      for (let ox = 0; ox < out.width; ox++) {
        const x0 = ox * stride - padLeft;
        const inside = x0 >= 0 && x0 + k <= W;
        for (let ky = 0; ky < k; ky++) {
          const y = y0 + ky;
          if (y < 0 || y >= H) {
            cols.fill(0, r, r + rowFloats);
            r += rowFloats;
            continue;
          }
          const line = sample + y * W * C;
          if (inside) {
            const src = line + x0 * C;
            for (let j = 0; j < rowFloats; j++) cols[r + j] = x[src + j];
            r += rowFloats;
            continue;
          }
          for (let kx = 0; kx < k; kx++) {
            const xx = x0 + kx;
            if (xx < 0 || xx >= W) for (let c = 0; c < C; c++) cols[r + c] = 0;
            else for (let c = 0; c < C; c++) cols[r + c] = x[line + xx * C + c];
            r += C;
          }
        }
      }
    }
  }
}

/** The adjoint of im2col: overwrites `dx` (count samples, NHWC) with the sums of the dcols entries copied from each pixel. */
export function col2im(
  gradCols: FloatArray,
  count: number,
  shape: FeatureShape,
  k: number,
  stride: number,
  padTop: number,
  padLeft: number,
  out: FeatureShape,
  dx: FloatArray,
): void {
  const { height: H, width: W, channels: C } = shape;
  dx.fill(0, 0, count * H * W * C);
  let r = 0;
  for (let n = 0; n < count; n++) {
    const sample = n * H * W * C;
    for (let oy = 0; oy < out.height; oy++) {
      const y0 = oy * stride - padTop;
      for (let ox = 0; ox < out.width; ox++) {
        const x0 = ox * stride - padLeft;
        for (let ky = 0; ky < k; ky++) {
          const y = y0 + ky;
          if (y < 0 || y >= H) {
            r += k * C;
            continue;
          }
          const line = sample + y * W * C;
          for (let kx = 0; kx < k; kx++) {
            const xx = x0 + kx;
            if (xx >= 0 && xx < W) {
              const dst = line + xx * C;
              for (let c = 0; c < C; c++) dx[dst + c] += gradCols[r + c];
            }
            r += C;
          }
        }
      }
    }
  }
}
