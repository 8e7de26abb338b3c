import { classificationReport } from '../../engine/metrics/classification-report';
import type { Hyperparameters } from '../../shared/hyperparameters';
import type { ModelCalibration, ModelMetadata, ModelRejection } from '../../shared/model-metadata';
import type { FineTuneWay, PersonalTraining } from '../../shared/personal-training';
import type { EpochRecord, LossPoint } from '../../shared/training-progress';

/** What a finished training run knows about itself: the trainer's result, or the engine's TrainedModel. */
export interface TrainingOutcome {
  hyperparameters: Hyperparameters;
  history: EpochRecord[];
  lossCurve: LossPoint[];
  /** On the validation set (the last `validationSize` training images), when there was one. */
  validation?: { accuracy: number; loss: number; count: number };
  test: { accuracy: number; loss: number; confusion: number[][] };
  personalTest?: { accuracy: number; count: number };
  /** The temperature fitted on the validation set, when there was one. */
  calibration?: ModelCalibration;
  /** When it says "not a digit", fitted at that temperature (src/digits/synthetic/rejection-sets.ts), when there was a validation set. */
  rejection?: ModelRejection;
  /** For a fine-tune: its dense head alone, or every layer. */
  fineTuning?: FineTuneWay;
  samplesPerSecond: number;
  trainingSeconds: number;
  /** Threads that trained it (absent: 1). */
  threads?: number;
}

export interface ModelMetadataOptions {
  name: string;
  /** How the person's drawings took part, when they did. */
  personal?: PersonalTraining;
  /** The model file a fine-tune continued from. */
  fineTunedFrom?: string;
  createdAt?: Date;
}

/**
 * The metadata a model file keeps (src/shared/model-metadata.ts), built in this one place
 * for `tegaki train`, `tegaki finetune`, the app's training and scripts/train-default.ts.
 */
export function modelMetadataFor(trained: TrainingOutcome, options: ModelMetadataOptions): ModelMetadata {
  return {
    name: options.name,
    createdAt: (options.createdAt ?? new Date()).toISOString(),
    hyperparameters: trained.hyperparameters,
    personal: options.personal,
    history: trained.history,
    lossCurve: trained.lossCurve,
    metrics: {
      validationAccuracy: trained.validation?.accuracy,
      validationLoss: trained.validation?.loss,
      validationCount: trained.validation?.count,
      testAccuracy: trained.test.accuracy,
      testLoss: trained.test.loss,
      confusion: trained.test.confusion,
      report: classificationReport(trained.test.confusion),
      samplesPerSecond: trained.samplesPerSecond,
      trainingSeconds: trained.trainingSeconds,
      personalTestAccuracy: trained.personalTest?.accuracy,
      personalTestCount: trained.personalTest?.count,
    },
    fineTunedFrom: options.fineTunedFrom,
    fineTuning: trained.fineTuning,
    calibration: trained.calibration,
    rejection: trained.rejection,
    threads: trained.threads,
  };
}
