import type { FloatArray, Matrix } from '../tensor';
import type { LayerSpec } from '../model/spec';

/** A trainable tensor and the gradient of the loss with respect to it. */
export interface Param {
  name: string;
  shape: number[];
  value: FloatArray;
  grad: FloatArray;
  /** Weights are regularised by weight decay; biases are not (the usual convention). */
  regularised: boolean;
}

/**
 * A tensor a layer keeps but does not train, such as batch norm's running statistics:
 * saved in the model file beside the parameters, never touched by an optimiser.
 */
export interface StateTensor {
  name: string;
  shape: number[];
  value: FloatArray;
}

/**
 * The one interface every layer has (after convnetjs): `forward` caches what
 * `backward` needs; `backward` takes dLoss/dOutput, writes the parameters' gradients
 * (overwriting, not accumulating) and returns dLoss/dInput. A model's first layer is
 * told `needInputGradient = false`: nothing consumes dLoss/dPixels while training, and
 * for a dense layer skipping it saves a third of the backward pass.
 *
 * Shapes: `[batch, in] -> [batch, out]`. Image layers (conv, pooling, batch norm) read
 * each row as one sample's [height, width, channels] stored channels-last (NHWC), so a
 * flattened feature map is the same array and needs no copy. Returned matrices are owned by the layer and
 * reused by its next call, so a caller that keeps one must copy it.
 */
export interface Layer {
  readonly spec: LayerSpec;
  forward(input: Matrix, training: boolean): Matrix;
  backward(gradOutput: Matrix, needInputGradient?: boolean): Matrix;
  params(): Param[];
  /** Non-trained tensors the model file must keep (batch norm's running statistics). */
  state?(): StateTensor[];
}
