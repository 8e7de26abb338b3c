import { describe, expect, it } from 'vitest';
import {
  cellIntensity,
  formatMetric,
  formatShare,
  galleryEntries,
  normaliseRows,
  trainingCurves,
} from '../../../src/renderer/src/report/report-math';
import { evaluationOf, probs } from '../../fixtures/evaluations';

describe('formatting as scikit-learn prints it', () => {
  it('gives metrics four decimals, rounding half away as toFixed does', () => {
    expect(formatMetric(0.98765)).toBe('0.9877');
    expect(formatMetric(1)).toBe('1.0000');
    expect(formatMetric(0)).toBe('0.0000');
    expect(formatMetric(NaN)).toBe('—');
  });

  it('gives row shares as short percentages that fit a matrix cell', () => {
    expect(formatShare(0)).toBe('0');
    expect(formatShare(1)).toBe('100%');
    expect(formatShare(0.9847)).toBe('98.5%');
    expect(formatShare(0.0004)).toBe('<0.1%');
  });
});

describe('normaliseRows', () => {
  it('divides each row by its own sum, so each row adds up to 1', () => {
    expect(
      normaliseRows([
        [3, 1],
        [0, 4],
      ]),
    ).toEqual([
      [0.75, 0.25],
      [0, 1],
    ]);
  });

  it('leaves a digit that never occurs as a row of zeros, not NaN', () => {
    expect(normaliseRows([[0, 0, 0]])).toEqual([[0, 0, 0]]);
  });
});

describe('cellIntensity', () => {
  it('tints the diagonal by its share and makes rare mistakes visible', () => {
    expect(cellIntensity(0.98, true)).toBeCloseTo(0.98);
    expect(cellIntensity(0, false)).toBe(0);
    // Half a percent of a row is a real pattern: visibly tinted, but lighter than a big share.
    expect(cellIntensity(0.005, false)).toBeGreaterThan(0.1);
    expect(cellIntensity(0.005, false)).toBeLessThan(cellIntensity(0.05, false));
    expect(cellIntensity(0.9, false)).toBe(1);
  });
});

describe('galleryEntries', () => {
  const evaluation = evaluationOf([
    [3, 5, probs(5, 0.6, [3, 0.3])], // 0: a mistake, 60% sure
    [3, 3, probs(3, 0.99)], // 1: correct, sure
    [3, 5, probs(5, 0.95, [3, 0.01])], // 2: a mistake, 95% sure
    [5, 3, probs(3, 0.9)], // 3: the other way round: another cell
    [3, 5, probs(5, 0.7, [3, 0.2])], // 4: a mistake, 70% sure
    [3, 3, probs(3, 0.5)], // 5: correct, barely
  ]);

  it('lists only the images of that cell, most confident mistakes first', () => {
    const entries = galleryEntries(evaluation, 3, 5);
    expect(entries.map((e) => e.index)).toEqual([2, 4, 0]);
    expect(entries[0].predictedProbability).toBeCloseTo(0.95);
    expect(entries[0].trueProbability).toBeCloseTo(0.01);
  });

  it('lists a diagonal cell least confident first: the near misses', () => {
    expect(galleryEntries(evaluation, 3, 3).map((e) => e.index)).toEqual([5, 1]);
  });

  it('gives an empty list for an empty cell', () => {
    expect(galleryEntries(evaluation, 0, 9)).toEqual([]);
  });
});

describe('trainingCurves', () => {
  const epoch = (n: number, extra: object = {}) => ({
    epoch: n,
    trainLoss: 1 / n,
    trainAccuracy: 0.9,
    testLoss: 2 / n,
    testAccuracy: 0.8,
    ...extra,
  });

  it('turns the history into columns in epoch order', () => {
    const curves = trainingCurves([epoch(2), epoch(1)]);
    expect(curves?.epochs).toEqual([1, 2]);
    expect(curves?.trainLoss).toEqual([1, 0.5]);
    expect(curves?.testLoss).toEqual([2, 1]);
    expect(curves?.validationLoss).toBeUndefined();
  });

  it('adds validation columns only when the model held out a validation split', () => {
    const curves = trainingCurves([epoch(1, { validationLoss: 0.3, validationAccuracy: 0.7 }), epoch(2)]);
    expect(curves?.validationLoss).toEqual([0.3, null]);
    expect(curves?.validationAccuracy).toEqual([0.7, null]);
  });

  it('says there are no curves for an empty history', () => {
    expect(trainingCurves([])).toBeUndefined();
  });
});
