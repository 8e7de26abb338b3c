import type { ErrorCode } from '../shared/errors';
import type { Hyperparameters } from '../shared/hyperparameters';
import type { ClassificationReport } from '../engine/metrics/classification-report';
import type { NamedTensor } from '../engine/model/sequential';
import type { ModelSpec } from '../engine/model/spec';
import type { EpochRecord } from '../engine/training/trainer';

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
      /** A person's labelled drawings as 28x28 uint8 images (see digits/personal). */
      personal?: PersonalImages;
      /** Continue from this model file's weights instead of a fresh network. */
      fineTune?: FineTuneRequest;
    }
  | { type: 'cancel'; jobId: string }
  | { type: 'evaluate'; jobId: string; modelPath: string; testSize?: number }
  | { type: 'ping'; jobId: string }
  /** Exit now; the parent kills the process if it has not within its timeout. */
  | { type: 'shutdown' };

export interface PersonalImages {
  /** `count x 784` bytes, 0 = background, as MNIST's. */
  images: Uint8Array;
  labels: Uint8Array;
}

/**
 * Fine-tuning: the hyperparameters come from the model file (see fineTuneHyperparameters);
 * the request's own carry only the personal weight, held-out split and seed.
 */
export interface FineTuneRequest {
  modelPath: string;
  epochs?: number;
  learningRate?: number;
}

export interface EngineProgress {
  phase: 'loading' | 'training' | 'evaluating';
  step: number;
  totalSteps: number;
  epoch: number;
  totalEpochs: number;
  /** Smoothed batch loss; null before the first step. */
  loss: number | null;
  /** Latest test accuracy, null until an epoch has finished. */
  accuracy: number | null;
  trainAccuracy: number | null;
  samplesPerSecond: number;
  elapsedSeconds: number;
  etaSeconds: number;
}

export interface TrainedModel {
  spec: ModelSpec;
  tensors: NamedTensor[];
  hyperparameters: Hyperparameters;
  history: EpochRecord[];
  lossCurve: { step: number; loss: number }[];
  test: { accuracy: number; loss: number; confusion: number[][] };
  /** Accuracy on the held-out personal drawings, when some were held out. */
  personalTest?: { accuracy: number; count: number };
  report: ClassificationReport;
  samplesPerSecond: number;
  trainingSeconds: number;
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
}

/** What each request's job resolves to. */
export interface EngineResults {
  train: TrainedModel;
  evaluate: EvaluationResult;
  ping: { pid: number };
}

export type EngineMessage =
  | { type: 'ready'; pid: number }
  | { type: 'progress'; jobId: string; progress: EngineProgress }
  | { type: 'epoch'; jobId: string; record: EpochRecord }
  | { type: 'result'; jobId: string; value: EngineResults[keyof EngineResults] }
  | { type: 'failed'; jobId: string; error: { code: ErrorCode; message: string } };

/** Progress reaches the UI at most this often: 20 times a second. */
export const PROGRESS_INTERVAL_MS = 50;

/**
 * A gate that opens at most once per `intervalMs`; `force` lets a final event through
 * only if it would not break the rate either, so the bound holds without exception.
 */
export function createThrottle(intervalMs: number, now: () => number = () => performance.now()): () => boolean {
  let last = -Infinity;
  return () => {
    const t = now();
    if (t - last < intervalMs) return false;
    last = t;
    return true;
  };
}
