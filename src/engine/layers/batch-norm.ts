// Kernels: channelSums, channelAffine, batchNormBackward; reference loops in ../kernels/reference/batch-norm.ts.
import { kernels } from '../kernels';
import type { DType, FloatArray, Matrix } from '../tensor';
import { allocate, reuse } from '../tensor';
import type { LayerSpec } from '../model/spec';
import type { Layer, Param, StateTensor } from './layer';

type BatchNormSpec = Extract<LayerSpec, { type: 'batch-norm' }>;

/**
 * Batch normalisation (Ioffe & Szegedy 2015; the notes' BatchNormalization), per
 * channel: the rows of the input are read as [N, C] with N = batch·H·W, so after a
 * conv layer each filter's map is normalised over the batch and every position, and
 * after a dense layer (H = W = 1) each unit over the batch.
 *
 * Training, with μ, σ² the channel's mean and (biased) variance over those N values:
 *
 *   x̂ = (x − μ) / √(σ² + ε),   y = γ·x̂ + β
 *   running ← momentum·running + (1 − momentum)·batch statistic   (momentum 0.9, as the notes)
 *
 * Inference uses the running mean and variance instead of the batch's, so a single
 * image gets the same answer as it would in any batch.
 *
 * Backward (training mode), per channel, sums over the N values:
 *
 *   dβ = Σ dy,   dγ = Σ dy·x̂,   dx = γ / (N·√(σ² + ε)) · (N·dy − dβ − x̂·dγ)
 *
 * After an inference forward the statistics are constants and the layer is affine, so
 * dx = γ / √(running σ² + ε) · dy: the input gradient that explanations need (gradient ×
 * input). The parameters' gradients belong to training and are left as they were.
 *
 * Shapes: [batch, H·W·C] -> [batch, H·W·C]; γ, β, running mean and variance [C].
 * The running variance starts at 1 (the notes start it at 0), so a model evaluated
 * before its first step already passes values through almost unchanged.
 */
export class BatchNorm implements Layer {
  readonly gamma: Param;
  readonly beta: Param;
  readonly runningMean: StateTensor;
  readonly runningVar: StateTensor;
  private readonly momentum: number;
  readonly epsilon: number;
  private output: Matrix | undefined;
  private gradInput: Matrix | undefined;
  private normalised: Matrix | undefined;
  /** Per-channel working values, allocated once: the batch mean and variance, 1/√(σ² + ε), and so on. */
  private readonly mean: FloatArray;
  private readonly variance: FloatArray;
  private readonly inverseStd: FloatArray;
  private readonly dGamma: FloatArray;
  private readonly dBeta: FloatArray;
  private readonly scale: FloatArray;
  private readonly shift: FloatArray;
  /** Which forward ran last, if any: backward follows it. */
  private lastForward: 'training' | 'inference' | undefined;

  constructor(
    readonly spec: BatchNormSpec,
    readonly channels: number,
    name: string,
    private readonly dtype: DType = 'float32',
  ) {
    this.momentum = spec.momentum ?? 0.9;
    this.epsilon = spec.epsilon ?? 1e-5;
    const tensor = (fill = 0): FloatArray => allocate(dtype, channels, 'kernel').fill(fill);
    const shape = [channels];
    this.gamma = { name: `${name}.gamma`, shape, value: tensor(1), grad: tensor(), regularised: false };
    this.beta = { name: `${name}.beta`, shape: [channels], value: tensor(), grad: tensor(), regularised: false };
    this.runningMean = { name: `${name}.runningMean`, shape: [channels], value: tensor() };
    this.runningVar = { name: `${name}.runningVar`, shape: [channels], value: tensor(1) };
    [this.mean, this.variance, this.inverseStd] = [tensor(), tensor(), tensor()];
    [this.dGamma, this.dBeta, this.scale, this.shift] = [tensor(), tensor(), tensor(), tensor()];
  }

  forward(input: Matrix, training: boolean): Matrix {
    const C = this.channels;
    const N = (input.rows * input.cols) / C;
    const k = kernels();
    this.output = reuse(this.output, input.rows, input.cols, this.dtype);
    this.lastForward = training ? 'training' : 'inference';
    if (training) {
      k.channelSums(input.data, undefined, undefined, N, C, this.mean);
      for (let c = 0; c < C; c++) this.mean[c] /= N;
      k.channelSums(input.data, undefined, this.mean, N, C, this.variance);
      const runningMean = this.runningMean.value;
      const runningVar = this.runningVar.value;
      const m = this.momentum;
      for (let c = 0; c < C; c++) {
        const variance = this.variance[c] / N;
        this.inverseStd[c] = 1 / Math.sqrt(variance + this.epsilon);
        runningMean[c] = m * runningMean[c] + (1 - m) * this.mean[c];
        runningVar[c] = m * runningVar[c] + (1 - m) * variance;
      }
      this.normalised = reuse(this.normalised, input.rows, input.cols, this.dtype);
      k.channelAffine(
        input.data,
        this.output.data,
        this.normalised.data,
        N,
        C,
        this.inverseStd,
        this.mean,
        this.gamma.value,
        this.beta.value,
      );
    } else {
      // y = x·scale + shift with the running statistics folded in.
      const gamma = this.gamma.value;
      for (let c = 0; c < C; c++) {
        this.scale[c] = gamma[c] / Math.sqrt(this.runningVar.value[c] + this.epsilon);
        this.shift[c] = this.beta.value[c] - this.runningMean.value[c] * this.scale[c];
      }
      k.channelAffine(input.data, this.output.data, undefined, N, C, this.scale, this.shift, gamma, this.beta.value);
    }
    return this.output;
  }

  backward(gradOutput: Matrix): Matrix {
    if (this.lastForward === undefined) throw new Error('BatchNorm.backward needs a forward first');
    const C = this.channels;
    if (this.lastForward === 'inference') {
      // `scale` still holds γ / √(running σ² + ε) from that forward.
      this.gradInput = reuse(this.gradInput, gradOutput.rows, gradOutput.cols, this.dtype);
      const dy = gradOutput.data;
      const dx = this.gradInput.data;
      for (let i = 0; i < dy.length; i += C) for (let c = 0; c < C; c++) dx[i + c] = dy[i + c] * this.scale[c];
      return this.gradInput;
    }
    if (!this.normalised) throw new Error('BatchNorm.backward needs a training-mode forward first');
    const N = (gradOutput.rows * gradOutput.cols) / C;
    const k = kernels();
    this.gradInput = reuse(this.gradInput, gradOutput.rows, gradOutput.cols, this.dtype);
    k.channelSums(gradOutput.data, undefined, undefined, N, C, this.dBeta);
    k.channelSums(gradOutput.data, this.normalised.data, undefined, N, C, this.dGamma);
    this.beta.grad.set(this.dBeta);
    this.gamma.grad.set(this.dGamma);
    for (let c = 0; c < C; c++) this.scale[c] = (this.gamma.value[c] * this.inverseStd[c]) / N;
    k.batchNormBackward(
      gradOutput.data,
      this.normalised.data,
      this.gradInput.data,
      N,
      C,
      this.scale,
      this.dBeta,
      this.dGamma,
    );
    return this.gradInput;
  }

  params(): Param[] {
    return [this.gamma, this.beta];
  }

  state(): StateTensor[] {
    return [this.runningMean, this.runningVar];
  }
}
