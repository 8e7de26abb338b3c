import type { Dataset } from '../engine/data/dataset';
import { sliceDataset } from '../engine/data/dataset';
import { applyEdits } from '../engine/model/experiment';
import { inspectActivations } from '../engine/model/inspect';
import type { Sequential } from '../engine/model/sequential';
import { evaluate } from '../engine/training/evaluate';
import type { ExperimentEdit, ExperimentResult } from '../shared/experiment';
import type { Activations } from '../shared/inspection';

/**
 * "Break it" in the engine process: the edited copy of a loaded model (applyEdits), its
 * accuracy on the first test images against the model's own, and its activations. The
 * model as loaded is never written: every experiment starts again from it, so restoring
 * is asking with no edits.
 */

type Broken = ReturnType<typeof applyEdits>;

/** Each loaded model's last edited copy: the drawing changes far more often than the edits. */
const lastCopy = new WeakMap<Sequential, { edits: string; broken: Broken }>();
/** Each loaded model's own accuracy, by test size: the baseline every experiment is held against. */
const ownAccuracy = new WeakMap<Sequential, Map<number, number>>();

/** Test images per turn, as the engine's evaluations: a cancel or another job's message is heard between turns. */
const TURN = 500;

export function editedModel(model: Sequential, edits: readonly ExperimentEdit[]): Broken {
  if (edits.length === 0) return { model, applied: [] };
  const key = JSON.stringify(edits);
  const cached = lastCopy.get(model);
  if (cached?.edits === key) return cached.broken;
  const broken = applyEdits(model, edits);
  lastCopy.set(model, { edits: key, broken });
  return broken;
}

/** The share of `test` the model classifies right, a turn of TURN images at a time. */
async function accuracyOf(model: Sequential, test: Dataset, nextTurn: () => Promise<void>): Promise<number> {
  let correct = 0;
  for (let start = 0; start < test.count; start += TURN) {
    await nextTurn();
    const turn = evaluate(model, sliceDataset(test, start, Math.min(start + TURN, test.count)));
    correct += Math.round(turn.accuracy * turn.count);
  }
  return test.count === 0 ? 0 : correct / test.count;
}

/** The edited model against the model itself: the drawing's probabilities and the accuracy on `test`. */
export async function runExperiment(
  model: Sequential,
  edits: readonly ExperimentEdit[],
  pixels: Float32Array,
  test: Dataset,
  nextTurn: () => Promise<void>,
): Promise<ExperimentResult> {
  const broken = editedModel(model, edits);
  let byTestSize = ownAccuracy.get(model);
  if (!byTestSize) ownAccuracy.set(model, (byTestSize = new Map()));
  let originalTestAccuracy = byTestSize.get(test.count);
  if (originalTestAccuracy === undefined) {
    originalTestAccuracy = await accuracyOf(model, test, nextTurn);
    byTestSize.set(test.count, originalTestAccuracy);
  }
  const testAccuracy = broken.model === model ? originalTestAccuracy : await accuracyOf(broken.model, test, nextTurn);
  return {
    edits: [...edits],
    applied: broken.applied,
    probabilities: broken.model.predictOne(pixels),
    originalProbabilities: model.predictOne(pixels),
    testAccuracy,
    originalTestAccuracy,
    testCount: test.count,
  };
}

/** Every layer of the edited model for one input, and, when there are edits, what the model itself says. */
export function experimentActivations(
  model: Sequential,
  edits: readonly ExperimentEdit[],
  pixels: Float32Array,
  maxValues?: number,
): Activations & { originalProbabilities?: number[] } {
  const activations = inspectActivations(editedModel(model, edits).model, pixels, maxValues);
  return edits.length === 0 ? activations : { ...activations, originalProbabilities: model.predictOne(pixels) };
}
