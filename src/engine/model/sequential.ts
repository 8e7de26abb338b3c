import { BatchNorm } from '../layers/batch-norm';
import { Conv2D } from '../layers/conv2d';
import { Dense } from '../layers/dense';
import { Dropout } from '../layers/dropout';
import { Flatten } from '../layers/flatten';
import { MaxPool2D } from '../layers/max-pool';
import { LeakyReLU, ReLU, Sigmoid, Tanh } from '../layers/activations';
import type { Layer, Param, StateTensor } from '../layers/layer';
import { softmaxRows } from '../losses';
import { Random } from '../random';
import type { DType, Matrix } from '../tensor';
import { matrix } from '../tensor';
import type { FeatureShape, LayerSpec, ModelSpec } from './spec';
import { featureCount, inputShapeOf, layerShapes, outputSize } from './spec';

export interface ModelOptions {
  /** Seeds the initial weights and dropout masks. */
  seed?: number;
  /** float64 only for gradient checks; training and inference use float32. */
  dtype?: DType;
  /** The temperature `predict` divides the logits by (default 1: uncalibrated). */
  temperature?: number;
}

/** Trained weights by parameter name, as the model file stores them. */
export interface NamedTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

/**
 * A stack of layers built from a plain JSON spec. `forward` returns logits
 * `[batch, classes]`; the loss (kept outside, see losses/) turns them into
 * probabilities and a gradient, which `backward` carries back through every layer.
 */
export class Sequential {
  readonly layers: Layer[];
  readonly dtype: DType;
  /**
   * T > 0: the probabilities are softmax(logits / T). 1 while training; fitted on the
   * validation set afterwards (training/temperature-scaling.ts) and kept in the model
   * file, so a loaded model predicts calibrated probabilities. The argmax never changes.
   */
  temperature: number;

  constructor(
    readonly spec: ModelSpec,
    options: ModelOptions = {},
  ) {
    this.dtype = options.dtype ?? 'float32';
    this.temperature = options.temperature ?? 1;
    const random = new Random(options.seed ?? 1);
    const initRandom = random.fork('init');
    const dropoutRandom = random.fork('dropout');
    const shapes = layerShapes(spec);
    this.layers = spec.layers.map((layerSpec, i) => {
      const input = i === 0 ? inputShapeOf(spec) : shapes[i - 1];
      return createLayer(layerSpec, input, `layer${i}`, initRandom, dropoutRandom, this.dtype);
    });
  }

  /** `watch`, when given, sees each layer's output as it is made (step mode shows them). */
  forward(input: Matrix, training: boolean, watch?: (index: number, output: Matrix) => void): Matrix {
    let x = input;
    this.layers.forEach((layer, i) => {
      x = layer.forward(x, training);
      watch?.(i, x);
    });
    return x;
  }

  /**
   * Backpropagates dLoss/dLogits, filling every parameter's gradient. Returns
   * dLoss/dInput only when asked (explanations need it; training does not). `watch`, when
   * given, sees dLoss/d(output of layer i) just before layer i's backward.
   */
  backward(gradLogits: Matrix, needInputGradient = false, watch?: (index: number, gradient: Matrix) => void): Matrix {
    let g = gradLogits;
    for (let i = this.layers.length - 1; i >= 0; i--) {
      watch?.(i, g);
      g = this.layers[i].backward(g, i > 0 || needInputGradient);
    }
    return g;
  }

  params(): Param[] {
    return this.layers.flatMap((layer) => layer.params());
  }

  /** Tensors kept but not trained (batch norm's running statistics). */
  state(): StateTensor[] {
    return this.layers.flatMap((layer) => layer.state?.() ?? []);
  }

  get classes(): number {
    return outputSize(this.spec);
  }

  /** The logits divided by the temperature, `[batch, classes]`: what the softmax (or an evaluation's loss) takes. */
  scaleLogits(logits: Matrix): Matrix {
    if (this.temperature === 1) return logits;
    const scaled = matrix(logits.rows, logits.cols, this.dtype);
    for (let i = 0; i < scaled.data.length; i++) scaled.data[i] = logits.data[i] / this.temperature;
    return scaled;
  }

  /** The model's probabilities for its logits: softmax(logits / T), `[batch, classes]` -> `[batch, classes]`. */
  probabilitiesOf(logits: Matrix): Matrix {
    const scaled = this.scaleLogits(logits);
    const probs = matrix(scaled.rows, scaled.cols, this.dtype);
    softmaxRows(scaled.data, probs.data, scaled.rows, scaled.cols);
    return probs;
  }

  /** Probabilities `[batch, classes]` for a batch of inputs `[batch, inputSize]`. */
  predict(input: Matrix): Matrix {
    return this.probabilitiesOf(this.forward(input, false));
  }

  /** Probabilities for one image given as `inputSize` floats in 0..1. */
  predictOne(pixels: ArrayLike<number>): number[] {
    const input = matrix(1, this.spec.inputSize, this.dtype);
    input.data.set(pixels);
    return Array.from(this.predict(input).data);
  }

  /** The weights (and running statistics) as float32 tensors named as `parameterShapes(spec)` (spec.ts) names them. */
  exportWeights(): NamedTensor[] {
    return this.layers
      .flatMap((layer) => [...layer.params(), ...(layer.state?.() ?? [])])
      .map((p) => ({
        name: p.name,
        shape: [...p.shape],
        data: Float32Array.from(p.value),
      }));
  }

  /** Overwrites the weights; every tensor the spec implies must be present with its shape. */
  importWeights(tensors: readonly NamedTensor[]): void {
    const byName = new Map(tensors.map((t) => [t.name, t]));
    for (const p of [...this.params(), ...this.state()]) {
      const t = byName.get(p.name);
      if (!t) throw new Error(`weights for ${p.name} are missing`);
      if (t.data.length !== p.value.length || t.shape.join('x') !== p.shape.join('x')) {
        throw new Error(`weights for ${p.name} have shape [${t.shape}] but the model needs [${p.shape}]`);
      }
      p.value.set(t.data);
    }
  }

  static fromWeights(spec: ModelSpec, tensors: readonly NamedTensor[], options: ModelOptions = {}): Sequential {
    const model = new Sequential(spec, options);
    model.importWeights(tensors);
    return model;
  }
}

function createLayer(
  spec: LayerSpec,
  input: FeatureShape,
  name: string,
  initRandom: Random,
  dropoutRandom: Random,
  dtype: DType,
): Layer {
  switch (spec.type) {
    case 'dense':
      return new Dense(spec, featureCount(input), name, initRandom, dtype);
    case 'conv2d':
      return new Conv2D(spec, input, name, initRandom, dtype);
    case 'max-pool':
      return new MaxPool2D(spec, input, dtype);
    case 'batch-norm':
      return new BatchNorm(spec, input.channels, name, dtype);
    case 'flatten':
      return new Flatten(spec);
    case 'relu':
      return new ReLU(spec, dtype);
    case 'leaky-relu':
      return new LeakyReLU(spec, dtype, spec.alpha);
    case 'sigmoid':
      return new Sigmoid(spec, dtype);
    case 'tanh':
      return new Tanh(spec, dtype);
    case 'dropout':
      return new Dropout(spec, dropoutRandom, dtype);
  }
}
