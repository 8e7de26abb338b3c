/**
 * Counts of (true class, predicted class) pairs: `[classes, classes]`, row = true
 * class, column = predicted class, as scikit-learn's confusion_matrix lays it out.
 */
export function confusionMatrix(actual: ArrayLike<number>, predicted: ArrayLike<number>, classes = 10): number[][] {
  checkSameLength(actual, predicted);
  const matrix = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < actual.length; i++) {
    matrix[classIndex(actual[i], classes, 'actual')][classIndex(predicted[i], classes, 'predicted')]++;
  }
  return matrix;
}

/** Fraction of predictions that equal the true class; 0 when there are none. */
export function accuracy(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  checkSameLength(actual, predicted);
  if (actual.length === 0) return 0;
  let correct = 0;
  for (let i = 0; i < actual.length; i++) if (actual[i] === predicted[i]) correct++;
  return correct / actual.length;
}

function checkSameLength(actual: ArrayLike<number>, predicted: ArrayLike<number>): void {
  if (actual.length !== predicted.length) {
    throw new RangeError(`${actual.length} true classes but ${predicted.length} predictions`);
  }
}

function classIndex(value: number, classes: number, which: string): number {
  if (!Number.isInteger(value) || value < 0 || value >= classes) {
    throw new RangeError(`${which} class ${value} is not an integer in 0..${classes - 1}`);
  }
  return value;
}
