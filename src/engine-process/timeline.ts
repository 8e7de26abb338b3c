import { stat } from 'node:fs/promises';
import type { Dataset } from '../engine/data/dataset';
import { sliceDataset } from '../engine/data/dataset';
import { confusionMatrix } from '../engine/metrics/confusion';
import { Sequential } from '../engine/model/sequential';
import type { ModelSpec } from '../engine/model/spec';
import { evaluate } from '../engine/training/evaluate';
import { checkedModelDigest, readModelFileBytes } from '../digits/io/model-file';
import type { SnapshotFileContent } from '../digits/io/snapshot-file';
import { readSnapshotFile } from '../digits/io/snapshot-file';
import type { SnapshotEvaluation, SnapshotPoint, Timeline } from '../shared/timeline';
import { LruCache } from './model-cache';

/**
 * The training timeline in the engine process: a model's snapshot file read (and checked
 * against the model file it names) once per file, each snapshot built into a model when
 * first looked at, and each snapshot's accuracy and confusion matrix on the test images
 * measured once per test size and kept for as long as the file is. Snapshots are models
 * as they were mid-training: at temperature 1, never calibrated.
 */

export class TimelineError extends Error {
  constructor(
    readonly code: 'not-found' | 'invalid-model' | 'invalid-payload',
    message: string,
  ) {
    super(message);
    this.name = 'TimelineError';
  }
}

/** Where a model's timeline is, and which snapshot of it to look at. */
export interface SnapshotRef {
  /** The snapshot file (ModelStore.snapshotsPathOf). */
  path: string;
  index: number;
}

interface LoadedTimeline {
  content: SnapshotFileContent;
  bytes: number;
  /** Built snapshot models, the last few looked at (each is a whole copy of the weights). */
  models: LruCache<number, Sequential>;
  /** Accuracy and confusion by `${index}:${testSize}`. */
  evaluations: Map<string, SnapshotEvaluation>;
}

/** Timelines kept read: the one being scrubbed and one more (each at most SNAPSHOT_BUDGET_BYTES of weights). */
const timelines = new LruCache<string, Promise<LoadedTimeline>>(2);

/** Test images per turn: a cancel or another job's message is heard between turns. */
const TURN = 500;

async function fileKey(path: string): Promise<string> {
  return stat(path).then(({ ino, size, mtimeMs }) => `${path}:${ino}:${size}:${mtimeMs}`, () => `${path}:missing`);
}

/** The timeline at `snapshotPath` of the model file at `modelPath`; not-found when it kept none. */
async function loadTimeline(modelPath: string, snapshotPath: string): Promise<LoadedTimeline> {
  const key = `${await fileKey(snapshotPath)}\0${await fileKey(modelPath)}`;
  let loaded = timelines.get(key);
  if (!loaded) {
    const loading = (async (): Promise<LoadedTimeline> => {
      let content: SnapshotFileContent;
      try {
        content = await readSnapshotFile(snapshotPath);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new TimelineError('not-found', 'this model kept no training snapshots');
        throw new TimelineError('invalid-model', (error as Error).message);
      }
      if (content.modelDigest !== checkedModelDigest(await readModelFileBytes(modelPath))) {
        throw new TimelineError('invalid-model', 'its training snapshots belong to another model file');
      }
      const { size } = await stat(snapshotPath);
      return { content, bytes: size, models: new LruCache(2), evaluations: new Map() };
    })();
    loading.catch(() => timelines.deleteIf(key, loading));
    timelines.set(key, loading);
    loaded = loading;
  }
  return loaded;
}

function pointOf(content: SnapshotFileContent, index: number): SnapshotPoint {
  const snapshot = content.snapshots[index];
  if (!snapshot) {
    throw new TimelineError('not-found', `there is no snapshot ${index}: this model kept ${content.snapshots.length} (0..${content.snapshots.length - 1})`);
  }
  return { index, step: snapshot.step, epoch: snapshot.epoch };
}

/** A model's snapshots in order, and the bytes they take; none when it kept no timeline. */
export async function listSnapshots(modelPath: string, snapshotPath: string): Promise<Timeline> {
  try {
    const { content, bytes } = await loadTimeline(modelPath, snapshotPath);
    return { snapshots: content.snapshots.map((_, i) => pointOf(content, i)), bytes };
  } catch (error) {
    if (error instanceof TimelineError && error.code === 'not-found') return { snapshots: [], bytes: 0 };
    throw error;
  }
}

/** Snapshot `ref.index` as a ready-to-run model of `spec` (the model file's architecture), at temperature 1. */
export async function snapshotModel(modelPath: string, spec: ModelSpec, ref: SnapshotRef): Promise<Sequential> {
  const timeline = await loadTimeline(modelPath, ref.path);
  pointOf(timeline.content, ref.index);
  let model = timeline.models.get(ref.index);
  if (!model) {
    try {
      model = Sequential.fromWeights(spec, timeline.content.snapshots[ref.index].tensors);
    } catch (error) {
      throw new TimelineError('invalid-model', `its snapshot ${ref.index} does not fit the model: ${(error as Error).message}`);
    }
    timeline.models.set(ref.index, model);
  }
  return model;
}

/** Snapshot `ref.index` on `test` (the first test images), measured once per size and kept. */
export async function evaluateSnapshot(
  modelPath: string,
  spec: ModelSpec,
  ref: SnapshotRef,
  test: Dataset,
  nextTurn: () => Promise<void>,
): Promise<SnapshotEvaluation> {
  const timeline = await loadTimeline(modelPath, ref.path);
  const key = `${ref.index}:${test.count}`;
  const kept = timeline.evaluations.get(key);
  if (kept) return kept;
  const point = pointOf(timeline.content, ref.index);
  const model = await snapshotModel(modelPath, spec, ref);
  const labels = new Uint8Array(test.count);
  const predictions = new Uint8Array(test.count);
  let totalLoss = 0;
  for (let start = 0; start < test.count; start += TURN) {
    await nextTurn();
    const turn = evaluate(model, sliceDataset(test, start, Math.min(start + TURN, test.count)));
    labels.set(turn.labels, start);
    predictions.set(turn.predictions, start);
    totalLoss += turn.loss * turn.count;
  }
  const correct = labels.reduce((n, label, i) => n + (label === predictions[i] ? 1 : 0), 0);
  const result: SnapshotEvaluation = {
    ...point,
    count: test.count,
    accuracy: test.count === 0 ? 0 : correct / test.count,
    loss: test.count === 0 ? 0 : totalLoss / test.count,
    confusion: confusionMatrix(labels, predictions, model.classes),
  };
  timeline.evaluations.set(key, result);
  return result;
}
