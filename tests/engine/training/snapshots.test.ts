import { describe, expect, it } from 'vitest';
import { Sequential } from '../../../src/engine/model/sequential';
import {
  MAX_SNAPSHOTS,
  SNAPSHOT_BUDGET_BYTES,
  snapshotBudget,
  snapshotSteps,
} from '../../../src/engine/training/snapshots';
import { train } from '../../../src/engine/training/trainer';
import { evaluate } from '../../../src/engine/training/evaluate';
import { syntheticDigits, syntheticHyperparameters } from './synthetic';

const data = { train: syntheticDigits(600, 1), test: syntheticDigits(200, 2) };
// 600 images / 32 per batch = 19 steps per epoch.
const STEPS_PER_EPOCH = 19;

const bits = (tensors: { data: Float32Array }[]): number[][] =>
  tensors.map((t) => Array.from(new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.length)));

describe('snapshotSteps', () => {
  it('takes the start, early steps on a geometric scale, each epoch end and the last step', () => {
    expect(snapshotSteps(3 * 860, 860, 100_000)).toEqual([0, 10, 30, 100, 300, 860, 1720, 2580]);
    // A run shorter than an epoch ends on its last step.
    expect(snapshotSteps(250, 860, 100_000)).toEqual([0, 10, 30, 100, 250]);
    expect(snapshotSteps(2 * 19 + 5, 19, 1_000)).toEqual([0, 10, 19, 38, 43]);
  });

  it('keeps within MAX_SNAPSHOTS, the start and the end always', () => {
    const steps = snapshotSteps(100 * 50, 50, 1_000);
    expect(steps).toHaveLength(MAX_SNAPSHOTS);
    expect(steps[0]).toBe(0);
    expect(steps.at(-1)).toBe(5000);
    expect([...steps].sort((a, b) => a - b)).toEqual(steps);
  });

  it('keeps fewer for a big model, so that all of them fit SNAPSHOT_BUDGET_BYTES, and none past 8M parameters', () => {
    expect(snapshotBudget(1_000_000)).toBe(16);
    expect(snapshotBudget(4_000_000)).toBe(4);
    expect(snapshotBudget(9_000_000)).toBe(0);
    for (const parameters of [100_000, 1_000_000, 3_000_000]) {
      const steps = snapshotSteps(30 * 860, 860, parameters);
      expect(steps.length * 4 * parameters).toBeLessThanOrEqual(SNAPSHOT_BUDGET_BYTES);
    }
    expect(snapshotSteps(30 * 860, 860, 9_000_000)).toEqual([]);
  });
});

describe('train with keepSnapshots', () => {
  // Dropout, momentum, learning-rate decay and weight decay: every piece of the run's state.
  const h = syntheticHyperparameters({ dropout: 0.2, optimizer: 'momentum', momentum: 0.9, learningRate: 0.05, learningRateDecay: 0.9, weightDecay: 1e-4 });

  it('does not change the final weights, bit for bit', async () => {
    const plain = await train(h, data);
    const watched = await train(h, data, { keepSnapshots: true });
    expect(plain.snapshots).toBeUndefined();
    expect(bits(watched.model.exportWeights())).toEqual(bits(plain.model.exportWeights()));
    expect(watched.test).toEqual(plain.test);
  });

  it('keeps the weights at the planned steps; the last is the final model (before its temperature)', async () => {
    const result = await train(h, data, { keepSnapshots: true });
    const snapshots = result.snapshots!;
    expect(snapshots.map((s) => s.step)).toEqual([0, 10, 19, 38, 57]);
    expect(snapshots.map((s) => s.epoch)).toEqual([0, 10 / STEPS_PER_EPOCH, 1, 2, 3]);
    expect(bits(snapshots.at(-1)!.tensors)).toEqual(bits(result.model.exportWeights()));
    // Step 0 is the initialisation from the seed.
    const fresh = new Sequential(result.spec, { seed: h.seed });
    expect(bits(snapshots[0].tensors)).toEqual(bits(fresh.exportWeights()));
    // Each is a copy, not a view of weights that moved on: accuracy rises from chance along the timeline.
    const accuracyAt = (i: number): number =>
      evaluate(Sequential.fromWeights(result.spec, snapshots[i].tensors), data.test).accuracy;
    expect(accuracyAt(0)).toBeLessThan(0.4);
    expect(accuracyAt(snapshots.length - 1)).toBeGreaterThan(0.9);
  });

  it('a replay from the same seed gives identical snapshots, bit for bit; a changed hyperparameter does not', async () => {
    const first = await train(h, data, { keepSnapshots: true });
    const replay = await train(h, data, { keepSnapshots: true });
    const changed = await train({ ...h, learningRate: 0.02 }, data, { keepSnapshots: true });
    const all = (r: typeof first) => r.snapshots!.map((s) => ({ step: s.step, bits: bits(s.tensors) }));
    expect(all(replay)).toEqual(all(first));
    // Same start (same seed), another path from there.
    expect(bits(changed.snapshots![0].tensors)).toEqual(bits(first.snapshots![0].tensors));
    expect(bits(changed.snapshots!.at(-1)!.tensors)).not.toEqual(bits(first.snapshots!.at(-1)!.tensors));
  });
});
