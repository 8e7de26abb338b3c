import { describe, expect, it } from 'vitest';
import {
  digitThreshold,
  isRejectedScore,
  rejectedCount,
  rejectionScore,
  rejectionScores,
  separationAuroc,
} from '../../../src/engine/metrics/rejection';
import { Random } from '../../../src/engine/random';

describe('rejectionScore', () => {
  const logits = [2, -1, 0.5];

  it('gives the top softmax probability, the top logit and log-sum-exp, each at the temperature', () => {
    const sum = Math.exp(2) + Math.exp(-1) + Math.exp(0.5);
    expect(rejectionScore('max-probability', logits, 1)).toBeCloseTo(Math.exp(2) / sum, 12);
    expect(rejectionScore('max-logit', logits, 1)).toBe(2);
    expect(rejectionScore('energy', logits, 1)).toBeCloseTo(Math.log(sum), 12);
    const sumAt2 = Math.exp(1) + Math.exp(-0.5) + Math.exp(0.25);
    expect(rejectionScore('max-probability', logits, 2)).toBeCloseTo(Math.exp(1) / sumAt2, 12);
    expect(rejectionScore('max-logit', logits, 2)).toBe(1);
    expect(rejectionScore('energy', logits, 2)).toBeCloseTo(Math.log(sumAt2), 12);
  });

  it('keeps the size of the logits in max-logit and energy but not in the probability', () => {
    const small = [1, 0, 0];
    const large = [11, 10, 10];
    expect(rejectionScore('max-probability', large, 1)).toBeCloseTo(rejectionScore('max-probability', small, 1), 12);
    expect(rejectionScore('energy', large, 1)).toBeCloseTo(rejectionScore('energy', small, 1) + 10, 12);
    expect(rejectionScore('max-logit', large, 1) - rejectionScore('max-logit', small, 1)).toBe(10);
  });

  it('scores each row of a batch, and stays finite for huge logits', () => {
    const rows = rejectionScores('energy', [...logits, 1000, 999, -5], 3, 1);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toBeCloseTo(rejectionScore('energy', logits, 1), 12);
    expect(rows[1]).toBeCloseTo(1000 + Math.log(1 + Math.exp(-1) + Math.exp(-1005)), 9);
  });
});

describe('digitThreshold', () => {
  it('rejects at most 1% of every set, is the highest that does, and follows the stricter set', () => {
    const random = new Random(5);
    const a = Float64Array.from({ length: 5000 }, () => random.gaussian());
    const b = Float64Array.from({ length: 3000 }, () => random.gaussian() - 0.5);
    const threshold = digitThreshold([a, b], 0.01);
    expect(rejectedCount(a, threshold)).toBeLessThanOrEqual(50);
    expect(rejectedCount(b, threshold)).toBeLessThanOrEqual(30);
    // The set with the lower scores binds: a hair higher and it loses one more.
    expect(rejectedCount(b, threshold)).toBe(30);
    expect(rejectedCount(b, threshold + 1e-9)).toBe(31);
    expect(rejectedCount(a, threshold)).toBeLessThan(50);
  });

  it('never rejects more than allowed when scores tie at the threshold', () => {
    const tied = [0, 0, 0, 1, 1, 1, 1, 1, 1, 1];
    const threshold = digitThreshold([tied], 0.2);
    expect(rejectedCount(tied, threshold)).toBeLessThanOrEqual(2);
    expect(isRejectedScore(NaN, threshold)).toBe(true);
  });
});

describe('separationAuroc', () => {
  it('is 1 for perfect separation, 0 reversed, 0.5 for identical sets, and counts ties half', () => {
    expect(separationAuroc([3, 4, 5], [0, 1, 2])).toBe(1);
    expect(separationAuroc([0, 1], [3, 4])).toBe(0);
    expect(separationAuroc([1, 2, 3], [1, 2, 3])).toBe(0.5);
    // Pairs: (2>1) 1, (2 vs 2) 0.5, (3>1) 1, (3>2) 1 -> 3.5 / 4.
    expect(separationAuroc([2, 3], [1, 2])).toBe(0.875);
  });
});
