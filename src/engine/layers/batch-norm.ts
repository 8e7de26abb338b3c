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
  private readonly epsilon: number;
  private output: Matrix | undefined;
  private gradInput: Matrix | undefined;
  private normalised: Matrix | undefined;
  /** 1 / √(σ² + ε) per channel, from the last training forward. */
  private readonly inverseStd: Float64Array;
  private readonly mean: Float64Array;
  /** Per-channel sums, kept so a step allocates nothing. */
  private readonly variance: Float64Array;
  private readonly dGamma: Float64Array;
  private readonly dBeta: Float64Array;
  private trainedForward = false;

  constructor(
    readonly spec: BatchNormSpec,
    readonly channels: number,
    name: string,
    private readonly dtype: DType = 'float32',
  ) {
    this.momentum = spec.momentum ?? 0.9;
    this.epsilon = spec.epsilon ?? 1e-5;
    const tensor = (fill: number): FloatArray => allocate(dtype, channels, 'kernel').fill(fill);
    const shape = [channels];
    this.gamma = { name: `${name}.gamma`, shape, value: tensor(1), grad: tensor(0), regularised: false };
    this.beta = { name: `${name}.beta`, shape: [channels], value: tensor(0), grad: tensor(0), regularised: false };
    this.runningMean = { name: `${name}.runningMean`, shape: [channels], value: tensor(0) };
    this.runningVar = { name: `${name}.runningVar`, shape: [channels], value: tensor(1) };
    this.inverseStd = new Float64Array(channels);
    this.mean = new Float64Array(channels);
    this.variance = new Float64Array(channels);
    this.dGamma = new Float64Array(channels);
    this.dBeta = new Float64Array(channels);
  }

  forward(input: Matrix, training: boolean): Matrix {
    const C = this.channels;
    const total = input.rows * input.cols;
    const N = total / C;
    this.output = reuse(this.output, input.rows, input.cols, this.dtype);
    const x = input.data;
    const y = this.output.data;
    const gamma = this.gamma.value;
    const beta = this.beta.value;
    const mean = this.mean;
    const inverseStd = this.inverseStd;
    this.trainedForward = training;
    if (training) {
      mean.fill(0);
      const variance = this.variance.fill(0);
      for (let i = 0; i < total; i += C) for (let c = 0; c < C; c++) mean[c] += x[i + c];
      for (let c = 0; c < C; c++) mean[c] /= N;
      for (let i = 0; i < total; i += C) {
        for (let c = 0; c < C; c++) {
          const d = x[i + c] - mean[c];
          variance[c] += d * d;
        }
      }
      const runningMean = this.runningMean.value;
      const runningVar = this.runningVar.value;
      const m = this.momentum;
      for (let c = 0; c < C; c++) {
        variance[c] /= N;
        inverseStd[c] = 1 / Math.sqrt(variance[c] + this.epsilon);
        runningMean[c] = m * runningMean[c] + (1 - m) * mean[c];
        runningVar[c] = m * runningVar[c] + (1 - m) * variance[c];
      }
      this.normalised = reuse(this.normalised, input.rows, input.cols, this.dtype);
      const xHat = this.normalised.data;
      for (let i = 0; i < total; i += C) {
        for (let c = 0; c < C; c++) {
          const v = (x[i + c] - mean[c]) * inverseStd[c];
          xHat[i + c] = v;
          y[i + c] = gamma[c] * v + beta[c];
        }
      }
    } else {
      // y = x·scale + shift with the running statistics folded in.
      const runningMean = this.runningMean.value;
      const runningVar = this.runningVar.value;
      for (let c = 0; c < C; c++) {
        inverseStd[c] = gamma[c] / Math.sqrt(runningVar[c] + this.epsilon);
        mean[c] = beta[c] - runningMean[c] * inverseStd[c];
      }
      for (let i = 0; i < total; i += C) for (let c = 0; c < C; c++) y[i + c] = x[i + c] * inverseStd[c] + mean[c];
    }
    return this.output;
  }

  backward(gradOutput: Matrix): Matrix {
    if (!this.normalised || !this.trainedForward) {
      throw new Error('BatchNorm.backward needs a training-mode forward first');
    }
    const C = this.channels;
    const total = gradOutput.rows * gradOutput.cols;
    const N = total / C;
    this.gradInput = reuse(this.gradInput, gradOutput.rows, gradOutput.cols, this.dtype);
    const g = gradOutput.data;
    const xHat = this.normalised.data;
    const dx = this.gradInput.data;
    const dGamma = this.dGamma.fill(0);
    const dBeta = this.dBeta.fill(0);
    for (let i = 0; i < total; i += C) {
      for (let c = 0; c < C; c++) {
        dBeta[c] += g[i + c];
        dGamma[c] += g[i + c] * xHat[i + c];
      }
    }
    const gamma = this.gamma.value;
    // Reuses `variance` for γ / (N·√(σ² + ε)): the batch variance is not needed again.
    const scale = this.variance;
    for (let c = 0; c < C; c++) {
      this.gamma.grad[c] = dGamma[c];
      this.beta.grad[c] = dBeta[c];
      scale[c] = (gamma[c] * this.inverseStd[c]) / N;
    }
    for (let i = 0; i < total; i += C) {
      for (let c = 0; c < C; c++) dx[i + c] = scale[c] * (N * g[i + c] - dBeta[c] - xHat[i + c] * dGamma[c]);
    }
    return this.gradInput;
  }

  params(): Param[] {
    return [this.gamma, this.beta];
  }

  state(): StateTensor[] {
    return [this.runningMean, this.runningVar];
  }
}
