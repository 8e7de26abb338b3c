import { describe, expect, it } from 'vitest';
import { wilsonInterval } from '../../../bench/drawn-set/confidence';

describe('wilsonInterval', () => {
  it("matches Newcombe's (1998) Table I, method 3, to four places", () => {
    const cases: [number, number, number, number][] = [
      [81, 263, 0.2553, 0.3662],
      [15, 148, 0.0624, 0.1605],
      [0, 20, 0, 0.1611],
      [1, 29, 0.0061, 0.1718],
    ];
    for (const [successes, trials, low, high] of cases) {
      const interval = wilsonInterval(successes, trials);
      expect(interval.low).toBeCloseTo(low, 4);
      expect(interval.high).toBeCloseTo(high, 4);
    }
  });

  it('stays inside [0, 1] and keeps width at all-right, mirroring all-wrong', () => {
    const allRight = wilsonInterval(29, 29);
    const allWrong = wilsonInterval(0, 29);
    expect(allRight.high).toBe(1);
    expect(allRight.low).toBeCloseTo(1 - allWrong.high, 12);
    expect(allRight.low).toBeLessThan(0.9);
  });

  it('narrows as the count grows', () => {
    const small = wilsonInterval(9, 10);
    const large = wilsonInterval(900, 1000);
    expect(large.high - large.low).toBeLessThan((small.high - small.low) / 5);
  });

  it('rejects counts that are not a proportion', () => {
    expect(() => wilsonInterval(1, 0)).toThrow(RangeError);
    expect(() => wilsonInterval(5, 4)).toThrow(RangeError);
    expect(() => wilsonInterval(-1, 4)).toThrow(RangeError);
  });
});
