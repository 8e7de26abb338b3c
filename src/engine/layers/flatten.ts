import type { Matrix } from '../tensor';
import type { LayerSpec } from '../model/spec';
import type { Layer, Param } from './layer';

/**
 * Where a feature map [H, W, C] becomes a vector of H·W·C features. Samples are already
 * rows of NHWC data, so flattening is the identity on the data both ways; the layer
 * exists so a spec (and its summary) says where the convolutional part ends.
 *
 * Shapes: [batch, H·W·C] -> [batch, H·W·C].
 */
export class Flatten implements Layer {
  constructor(readonly spec: Extract<LayerSpec, { type: 'flatten' }>) {}

  forward(input: Matrix, _training: boolean): Matrix {
    return input;
  }

  backward(gradOutput: Matrix): Matrix {
    return gradOutput;
  }

  params(): Param[] {
    return [];
  }
}
