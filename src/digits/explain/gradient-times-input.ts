import type { Sequential } from '../../engine/model/sequential';
import { matrix } from '../../engine/tensor';

export interface Explanation {
  /** The class explained: the top prediction unless another was asked for. */
  label: number;
  probabilities: number[];
  /**
   * Per-pixel contribution toward `label`: x ⊙ ∂z_label/∂x, where z is the logit.
   * Positive pixels pushed toward the class, negative ones away from it.
   */
  attribution: Float32Array;
}

/**
 * Gradient × input (Shrikumar et al., 2016; Simonyan et al., 2013 for the gradient):
 * backpropagate a one-hot at the chosen logit down to the pixels, then weight each
 * pixel's gradient by its value, so blank pixels (x = 0) get no credit.
 *
 * The logit rather than the probability is differentiated because softmax's
 * gradient vanishes once a prediction is confident, which would blank the map for
 * exactly the drawings people most want explained.
 */
export function explainPrediction(model: Sequential, pixels: ArrayLike<number>, target?: number): Explanation {
  const input = matrix(1, model.spec.inputSize, model.dtype);
  input.data.set(pixels);
  const logits = model.forward(input, false);
  const classes = logits.cols;
  const probabilities = Array.from(model.probabilitiesOf(logits).data);
  const label = target ?? probabilities.indexOf(Math.max(...probabilities));

  const seed = matrix(1, classes, model.dtype);
  seed.data[label] = 1;
  const gradient = model.backward(seed, true);
  const attribution = new Float32Array(model.spec.inputSize);
  for (let i = 0; i < attribution.length; i++) attribution[i] = gradient.data[i] * input.data[i];
  return { label, probabilities, attribution };
}
