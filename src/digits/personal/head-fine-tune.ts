import type { Dataset } from '../../engine/data/dataset';
import { createLoss } from '../../engine/losses';
import type { Sequential } from '../../engine/model/sequential';
import { Random } from '../../engine/random';
import type { Matrix } from '../../engine/tensor';
import { matrix } from '../../engine/tensor';
import { BatchSampler } from '../../engine/training/batches';
import type { TrainingResult, UpdatedRun } from '../../engine/training/trainer';
import {
  MAX_LOSS_CURVE_POINTS,
  betweenSteps,
  epochRecord,
  finalFigures,
  optimizerFor,
  progressReporter,
  update,
} from '../../engine/training/trainer';
import type { Hyperparameters } from '../../shared/hyperparameters';
import type { EpochRecord, LossPoint, TrainingProgress } from '../../shared/training-progress';
import { PROGRESS_INTERVAL_MS } from '../../shared/training-progress';
import type { ForwardPool } from '../../engine/training/parallel-forward';
import type { FeatureRows } from './frozen-features';
import { frozenFeatures, headOf, withHead } from './frozen-features';

/** The base model's frozen features of the images a fine-tune replays and is tested on: the same for every fine-tune of that model. */
export interface ReplayFeatures {
  /** MNIST's first `trainSize` training images. */
  mnist: FeatureRows;
  /** The synthesised drawings the hyperparameters ask for (none: count 0). */
  synthetic: FeatureRows;
  /** The test images the result is measured on. */
  test: FeatureRows;
}

/** The frozen features of a fine-tune's replay, synthesised and test images: what a cache keeps per base model. */
export async function replayFeaturesOf(
  model: Sequential,
  frozen: number,
  sets: { mnist: Dataset; synthetic?: Dataset; test: Dataset },
  options: { pool?: ForwardPool; betweenBatches?: () => Promise<void> } = {},
): Promise<ReplayFeatures> {
  const of = (data: Dataset) => frozenFeatures(model, frozen, data, options);
  const mnist = await of(sets.mnist);
  const synthetic: FeatureRows = sets.synthetic?.count
    ? await of(sets.synthetic)
    : { features: new Float32Array(0), labels: new Uint8Array(0), count: 0, width: mnist.width };
  return { mnist, synthetic, test: await of(sets.test) };
}

export interface HeadFineTuneOptions {
  personal?: { train: Dataset; test?: Dataset; weight: number };
  onProgress?: (progress: TrainingProgress) => void;
  onEpoch?: (record: EpochRecord) => void;
  signal?: AbortSignal;
  now?: () => number;
}

/**
 * Fine-tunes only the dense head of a conv model, on features: the frozen layers' output
 * for MNIST's replay images, the person's drawings (repeated `weight` times) and the
 * synthesised drawings, in the trainer's order and from the same seed forks ('batches'
 * from the seed, 'dropout' inside the head), with the trainer's step (forward, loss,
 * backward, weight decay, the optimiser's update). What the trainer does to images and
 * cannot do here: augmentation distorts pixels, and cached features have none, so the
 * head trains on undistorted images only.
 *
 * The result is the trainer's: the whole model (the frozen layers bit for bit the base's,
 * the new head) with its history and the test and personal figures, at T = 1 (no
 * validation set, as with every fine-tune).
 */
export async function fineTuneHead(
  h: Hyperparameters,
  base: Sequential,
  frozen: number,
  replay: ReplayFeatures,
  options: HeadFineTuneOptions = {},
): Promise<TrainingResult> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const head = headOf(base, frozen, h.seed);
  const personalTrain = options.personal?.train.count
    ? await frozenFeatures(base, frozen, options.personal.train)
    : undefined;
  const personalTest = options.personal?.test?.count
    ? await frozenFeatures(base, frozen, options.personal.test)
    : undefined;

  // The trainer's training set (startRun): MNIST's, the person's `weight` times, the synthesised; as views, not copies.
  const rows: Float32Array[] = [];
  const labels: number[] = [];
  const addRows = (from: FeatureRows, times = 1): void => {
    for (let t = 0; t < times; t++) {
      for (let i = 0; i < from.count; i++) {
        rows.push(from.features.subarray(i * from.width, (i + 1) * from.width));
        labels.push(from.labels[i]);
      }
    }
  };
  addRows(replay.mnist);
  if (personalTrain) addRows(personalTrain, options.personal!.weight);
  const collectedCount = rows.length;
  addRows(replay.synthetic);

  const width = replay.mnist.width;
  const random = new Random(h.seed);
  const sampler = new BatchSampler(Uint32Array.from(rows.keys()), h.batchSize, h.sampling, random.fork('batches'));
  const loss = createLoss(head.spec.loss, 'float32', h.labelSmoothing);
  const stepsPerEpoch = sampler.stepsPerEpoch;
  const totalSteps = h.iterations ?? (h.epochs ?? 1) * stepsPerEpoch;
  const run: UpdatedRun = { h, optimizer: optimizerFor(h), params: head.params(), totalSteps, stepsPerEpoch };
  const totalEpochs = Math.ceil(totalSteps / stepsPerEpoch);
  const curveStride = Math.ceil(totalSteps / MAX_LOSS_CURVE_POINTS);
  const trainEval: FeatureRows = sliceRows(replay.mnist, Math.min(collectedCount, 10_000));

  const history: EpochRecord[] = [];
  const lossCurve: LossPoint[] = [];
  let batch: Matrix | undefined;
  let batchLabels = new Uint8Array(0);
  let trainingMs = 0;
  let samples = 0;
  let lastLoss: number | null = null;
  const endOfStep = betweenSteps(options.signal);

  const report = progressReporter(
    {
      onProgress: options.onProgress,
      interval: PROGRESS_INTERVAL_MS,
      now,
      started,
      run: { totalSteps, stepsPerEpoch, totalEpochs },
    },
    () => ({ trainingMs, samples, loss: lastLoss, last: history.at(-1) }),
  );

  for (let step = 1; step <= totalSteps; step++) {
    const stepStart = now();
    const indices = sampler.next();
    if (batch?.rows !== indices.length) {
      batch = matrix(indices.length, width, 'float32', 'kernel');
      batchLabels = new Uint8Array(indices.length);
    }
    for (let r = 0; r < indices.length; r++) {
      batch.data.set(rows[indices[r]], r * width);
      batchLabels[r] = labels[indices[r]];
    }
    const logits = head.forward(batch, true);
    const modelLoss = loss.forward(logits, batchLabels);
    head.backward(loss.backward());
    const batchLoss = update(run, step, modelLoss);
    trainingMs += now() - stepStart;
    samples += indices.length;
    lastLoss = batchLoss;
    if (step % curveStride === 0 || step === totalSteps) lossCurve.push({ step, loss: batchLoss });

    if (step % stepsPerEpoch === 0 || step === totalSteps) {
      report(step, 'evaluating', true);
      const onTrain = evaluateRows(head, trainEval);
      const onTest = evaluateRows(head, replay.test);
      const record = epochRecord(step, stepsPerEpoch, onTrain, onTest, (now() - started) / 1000);
      if (personalTest) record.personalTestAccuracy = evaluateRows(head, personalTest).accuracy;
      history.push(record);
      options.onEpoch?.(record);
      report(step, 'training', true);
    } else {
      report(step, 'training');
    }
    await endOfStep(step);
  }

  const finalTest = evaluateRows(head, replay.test);
  const finalPersonal = personalTest && evaluateRows(head, personalTest);
  const classes = head.classes;
  const model = withHead(base, frozen, head);
  return {
    model,
    spec: model.spec,
    hyperparameters: h,
    history,
    lossCurve,
    ...finalFigures(classes, finalTest, finalPersonal, { samples, trainingMs, totalSeconds: (now() - started) / 1000 }),
  };
}

/** The head over feature rows in inference mode, as evaluate() runs a model over images (500 at a time, loss at the model's temperature). */
export function evaluateRows(
  head: Sequential,
  data: FeatureRows,
): { loss: number; accuracy: number; count: number; predictions: Uint8Array; labels: Uint8Array } {
  const loss = createLoss(head.spec.loss);
  const classes = head.classes;
  const predictions = new Uint8Array(data.count);
  let totalLoss = 0;
  let correct = 0;
  let inputs: Matrix | undefined;
  for (let start = 0; start < data.count; start += 500) {
    const end = Math.min(start + 500, data.count);
    if (inputs?.rows !== end - start) inputs = matrix(end - start, data.width, 'float32', 'kernel');
    inputs.data.set(data.features.subarray(start * data.width, end * data.width));
    const batchLabels = data.labels.subarray(start, end);
    totalLoss += loss.forward(head.scaleLogits(head.forward(inputs, false)), batchLabels) * (end - start);
    const p = loss.probabilities().data;
    for (let r = 0; r < end - start; r++) {
      let best = 0;
      for (let j = 1; j < classes; j++) if (p[r * classes + j] > p[r * classes + best]) best = j;
      predictions[start + r] = best;
      if (best === batchLabels[r]) correct++;
    }
  }
  const count = data.count;
  return {
    loss: count ? totalLoss / count : 0,
    accuracy: count ? correct / count : 0,
    count,
    predictions,
    labels: data.labels,
  };
}

function sliceRows(data: FeatureRows, count: number): FeatureRows {
  const n = Math.min(count, data.count);
  return {
    features: data.features.subarray(0, n * data.width),
    labels: data.labels.subarray(0, n),
    count: n,
    width: data.width,
  };
}
