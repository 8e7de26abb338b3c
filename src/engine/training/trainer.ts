import type { Hyperparameters } from '../../shared/hyperparameters';
import type { ModelCalibration } from '../../shared/model-metadata';
import type { EpochRecord, LossPoint, TrainingProgress } from '../../shared/training-progress';
import { PROGRESS_INTERVAL_MS } from '../../shared/training-progress';
import type { Dataset } from '../data/dataset';
import { JoinedDataset, oversampledParts, sliceDataset } from '../data/dataset';

import { createLoss } from '../losses';
import type { Loss } from '../losses';
import type { Param } from '../layers/layer';
import { confusionMatrix } from '../metrics/confusion';
import { Sequential } from '../model/sequential';
import type { ModelSpec } from '../model/spec';
import type { Matrix } from '../tensor';
import { createOptimizer } from '../optimizers';
import type { Optimizer } from '../optimizers/optimizer';
import { Random } from '../random';
import { modelSpecFor } from './architecture';
import { Augmenter, augments } from './augmentation';
import { BatchSampler, BatchStream } from './batches';
import { DataParallel } from './data-parallel';
import { TrainingCancelledError, TrainingDivergedError } from './errors';
import { forwardRows, scoreLogits } from './evaluate';
import { oneCycleLearningRate } from './learning-rate-schedule';
import type { Evaluation } from './evaluate';
import { applyWeightDecay, weightDecayPenalty } from './regularisation';
import type { TrainingSnapshot } from './snapshots';
import { snapshotSteps, valueCount } from './snapshots';
import { fitTemperature, measureCalibration } from './temperature-scaling';

export interface TrainingData {
  /**
   * Training images: the model trains on the first `trainSize` and validates on the last
   * `validationSize`, so with a validation set this must be the whole training file.
   */
  train: Dataset;
  test: Dataset;
}

/** A model file keeps every step's loss up to this many steps, then every k-th step's. */
export const MAX_LOSS_CURVE_POINTS = 10_000;

export interface TrainingResult {
  model: Sequential;
  spec: ModelSpec;
  hyperparameters: Hyperparameters;
  history: EpochRecord[];
  /** The raw batch loss of every step (of every k-th step past MAX_LOSS_CURVE_POINTS steps). */
  lossCurve: LossPoint[];
  /** The final (calibrated) model on the validation set, when the hyperparameters hold one out. */
  validation?: { accuracy: number; loss: number; count: number };
  /** The temperature fitted on the validation set (the model's `temperature`), when there is one. */
  calibration?: ModelCalibration;
  /** The final (calibrated) model on the test set: the held-out figure, for reporting, not for choosing. */
  test: { accuracy: number; loss: number; confusion: number[][] };
  /** Accuracy on the held-out personal drawings, when there were any. */
  personalTest?: { accuracy: number; count: number; confusion: number[][] };
  /** With `keepSnapshots`: the weights at the steps snapshotSteps chose (uncalibrated, T = 1), the last step's last. */
  snapshots?: TrainingSnapshot[];
  samplesPerSecond: number;
  trainingSeconds: number;
  totalSeconds: number;
  /** How many threads trained it (absent: 1): with the seed, what makes the run repeatable (data-parallel.ts). */
  threads?: number;
}

export interface TrainOptions {
  onProgress?: (progress: TrainingProgress) => void;
  onEpoch?: (record: EpochRecord) => void;
  signal?: AbortSignal;
  /** Progress is reported at most this often, except an epoch's last step (default PROGRESS_INTERVAL_MS). */
  progressIntervalMs?: number;
  /** Milliseconds, for timing and the progress throttle; tests pass a fake clock. */
  now?: () => number;
  /** Train accuracy is measured on at most this many training images per epoch. */
  trainEvalSize?: number;
  /** Start from these weights instead of a fresh initialisation (fine-tuning). */
  initialModel?: Sequential;
  /**
   * A person's own labelled drawings: `train` joins MNIST's training images
   * `weight` times over, `test` is scored after every epoch beside MNIST's test set.
   */
  personal?: { train: Dataset; test?: Dataset; weight: number };
  /**
   * Images made for training rather than collected, joined to the training images once
   * (the app's are drawings synthesised from strokes, src/digits/synthetic/training-set.ts);
   * a label of NO_CLASS_LABEL trains towards equal probabilities.
   */
  synthetic?: Dataset;
  /** Keep snapshots of the weights for a training timeline (snapshots.ts); they do not change the run. */
  keepSnapshots?: boolean;
  /**
   * Threads that share each mini-batch (data-parallel.ts; default 1, the calling thread
   * alone). A seed and a thread count give the same weights every time; another thread
   * count sums the gradients in another order and draws other dropout masks.
   */
  threads?: number;
}

/**
 * Trains a model on MNIST-shaped data.
 *
 * All randomness comes from forks of one seed ('init', 'dropout' inside the model;
 * 'batches' and 'augmentation' here), so a seed gives bit-identical weights on one machine.
 * The validation set is no random draw: it is the last `validationSize` images of
 * `data.train`, the same for every run, and never overlaps the first `trainSize`.
 * The loop yields to the event loop every few milliseconds so that a cancel message,
 * or an IPC ping, can arrive between steps.
 *
 * Training runs at temperature 1 (the history is the network's own softmax). At the end
 * the temperature is fitted on the validation set (temperature-scaling.ts), when there is
 * one, and set on the model, so the final validation and test figures are the calibrated
 * model's; without a validation set the model stays at T = 1, uncalibrated.
 */
export async function train(
  h: Hyperparameters,
  data: TrainingData,
  options: TrainOptions = {},
): Promise<TrainingResult> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const run = startRun(h, data.train, options);
  const threads = options.threads ?? 1;
  // On several threads each applies its own rows' distortions (batches.ts, deferDistortions).
  const augmentation = threads > 1 && augments(h.augmentation) ? h.augmentation : undefined;
  const parallel =
    threads > 1
      ? await DataParallel.start(run.model, run.loss, {
          threads,
          seed: h.seed,
          maxRows: h.batchSize,
          labelSmoothing: h.labelSmoothing,
          augmentation: augmentation && { settings: augmentation, rows: run.trainSet.rows, cols: run.trainSet.cols },
          update: { optimizer: run.optimizer, l2: h.weightDecay, l1: h.l1 },
        })
      : undefined;
  run.batches.deferDistortions = augmentation !== undefined;
  try {
    return await trainRun(run);
  } finally {
    await parallel?.close();
  }

  async function trainRun(run: TrainingRun): Promise<TrainingResult> {
    const { model, spec, trainSet, stepsPerEpoch, totalSteps } = run;
    const validation = validationSet(data.train, h.trainSize, h.validationSize ?? 0);
    const personalTest = options.personal?.test?.count ? options.personal.test : undefined;
    // Train accuracy is of collected images only (they come first): a no-class image has no right answer.
    const trainEvalSet = trainSet.head(Math.min(run.collectedCount, options.trainEvalSize ?? 10_000));
    /** The model's raw logits for `d`: on the training threads when there are several (they sit idle between steps). */
    const logitsOf = (d: Dataset): Promise<Float32Array> | Float32Array =>
      parallel ? parallel.logitsOf(d) : forwardRows(model, d).outputs;
    /** evaluate()'s figures for `d`, from logitsOf. */
    const evaluation = async (d: Dataset, logits?: Float32Array): Promise<Evaluation> =>
      scoreLogits(model, logits ?? (await logitsOf(d)), d.labels.slice(0, d.count));

    const history: EpochRecord[] = [];
    const lossCurve: LossPoint[] = [];
    const curveStride = Math.ceil(totalSteps / MAX_LOSS_CURVE_POINTS);
    let lastLoss: number | null = null;
    let samples = 0;
    let trainingMs = 0;
    const endOfStep = betweenSteps(options.signal);
    const interval = options.progressIntervalMs ?? PROGRESS_INTERVAL_MS;
    const snapshots: TrainingSnapshot[] = [];
    const snapshotAt = new Set(
      options.keepSnapshots ? snapshotSteps(totalSteps, stepsPerEpoch, valueCount(model.exportWeights())) : [],
    );
    const snapshot = (step: number): void => {
      if (snapshotAt.has(step)) snapshots.push({ step, epoch: step / stepsPerEpoch, tensors: model.exportWeights() });
    };
    snapshot(0);

    const report = progressReporter({ onProgress: options.onProgress, interval, now, started, run }, () => ({
      trainingMs,
      samples,
      loss: lastLoss,
      last: history.at(-1),
    }));

    for (let step = 1; step <= totalSteps; step++) {
      const stepStart = now();
      const { loss: batchLoss, inputs } = parallel ? await trainStepParallel(run, parallel) : trainStep(run);
      samples += inputs.rows;
      trainingMs += now() - stepStart;

      lastLoss = batchLoss;
      snapshot(step);
      if (step % curveStride === 0 || step === totalSteps) lossCurve.push({ step, loss: batchLoss });

      if (step % stepsPerEpoch === 0 || step === totalSteps) {
        report(step, 'evaluating', true);
        const record = await evaluateEpoch(step);
        history.push(record);
        options.onEpoch?.(record);
        report(step, 'training', true);
      } else {
        report(step, 'training');
      }

      await endOfStep(step);
    }

    async function evaluateEpoch(step: number): Promise<EpochRecord> {
      const onTrain = await evaluation(trainEvalSet);
      const onTest = await evaluation(data.test);
      const record = epochRecord(step, stepsPerEpoch, onTrain, onTest, (now() - started) / 1000);
      if (validation) {
        const onValidation = await evaluation(validation);
        record.validationLoss = onValidation.loss;
        record.validationAccuracy = onValidation.accuracy;
      }
      if (personalTest) record.personalTestAccuracy = (await evaluation(personalTest)).accuracy;
      return record;
    }

    // The temperature divides the logits only where they are scored, so one pass serves both.
    const validationLogits = validation ? await logitsOf(validation) : undefined;
    const calibration = validation ? fitCalibration(model, validation, validationLogits) : undefined;
    const finalValidation = validation ? await evaluation(validation, validationLogits) : undefined;
    const finalTest = await evaluation(data.test);
    const finalPersonal = personalTest ? await evaluation(personalTest) : undefined;
    const classes = model.classes;
    return {
      model,
      spec,
      hyperparameters: h,
      history,
      lossCurve,
      validation: finalValidation && {
        accuracy: finalValidation.accuracy,
        loss: finalValidation.loss,
        count: finalValidation.count,
      },
      calibration,
      ...(options.keepSnapshots ? { snapshots } : {}),
      ...finalFigures(classes, finalTest, finalPersonal, {
        samples,
        trainingMs,
        totalSeconds: (now() - started) / 1000,
      }),
      threads,
    };
  }
}

/**
 * Everything a training run keeps from one step to the next, set up once from the seed:
 * the model ('init' and 'dropout' forks inside it), the training images (the first
 * `trainSize`, the person's drawings, the synthesised ones), the batch order ('batches')
 * and the distortions ('augmentation'). train() and step mode (engine-process/step-mode.ts)
 * both start here and move with trainStep, so they draw the same batches and make the
 * same updates.
 */
export interface TrainingRun {
  readonly h: Hyperparameters;
  readonly model: Sequential;
  readonly spec: ModelSpec;
  readonly loss: Loss;
  readonly optimizer: Optimizer;
  readonly params: Param[];
  /** MNIST's first `trainSize` images, then the person's drawings, then the synthesised ones. */
  readonly trainSet: JoinedDataset;
  /** How many of trainSet's first images are collected ones (MNIST's and the person's), not synthesised. */
  readonly collectedCount: number;
  /** The mini-batches, in the order the seed gives them. */
  readonly batches: BatchStream;
  readonly stepsPerEpoch: number;
  readonly totalSteps: number;
  readonly totalEpochs: number;
  /** Steps taken so far. */
  step: number;
}

/** A run's start: the model (fresh from the seed, or `initialModel`'s weights) and everything that draws its batches. */
export function startRun(
  h: Hyperparameters,
  train: Dataset,
  options: Pick<TrainOptions, 'initialModel' | 'personal' | 'synthetic'> = {},
): TrainingRun {
  const random = new Random(h.seed);
  const spec = options.initialModel?.spec ?? modelSpecFor(h, train.rows * train.cols);
  const model = options.initialModel ?? new Sequential(spec, { seed: h.seed });
  // A fine-tune's starting model may carry a temperature; it is refitted for the new weights.
  model.temperature = 1;
  const mnistTrain = sliceDataset(train, 0, Math.min(h.trainSize, train.count));
  const collected = options.personal
    ? oversampledParts(mnistTrain, options.personal.train, options.personal.weight)
    : [mnistTrain];
  // Joined after MNIST's: the train-accuracy sample (the first images) stays MNIST's own.
  const trainSet = new JoinedDataset(options.synthetic?.count ? [...collected, options.synthetic] : collected);
  const trainIndices = Uint32Array.from({ length: trainSet.count }, (_, i) => i);
  const sampler = new BatchSampler(trainIndices, h.batchSize, h.sampling, random.fork('batches'));
  // Forked after the others so runs without augmentation draw exactly what they always did.
  const augmenter = augments(h.augmentation)
    ? new Augmenter(h.augmentation, trainSet.rows, trainSet.cols, random.fork('augmentation'))
    : undefined;
  const stepsPerEpoch = sampler.stepsPerEpoch;
  const totalSteps = h.iterations ?? (h.epochs ?? 1) * stepsPerEpoch;
  return {
    h,
    model,
    spec,
    loss: createLoss(spec.loss, 'float32', h.labelSmoothing),
    optimizer: optimizerFor(h),
    params: model.params(),
    trainSet,
    collectedCount: collected.reduce((n, part) => n + part.count, 0),
    batches: new BatchStream(trainSet, sampler, augmenter),
    stepsPerEpoch,
    totalSteps,
    totalEpochs: Math.ceil(totalSteps / stepsPerEpoch),
    step: 0,
  };
}

/** What step mode watches inside a step; layers reuse their buffers, so it copies what it keeps. */
export interface StepObserver {
  /** Layer `index`'s output on the way forward. */
  onOutput?(index: number, output: Matrix): void;
  /** dL/d(output of layer `index`) on the way back, before that layer's backward. */
  onOutputGradient?(index: number, gradient: Matrix): void;
  /** The gradients are complete (weight decay included) and the weights not yet moved. */
  beforeUpdate?(): void;
}

/**
 * One mini-batch: the next batch (distorted when asked), forward in training mode, the
 * loss, backward, weight decay, the optimiser's update at the step's learning rate (the
 * one-cycle schedule's, learning-rate-schedule.ts); after an epoch's last step the
 * learning rate decays when asked (step decay: smaller steps late in training settle into
 * a better minimum). Throws TrainingDivergedError on a loss that is not a number.
 */
export function trainStep(
  run: TrainingRun,
  observe: StepObserver = {},
): { loss: number; inputs: Matrix; labels: Uint8Array } {
  const { model, loss } = run;
  const step = ++run.step;
  const { inputs, labels } = run.batches.next();
  const logits = model.forward(inputs, true, observe.onOutput);
  const batchLoss = loss.forward(logits, labels);
  model.backward(loss.backward(), false, observe.onOutputGradient);
  return { loss: update(run, step, batchLoss, observe), inputs, labels };
}

/**
 * trainStep with the batch's forward and backward, the sum of the gradients and the
 * update shared over threads (data-parallel.ts): the same step, with weight decay and
 * the optimiser's rule applied a chunk at a time on whichever thread takes the chunk.
 */
export async function trainStepParallel(
  run: TrainingRun,
  parallel: DataParallel,
): Promise<{ loss: number; inputs: Matrix; labels: Uint8Array }> {
  const { h, params } = run;
  const step = ++run.step;
  const { inputs, labels, drawn } = run.batches.next();
  // The next batch is made while the workers finish this one's shards (not after the last
  // step: that would draw from the random streams past the run's end).
  const whileWaiting = step < run.totalSteps ? () => run.batches.prefetch() : undefined;
  const loss = await parallel.step(inputs, labels, {
    whileWaiting,
    drawn,
    prepare: (batchLoss) => beforeUpdate(run, step, batchLoss + weightDecayPenalty(params, h.weightDecay, h.l1)),
  });
  afterUpdate(run, step);
  return { loss, inputs, labels };
}

/** The optimiser a run's hyperparameters ask for. */
export function optimizerFor(h: Hyperparameters): Optimizer {
  return createOptimizer({ kind: h.optimizer, learningRate: h.learningRate, momentum: h.momentum });
}

/** What a step's end needs of a run (a head fine-tune has these without a TrainingRun). */
export type UpdatedRun = Pick<TrainingRun, 'h' | 'optimizer' | 'params' | 'totalSteps' | 'stepsPerEpoch'>;

/**
 * A step's end, the gradients complete: weight decay, the optimiser's update, the learning
 * rate's decay. Returns the batch's loss with the decay's term; throws
 * TrainingDivergedError, before any weight moves, when that is not a number.
 */
export function update(run: UpdatedRun, step: number, batchLoss: number, observe: StepObserver = {}): number {
  const { h, optimizer, params } = run;
  batchLoss = beforeUpdate(run, step, batchLoss + applyWeightDecay(params, h.weightDecay, h.l1));
  observe.beforeUpdate?.();
  optimizer.step(params);
  afterUpdate(run, step);
  return batchLoss;
}

/** Before the weights move: TrainingDivergedError when the loss is not a number, else the step's learning rate. */
function beforeUpdate(run: UpdatedRun, step: number, loss: number): number {
  const { h, optimizer } = run;
  if (!Number.isFinite(loss)) throw new TrainingDivergedError(step, loss, h.learningRate);
  if (h.learningRateSchedule === 'one-cycle')
    optimizer.learningRate = oneCycleLearningRate(h.learningRate, step, run.totalSteps);
  return loss;
}

/** After an epoch's last step, the step decay of the learning rate, when asked for. */
function afterUpdate(run: UpdatedRun, step: number): void {
  if (step % run.stepsPerEpoch === 0 && run.h.learningRateDecay !== undefined)
    run.optimizer.learningRate *= run.h.learningRateDecay;
}

/**
 * Fits the model's temperature on the validation set and sets it (see temperature-scaling.ts):
 * the trainer's last step, and `tegaki calibrate`'s for a model that has none.
 */
export function fitCalibration(
  model: Sequential,
  validation: Dataset,
  logits: Float32Array = forwardRows(model, validation).outputs,
): ModelCalibration {
  const labels = validation.labels.subarray(0, validation.count);
  const temperature = fitTemperature(logits, labels, model.classes);
  const { eceBefore, eceAfter } = measureCalibration(logits, labels, model.classes, temperature);
  model.temperature = temperature;
  return { temperature, validationCount: validation.count, eceBefore, eceAfter };
}

/**
 * The last `size` images of the training data, or none for 0. Refuses data too short to
 * hold both the first `trainSize` images and this tail apart: a caller that loaded only
 * the first `trainSize` images would otherwise validate on images it trains on.
 */
export function validationSet(train: Dataset, trainSize: number, size: number): Dataset | undefined {
  if (size <= 0) return undefined;
  if (trainSize + size > train.count) {
    throw new RangeError(
      `the validation set (the last ${size} images) overlaps the first ${trainSize} training images: ` +
        `the data holds only ${train.count}; pass the whole training file`,
    );
  }
  return sliceDataset(train, train.count - size, train.count);
}

/** How long a training loop may hold the event loop before it lets other messages in. */
const YIELD_EVERY_MS = 15;

/**
 * The end of a step of a training loop (train()'s, the head fine-tune's): every
 * YIELD_EVERY_MS it yields to the event loop, so that a cancel message or an IPC ping can
 * arrive, then throws TrainingCancelledError if `signal` was aborted meanwhile.
 */
export function betweenSteps(signal: AbortSignal | undefined): (step: number) => Promise<void> {
  let lastYield = performance.now();
  return async (step) => {
    if (performance.now() - lastYield > YIELD_EVERY_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      lastYield = performance.now();
    }
    if (signal?.aborted) throw new TrainingCancelledError(step);
  };
}

/**
 * An epoch's entry in a run's history: its step and epoch, the figures on the training
 * sample and the test set, and the time since the run started. train() and the head
 * fine-tune add the validation and personal figures they have.
 */
export function epochRecord(
  step: number,
  stepsPerEpoch: number,
  onTrain: { loss: number; accuracy: number },
  onTest: { loss: number; accuracy: number },
  elapsedSeconds: number,
): EpochRecord {
  return {
    epoch: Math.ceil(step / stepsPerEpoch),
    step,
    trainLoss: onTrain.loss,
    trainAccuracy: onTrain.accuracy,
    testLoss: onTest.loss,
    testAccuracy: onTest.accuracy,
    elapsedSeconds,
  };
}

/** What a final evaluation gives a result: accuracy, loss or count, and the confusion matrix. */
type FinalEvaluation = Pick<Evaluation, 'accuracy' | 'loss' | 'count' | 'labels' | 'predictions'>;

/**
 * A run's final figures from its last evaluations and its clock: the test set's (with its
 * confusion matrix), the person's held-out drawings', and the speed. train() and the head
 * fine-tune (digits/personal/head-fine-tune.ts) both end with these.
 */
export function finalFigures(
  classes: number,
  test: FinalEvaluation,
  personal: FinalEvaluation | undefined,
  clock: { samples: number; trainingMs: number; totalSeconds: number },
): Pick<TrainingResult, 'test' | 'personalTest' | 'samplesPerSecond' | 'trainingSeconds' | 'totalSeconds'> {
  return {
    test: {
      accuracy: test.accuracy,
      loss: test.loss,
      confusion: confusionMatrix(test.labels, test.predictions, classes),
    },
    personalTest: personal && {
      accuracy: personal.accuracy,
      count: personal.count,
      confusion: confusionMatrix(personal.labels, personal.predictions, classes),
    },
    samplesPerSecond: clock.trainingMs > 0 ? (clock.samples / clock.trainingMs) * 1000 : 0,
    trainingSeconds: clock.trainingMs / 1000,
    totalSeconds: clock.totalSeconds,
  };
}

/**
 * The one progress throttle, for train() and the head fine-tune (digits/personal/head-fine-tune.ts):
 * at most one report per `interval`, except an epoch's last step (before and after its
 * evaluation), which always goes out so that every listener sees each epoch's and the job's end.
 * `sofar` reads the run's counters at the moment of the report.
 */
export function progressReporter(
  settings: {
    onProgress: ((progress: TrainingProgress) => void) | undefined;
    interval: number;
    now: () => number;
    started: number;
    run: Pick<TrainingRun, 'totalSteps' | 'stepsPerEpoch' | 'totalEpochs'>;
  },
  sofar: () => { trainingMs: number; samples: number; loss: number | null; last: EpochRecord | undefined },
): (step: number, phase: TrainingProgress['phase'], epochEnd?: boolean) => void {
  const { onProgress, interval, now, started, run } = settings;
  const { totalSteps, stepsPerEpoch, totalEpochs } = run;
  let lastReport = -Infinity;
  return (step, phase, epochEnd = false) => {
    const at = now();
    if (!onProgress || (!epochEnd && at - lastReport < interval)) return;
    lastReport = at;
    const { trainingMs, samples, loss, last } = sofar();
    const msPerStep = step > 0 ? (at - started) / step : 0;
    onProgress({
      phase,
      epoch: Math.min(totalEpochs, Math.floor(Math.max(0, step - 1) / stepsPerEpoch) + 1),
      totalEpochs,
      step,
      totalSteps,
      samplesPerSecond: trainingMs > 0 ? (samples / trainingMs) * 1000 : 0,
      loss,
      trainAccuracy: last?.trainAccuracy ?? null,
      testAccuracy: last?.testAccuracy ?? null,
      elapsedSeconds: (at - started) / 1000,
      etaSeconds: ((totalSteps - step) * msPerStep) / 1000,
    });
  };
}
