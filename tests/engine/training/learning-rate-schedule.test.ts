import { describe, expect, it } from 'vitest';
import { ONE_CYCLE, oneCycleLearningRate } from '../../../src/engine/training/learning-rate-schedule';
import { startRun, trainStep } from '../../../src/engine/training/trainer';
import { syntheticDigits, syntheticHyperparameters } from './synthetic';

describe('one-cycle learning rate', () => {
  // 101 steps: step s is at t = (s − 1) / 100, so the warm-up peaks at step 31.
  const rate = (step: number) => oneCycleLearningRate(0.01, step, 101);

  it('starts at peak / 25, peaks at 30% of the steps and ends at peak / 250,000', () => {
    expect(rate(1)).toBeCloseTo(0.01 / 25, 15);
    expect(rate(31)).toBeCloseTo(0.01, 15);
    expect(rate(101)).toBeCloseTo(0.01 / 250_000, 15);
    expect(ONE_CYCLE.warmupFraction).toBe(0.3);
  });

  it('follows half a cosine each way: half-way up at 15%, half-way down at 65%', () => {
    const lo = 0.01 / 25;
    const end = 0.01 / 250_000;
    expect(rate(16)).toBeCloseTo((lo + 0.01) / 2, 15);
    expect(rate(66)).toBeCloseTo((end + 0.01) / 2, 15);
  });

  it('rises to the peak and falls after it, step by step', () => {
    const rates = Array.from({ length: 101 }, (_, i) => rate(i + 1));
    for (let i = 1; i <= 30; i++) expect(rates[i]).toBeGreaterThan(rates[i - 1]);
    for (let i = 31; i <= 100; i++) expect(rates[i]).toBeLessThan(rates[i - 1]);
  });

  it("is the trainer's rate at every step of a one-cycle run", () => {
    const h = syntheticHyperparameters({ learningRateSchedule: 'one-cycle', epochs: 2 });
    const run = startRun(h, syntheticDigits(200, 1));
    const used: number[] = [];
    for (let step = 1; step <= run.totalSteps; step++)
      trainStep(run, { beforeUpdate: () => used.push(run.optimizer.learningRate) });
    const expected = Array.from({ length: run.totalSteps }, (_, i) =>
      oneCycleLearningRate(h.learningRate, i + 1, run.totalSteps),
    );
    expect(used).toEqual(expected);
  });
});
