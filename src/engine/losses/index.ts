import type { LossKind } from '../model/spec';
import type { DType } from '../tensor';
import type { Loss } from './loss';
import { SoftmaxCrossEntropy } from './softmax-cross-entropy';
import { SquaredError } from './squared-error';

export type { Loss } from './loss';
export { SoftmaxCrossEntropy } from './softmax-cross-entropy';
export { SquaredError } from './squared-error';
export { softmaxRows } from './softmax';

/**
 * A loss by kind. `labelSmoothing` (ε, softmax-cross-entropy only; the schema refuses it
 * with squared error) is for training: evaluation measures the plain loss.
 */
export function createLoss(kind: LossKind, dtype: DType = 'float32', labelSmoothing = 0): Loss {
  switch (kind) {
    case 'softmax-cross-entropy':
      return new SoftmaxCrossEntropy(dtype, labelSmoothing);
    case 'squared-error':
      return new SquaredError(dtype);
  }
}
