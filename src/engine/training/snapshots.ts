import { TIMELINE_LIMITS } from '../../shared/timeline';
import type { NamedTensor } from '../model/sequential';

/**
 * A training timeline: copies of the weights at chosen steps of a run, so the run can be
 * watched again afterwards (the Network and Report screens scrub through them). Taking
 * one only reads the weights, so a run with snapshots ends with the same weights, bit for
 * bit, as one without.
 */

/** At most this many snapshots a run: enough points to scrub through, few enough to list. */
export const MAX_SNAPSHOTS = TIMELINE_LIMITS.snapshots;

/**
 * The weights all of a run's snapshots may hold together: 64 MiB of float32, one model
 * file's bound (MODEL_FILE_LIMITS.fileBytes). A model of P parameters (batch norm's
 * statistics included) keeps at most floor(budget / 4P) snapshots, and MAX_SNAPSHOTS:
 * the quick preset's 784-128-10 (102k parameters, 0.4 MB a snapshot) keeps 24, a model
 * of 1M parameters 16, of 4M 4, and one of more than 8M none, as two (the start and
 * the end) are the fewest that make a timeline.
 */
export const SNAPSHOT_BUDGET_BYTES = 64 * 1024 * 1024;

/** The weights after `step` steps (0: as initialised), `epoch` = step / steps per epoch. */
export interface TrainingSnapshot {
  step: number;
  epoch: number;
  tensors: NamedTensor[];
}

/** How many snapshots fit the budget for a model of `parameters` float32 values: 0 when fewer than 2 would. */
export function snapshotBudget(parameters: number): number {
  const fits = Math.min(MAX_SNAPSHOTS, Math.floor(SNAPSHOT_BUDGET_BYTES / (4 * Math.max(1, parameters))));
  return fits >= 2 ? fits : 0;
}

/**
 * The steps after which a run takes its snapshots: the start (step 0), early steps on a
 * geometric scale (10, 30, 100, 300, 1000... within the first epoch), where the weights
 * change the most, each epoch's end and the last step. When more than the budget allows,
 * the start and the end stay and the rest are thinned evenly through the list.
 */
export function snapshotSteps(totalSteps: number, stepsPerEpoch: number, parameters: number): number[] {
  const budget = snapshotBudget(parameters);
  if (budget === 0 || totalSteps < 1) return [];
  const steps = new Set<number>([0, totalSteps]);
  const firstEpoch = Math.min(stepsPerEpoch, totalSteps);
  for (let decade = 10; decade < firstEpoch; decade *= 10) {
    for (const step of [decade, 3 * decade]) if (step < firstEpoch) steps.add(step);
  }
  for (let step = stepsPerEpoch; step <= totalSteps; step += stepsPerEpoch) steps.add(step);
  const all = [...steps].sort((a, b) => a - b);
  if (all.length <= budget) return all;
  const kept = new Set<number>();
  for (let k = 0; k < budget; k++) kept.add(all[Math.round((k * (all.length - 1)) / (budget - 1))]);
  return [...kept].sort((a, b) => a - b);
}

/** Float32 values in a set of tensors. */
export function valueCount(tensors: readonly NamedTensor[]): number {
  return tensors.reduce((n, t) => n + t.data.length, 0);
}
