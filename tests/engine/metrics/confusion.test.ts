import { describe, expect, it } from 'vitest';
import { accuracy, confusionMatrix } from '../../../src/engine/metrics/confusion';

describe('confusionMatrix', () => {
  it('counts true classes in rows and predictions in columns', () => {
    // scikit-learn's docstring example: confusion_matrix([2, 0, 2, 2, 0, 1], [0, 0, 2, 2, 0, 2])
    expect(confusionMatrix([2, 0, 2, 2, 0, 1], [0, 0, 2, 2, 0, 2], 3)).toEqual([
      [2, 0, 0],
      [0, 0, 1],
      [1, 0, 2],
    ]);
  });

  it('has ten classes by default and accepts typed arrays', () => {
    const matrix = confusionMatrix(Uint8Array.of(9, 9, 3), Uint8Array.of(9, 4, 3));
    expect(matrix).toHaveLength(10);
    expect(matrix.every((row) => row.length === 10)).toBe(true);
    expect(matrix[9][9]).toBe(1);
    expect(matrix[9][4]).toBe(1);
    expect(matrix[3][3]).toBe(1);
    expect(matrix.flat().reduce((a, b) => a + b, 0)).toBe(3);
  });

  it('rejects mismatched lengths and classes out of range', () => {
    expect(() => confusionMatrix([0, 1], [0])).toThrow(RangeError);
    expect(() => confusionMatrix([0, 3], [0, 1], 3)).toThrow(/actual class 3/);
    expect(() => confusionMatrix([0], [1.5], 3)).toThrow(/predicted class 1.5/);
  });
});

describe('accuracy', () => {
  it('is the fraction of predictions that match', () => {
    expect(accuracy([0, 1, 2, 3], [0, 2, 1, 3])).toBe(0.5);
    expect(accuracy([7, 7, 7], [7, 7, 7])).toBe(1);
  });

  it('is 0 for no samples and rejects mismatched lengths', () => {
    expect(accuracy([], [])).toBe(0);
    expect(() => accuracy([1], [1, 2])).toThrow(RangeError);
  });
});
