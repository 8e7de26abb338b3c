import type { LossKind } from '../model/spec';
import type { DType } from '../tensor';
import type { Loss } from './loss';
import { SoftmaxCrossEntropy } from './softmax-cross-entropy';
import { SquaredError } from './squared-error';

export type { Loss } from './loss';
export { SoftmaxCrossEntropy } from './softmax-cross-entropy';
export { SquaredError } from './squared-error';
export { softmaxRows } from './softmax';

export function createLoss(kind: LossKind, dtype: DType = 'float32'): Loss {
  switch (kind) {
    case 'softmax-cross-entropy':
      return new SoftmaxCrossEntropy(dtype);
    case 'squared-error':
      return new SquaredError(dtype);
  }
}
