import { describe, expect, it } from 'vitest';
import { appendLossPoint, smoothSeries } from '../../../src/renderer/src/training/loss-series';
import type { LossPoint } from '../../../src/renderer/src/training/loss-series';

describe('the live loss curve', () => {
  it('appends in step order, replaces a repeated step, ignores older steps and non-finite losses', () => {
    let curve: readonly LossPoint[] = [];
    curve = appendLossPoint(curve, { step: 1, loss: 2.3 });
    curve = appendLossPoint(curve, { step: 5, loss: 1.9 });
    curve = appendLossPoint(curve, { step: 5, loss: 1.8 });
    curve = appendLossPoint(curve, { step: 3, loss: 9 });
    curve = appendLossPoint(curve, { step: 6, loss: NaN });
    expect(curve).toEqual([
      { step: 1, loss: 2.3 },
      { step: 5, loss: 1.8 },
    ]);
  });

  it('stays bounded on a long run, keeping the first and the newest point', () => {
    let curve: readonly LossPoint[] = [];
    for (let step = 1; step <= 10_000; step++) curve = appendLossPoint(curve, { step, loss: 1 / step }, 100);
    expect(curve.length).toBeLessThanOrEqual(100);
    expect(curve.length).toBeGreaterThan(40);
    expect(curve[0].step).toBe(1);
    expect(curve.at(-1)?.step).toBe(10_000);
    const steps = curve.map((p) => p.step);
    expect([...steps].sort((a, b) => a - b)).toEqual(steps);
  });
});

describe('smoothSeries: debiased exponential moving average', () => {
  it('weight 0 is the raw series', () => {
    expect(smoothSeries([3, 1, 2], 0)).toEqual([3, 1, 2]);
  });

  it('starts at the first value rather than near 0 (the debiasing), and a constant stays constant', () => {
    const smoothed = smoothSeries([2, 2, 2, 2], 0.9);
    for (const v of smoothed) expect(v).toBeCloseTo(2, 10);
  });

  it('matches the hand-computed average and damps noise', () => {
    // w = 0.5: a1 = 0.5*4 = 2 -> 2/0.5 = 4; a2 = 1 + 0 = 1 -> 1/0.75 = 4/3.
    expect(smoothSeries([4, 0], 0.5)).toEqual([4, 4 / 3]);
    const noisy = Array.from({ length: 200 }, (_, i) => 1 + (i % 2 === 0 ? 0.5 : -0.5));
    const smoothed = smoothSeries(noisy, 0.9).slice(50);
    expect(Math.max(...smoothed) - Math.min(...smoothed)).toBeLessThan(0.2);
  });
});
