import type { DrawnDigitsFigures, NotADigitFigures } from '../shared/drawn-evaluation';
import type { ErrorCode } from '../shared/errors';
import type { Hyperparameters } from '../shared/hyperparameters';
import type { ExperimentEdit, ExperimentResult } from '../shared/experiment';
import type { Activations, LayerParameters } from '../shared/inspection';
import type { StepRecord, StepSession } from '../shared/step-mode';
import type { SnapshotEvaluation, Timeline } from '../shared/timeline';
import type { TrainingSnapshot } from '../engine/training/snapshots';
import type { SnapshotRef } from './timeline';
import type { ClassificationReport } from '../engine/metrics/classification-report';
import type { NamedTensor } from '../engine/model/sequential';
import type { CalibrationMeasure } from '../engine/training/temperature-scaling';
import type { ModelSpec } from '../engine/model/spec';
import type { PersonalTraining, FineTuneOptions } from '../shared/personal-training';
import type { EpochRecord, TrainingProgress } from '../shared/training-progress';
import type { TrainingOutcome } from '../digits/io/model-metadata';
import type { ModelTrial } from '../digits/io/saved-model';
import type { Stroke } from '../digits/preprocess/strokes';

/**
 * The messages between the main process (or any Node parent) and the engine process.
 * The same objects travel over Electron's `parentPort` and over `child_process.fork`
 * with `serialization: 'advanced'`, both structured clones, so typed arrays arrive typed.
 */
export type EngineRequest =
  | {
      type: 'train';
      jobId: string;
      hyperparameters: Hyperparameters;
      testSize?: number;
      /** How to use the person's drawings; with mode 'none' (or absent) MNIST alone. */
      personal?: PersonalTraining & { images: PersonalImages };
      /** With personal mode 'fine-tune': the model file to continue from. */
      fineTune?: FineTuneRequest;
      /** Keep snapshots of the weights for a training timeline (engine/training/snapshots.ts). */
      keepSnapshots?: boolean;
      /**
       * Threads that share each batch (shared/threads.ts) where the run trains through
       * train(): a fresh network or a full fine-tune. A head fine-tune trains on one (its features
       * come from the engine's ForwardPool). Default: ENGINE_THREADS.
       */
      threads?: number;
    }
  | { type: 'cancel'; jobId: string }
  /**
   * Compute, ahead of the click, what the first fine-tune of this model by its head would
   * compute first (the frozen features of its replay and test images, kept in memory and
   * at `featureCachePath`), so the click finds them ready. Nothing for a model a fine-tune
   * trains whole (an MLP, or `full`). Cancellable between chunks.
   */
  | { type: 'prepare-fine-tune'; jobId: string; fineTune: FineTuneRequest; testSize?: number }
  | { type: 'evaluate'; jobId: string; modelPath: string; testSize?: number }
  | { type: 'ping'; jobId: string }
  /**
   * Decode a model file's bytes and run one forward pass on a blank input (see
   * tryModelBytes): an import's check, made here so that a hostile file costs this
   * process, never the app. `source` names the file in errors.
   */
  | { type: 'try-model'; jobId: string; bytes: Uint8Array; source?: string }
  /**
   * Drawings -> network inputs (drawingsToInputBytes), off the main process: bytes
   * `count x 784`. Each drawing within DRAWING_LIMITS, or the job fails with the limit.
   */
  | { type: 'rasterise'; jobId: string; drawings: Stroke[][] }
  /**
   * Every layer's output for one input (`inputSize` floats in 0..1) through the model
   * file at `modelPath` (inspectActivations, engine/model/inspect.ts); each layer's values
   * cut to `maxValues` (default and bound INSPECTION_LIMITS.activationValues). With
   * `snapshot`: through that snapshot of the model's training timeline (timeline.ts), edits aside.
   */
  | {
      type: 'inspect-activations';
      jobId: string;
      modelPath: string;
      pixels: Float32Array;
      maxValues?: number;
      edits?: ExperimentEdit[];
      snapshot?: SnapshotRef;
    }
  /** Layer `layer`'s learned tensors (inspectParameters), each cut to `maxValues` (INSPECTION_LIMITS.parameterValues). */
  | {
      type: 'inspect-parameters';
      jobId: string;
      modelPath: string;
      layer: number;
      maxValues?: number;
      edits?: ExperimentEdit[];
      snapshot?: SnapshotRef;
    }
  /**
   * "Break it" (engine-process/experiments.ts): the model file at `modelPath` with `edits`
   * applied to a copy of its weights, against the model itself, on one input and the first
   * `testSize` test images (EXPERIMENT_LIMITS.defaultTestSize). Inspecting with `edits`
   * looks inside that copy; 'experiment-weights' gives its tensors, to save.
   */
  | {
      type: 'experiment';
      jobId: string;
      modelPath: string;
      edits: ExperimentEdit[];
      pixels: Float32Array;
      testSize?: number;
    }
  | { type: 'experiment-weights'; jobId: string; modelPath: string; edits: ExperimentEdit[] }
  /**
   * The training timeline (timeline.ts): the snapshots kept at `snapshotPath` for the model
   * file at `modelPath` (none when it kept none), and one snapshot on the first `testSize`
   * test images (TIMELINE_LIMITS.defaultTestSize), measured once and kept.
   */
  | { type: 'timeline'; jobId: string; modelPath: string; snapshotPath: string }
  | { type: 'evaluate-snapshot'; jobId: string; modelPath: string; snapshot: SnapshotRef; testSize?: number }
  /**
   * Step mode (step-mode.ts): 'step-start' sets up a run from the hyperparameters (the
   * engine keeps one, replacing any before it), 'step-next' takes its next mini-batch.
   */
  | { type: 'step-start'; jobId: string; hyperparameters: Hyperparameters }
  | { type: 'step-next'; jobId: string }
  /**
   * For the host's own tests only: the engine refuses them unless it was started with
   * TEGAKI_ENGINE_TEST_REQUESTS=1. 'never-answer' neither ends nor heeds a cancel (a
   * hung job); 'exhaust-heap' allocates until the process runs out of memory.
   */
  | { type: TestOnlyRequestType; jobId: string }
  /** Exit now; the parent kills the process if it has not within its timeout. */
  | { type: 'shutdown' };

export type TestOnlyRequestType = 'test-only:never-answer' | 'test-only:exhaust-heap';

export interface PersonalImages {
  /** `count x 784` bytes, 0 = background, as MNIST's. */
  images: Uint8Array;
  labels: Uint8Array;
}

/**
 * Fine-tuning: the hyperparameters come from the model file (see fineTuneHyperparameters),
 * with these few overrides; the request's own hyperparameters are not used.
 */
export interface FineTuneRequest extends FineTuneOptions {
  modelPath: string;
  /** Where the engine keeps the base model's frozen conv features across restarts (digits/personal/replay-features.ts); none: in memory only. */
  featureCachePath?: string;
}

/** A finished run as the engine returns it: what a model file's metadata is built from, plus the weights. */
export interface TrainedModel extends TrainingOutcome {
  spec: ModelSpec;
  tensors: NamedTensor[];
  /** How the person's drawings took part, when they did. */
  personal?: PersonalTraining;
  /** The training timeline, when the job was asked to keep one (and the model is small enough for one). */
  snapshots?: TrainingSnapshot[];
}

export interface EvaluationResult {
  count: number;
  accuracy: number;
  loss: number;
  confusion: number[][];
  report: ClassificationReport;
  labels: Uint8Array;
  predictions: Uint8Array;
  probabilities: Float32Array;
  /** Expected calibration error and reliability bins on these test images, at T = 1 and at the model's temperature. */
  calibration: CalibrationMeasure;
  /** The bench's drawn digits (all 5,000, whatever the test size) read right, overall and per style MNIST lacks. */
  drawn: DrawnDigitsFigures;
  /** At the model file's threshold, the rejected share of these test images, the drawn digits and the held-out non-digits; null when the file has none. */
  notADigit: NotADigitFigures | null;
}

/** What each request's job resolves to. */
export interface EngineResults {
  train: TrainedModel;
  /** prepared: false when the model's fine-tune trains every layer, so there is nothing to compute ahead. */
  'prepare-fine-tune': { prepared: boolean };
  evaluate: EvaluationResult;
  ping: { pid: number };
  'try-model': ModelTrial;
  rasterise: { inputs: Uint8Array };
  /** With edits: the edited copy's, and the model's own probabilities beside them. */
  'inspect-activations': Activations & { originalProbabilities?: number[] };
  'inspect-parameters': LayerParameters;
  experiment: ExperimentResult;
  'experiment-weights': { tensors: NamedTensor[] };
  timeline: Timeline;
  'evaluate-snapshot': SnapshotEvaluation;
  'step-start': StepSession;
  'step-next': StepRecord;
  'test-only:never-answer': never;
  'test-only:exhaust-heap': never;
}

export type EngineMessage =
  | { type: 'ready'; pid: number }
  | { type: 'progress'; jobId: string; progress: TrainingProgress }
  | { type: 'epoch'; jobId: string; record: EpochRecord }
  | { type: 'result'; jobId: string; value: EngineResults[keyof EngineResults] }
  | { type: 'failed'; jobId: string; error: { code: ErrorCode; message: string } };
