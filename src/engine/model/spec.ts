/**
 * A model described as plain JSON, so any depth and width can be chosen from the
 * command line, the app's form or a file, and so the model file can store it.
 */
export type ActivationKind = 'relu' | 'sigmoid' | 'tanh' | 'leaky-relu';
export type InitKind = 'uniform' | 'gaussian' | 'xavier' | 'he';
export type LossKind = 'softmax-cross-entropy' | 'squared-error';

export interface InitSpec {
  kind: InitKind;
  /** Standard deviation for 'gaussian' (the notes used 0.01). */
  std?: number;
  /** Half-width for 'uniform' (the notes used 1, i.e. [-1, 1]). */
  limit?: number;
}

export type LayerSpec =
  | { type: 'dense'; units: number; init: InitSpec }
  | { type: 'relu' }
  | { type: 'sigmoid' }
  | { type: 'tanh' }
  | { type: 'leaky-relu'; alpha?: number }
  | { type: 'dropout'; rate: number };

export interface ModelSpec {
  /** Features per sample: 784 for MNIST's 28x28. */
  inputSize: number;
  layers: LayerSpec[];
  /** Applied to the last layer's output (logits). */
  loss: LossKind;
}

/** Name and shape of every parameter tensor a spec implies, in model order. */
export interface ParamShape {
  name: string;
  shape: number[];
}

/**
 * The parameters a spec implies: for dense layer i, `layer{i}.W` of shape [in, units]
 * and `layer{i}.b` of shape [units]. The model file uses this to check that stored
 * tensors fit the architecture before a single weight is read.
 */
export function parameterShapes(spec: ModelSpec): ParamShape[] {
  const shapes: ParamShape[] = [];
  let width = spec.inputSize;
  spec.layers.forEach((layer, i) => {
    if (layer.type === 'dense') {
      shapes.push({ name: `layer${i}.W`, shape: [width, layer.units] });
      shapes.push({ name: `layer${i}.b`, shape: [layer.units] });
      width = layer.units;
    }
  });
  return shapes;
}

/** Width of the model's output (number of classes). */
export function outputSize(spec: ModelSpec): number {
  let width = spec.inputSize;
  for (const layer of spec.layers) if (layer.type === 'dense') width = layer.units;
  return width;
}
