import { Dense } from '../layers/dense';
import { Dropout } from '../layers/dropout';
import { LeakyReLU, ReLU, Sigmoid, Tanh } from '../layers/activations';
import type { Layer, Param } from '../layers/layer';
import { softmaxRows } from '../losses';
import { Random } from '../random';
import type { DType, Matrix } from '../tensor';
import { matrix } from '../tensor';
import type { LayerSpec, ModelSpec } from './spec';
import { outputSize, parameterShapes } from './spec';

export interface ModelOptions {
  /** Seeds the initial weights and dropout masks. */
  seed?: number;
  /** float64 only for gradient checks; training and inference use float32. */
  dtype?: DType;
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

  constructor(
    readonly spec: ModelSpec,
    options: ModelOptions = {},
  ) {
    this.dtype = options.dtype ?? 'float32';
    const random = new Random(options.seed ?? 1);
    const initRandom = random.fork('init');
    const dropoutRandom = random.fork('dropout');
    let width = spec.inputSize;
    this.layers = spec.layers.map((layerSpec, i) => {
      const layer = createLayer(layerSpec, width, `layer${i}`, initRandom, dropoutRandom, this.dtype);
      if (layerSpec.type === 'dense') width = layerSpec.units;
      return layer;
    });
  }

  forward(input: Matrix, training: boolean): Matrix {
    let x = input;
    for (const layer of this.layers) x = layer.forward(x, training);
    return x;
  }

  /**
   * Backpropagates dLoss/dLogits, filling every parameter's gradient. Returns
   * dLoss/dInput only when asked (explanations need it; training does not).
   */
  backward(gradLogits: Matrix, needInputGradient = false): Matrix {
    let g = gradLogits;
    for (let i = this.layers.length - 1; i >= 0; i--) g = this.layers[i].backward(g, i > 0 || needInputGradient);
    return g;
  }

  params(): Param[] {
    return this.layers.flatMap((layer) => layer.params());
  }

  get classes(): number {
    return outputSize(this.spec);
  }

  /** Softmax probabilities `[batch, classes]` for a batch of inputs `[batch, inputSize]`. */
  predict(input: Matrix): Matrix {
    const logits = this.forward(input, false);
    const probs = matrix(logits.rows, logits.cols, this.dtype);
    softmaxRows(logits.data, probs.data, logits.rows, logits.cols);
    return probs;
  }

  /** Probabilities for one image given as `inputSize` floats in 0..1. */
  predictOne(pixels: ArrayLike<number>): number[] {
    const input = matrix(1, this.spec.inputSize, this.dtype);
    input.data.set(pixels);
    return Array.from(this.predict(input).data);
  }

  /** The weights as float32 tensors named as `parameterShapes(spec)` names them. */
  exportWeights(): NamedTensor[] {
    return this.params().map((p) => ({ name: p.name, shape: [...p.shape], data: Float32Array.from(p.value) }));
  }

  /** Overwrites the weights; every tensor the spec implies must be present with its shape. */
  importWeights(tensors: readonly NamedTensor[]): void {
    const byName = new Map(tensors.map((t) => [t.name, t]));
    for (const p of this.params()) {
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
  inputSize: number,
  name: string,
  initRandom: Random,
  dropoutRandom: Random,
  dtype: DType,
): Layer {
  switch (spec.type) {
    case 'dense':
      return new Dense(spec, inputSize, name, initRandom, dtype);
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

export { parameterShapes };
