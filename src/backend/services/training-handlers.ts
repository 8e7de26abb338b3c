import type { TrainedModel } from '../../engine-process/protocol';
import type { EventOf, ModelSummary, ParsedRequestOf, ResponseOf } from '../../shared/ipc/contract';
import { MAX_MODEL_NAME } from '../../shared/ipc/contract';
import type { EngineHost } from '../engine/engine-host';
import type { ActiveModel } from './active-model';
import { ServiceError, toIpcError } from './errors';
import type { EventBus } from './event-bus';
import type { ModelStore } from './model-store';
import { reasonOf } from './model-store';
import type { PendingWork } from './pending-work';
import type { PersonalSampleStore } from './personal-samples';

type TrainingChannel = 'training:start' | 'training:cancel' | 'training:saveAgain';
export type TrainingHandlers = { [C in TrainingChannel]: (request: ParsedRequestOf<C>) => Promise<ResponseOf<C>> };

export interface TrainingDeps {
  engineHost: EngineHost;
  models: ModelStore;
  activeModel: ActiveModel;
  personalSamples: PersonalSampleStore;
  emit: EventBus['emit'];
  /** Settles once the latest model change has been announced ('models:changed'). */
  modelsAnnounced: () => Promise<void>;
  /** Saves in flight, which quitting waits for. */
  saves: PendingWork;
  log: (line: string) => void;
  /** Where the engine keeps the frozen conv features of the last model fine-tuned by its head, across restarts (one file). */
  featureCachePath?: string;
}

/**
 * Training jobs: one at a time (a second is refused as busy, not queued), run by the
 * engine, the result saved to the model store, and 'training:done' sent only after the
 * 'models:changed' that lists the new model, so a listener finds it in its list.
 *
 * A model that cannot be saved (the disk is full) is not thrown away: it stays in this
 * process's memory, the job ends with a 'save-failed' error, and 'training:saveAgain'
 * writes it once there is room, answering with what 'training:done' would have said.
 * (The engine process hands its weights over when a job ends, so they are kept here.)
 */
export function createTrainingHandlers({
  engineHost,
  models,
  activeModel,
  personalSamples,
  emit,
  modelsAnnounced,
  saves,
  log,
  featureCachePath,
}: TrainingDeps): TrainingHandlers {
  let trainingJob: string | undefined;
  /** Trained models whose save failed, by job, until a save succeeds or the app quits. */
  const unsaved = new Map<string, { trained: TrainedModel; name: string | undefined; retry?: Promise<EventOf<'training:done'>> }>();

  /** Writes and lists the model; 'save-failed' (the model kept in `unsaved`) if it cannot. */
  const save = async (jobId: string, trained: TrainedModel, name: string | undefined): Promise<ModelSummary> => {
    try {
      const model = await models.addTrained(trained, name);
      unsaved.delete(jobId);
      return model;
    } catch (error) {
      unsaved.set(jobId, { trained, name });
      log(`[training] saving the model of ${jobId} failed: ${reasonOf(error)}`);
      throw new ServiceError(
        'save-failed',
        `the trained model could not be saved (${reasonOf(error)}). It is kept until Tegaki closes: make room and choose Save again.`,
      );
    }
  };

  return {
    'training:start': async ({ hyperparameters, name, testSize, personal, fineTune, keepSnapshots, threads }) => {
      const images = personal && personal.mode !== 'none' ? await personalSamples.images() : undefined;
      if (images?.labels.length === 0) {
        throw new ServiceError('invalid-payload', 'there are no personal samples yet: correct a few predictions on the Draw screen first');
      }
      let fineTuneFrom;
      if (personal?.mode === 'fine-tune') {
        const active = await activeModel.get();
        fineTuneFrom = { modelPath: active.path, featureCachePath, ...fineTune };
        name ??= `${active.summary.name} (fine-tuned)`.slice(0, MAX_MODEL_NAME);
      }
      if (trainingJob !== undefined) {
        throw new ServiceError('busy', 'a model is already training; cancel it or wait for it to finish before starting another');
      }
      const job = engineHost.train(
        hyperparameters,
        {
          onProgress: (progress) => emit('training:progress', { jobId: job.jobId, ...progress }),
          onEpoch: (record) => emit('training:epoch', { jobId: job.jobId, ...record }),
        },
        { testSize, personal: personal && images && { ...personal, images }, fineTune: fineTuneFrom, keepSnapshots, threads },
      );
      trainingJob = job.jobId;
      // The job counts as running until its last event is out, so a listener that starts
      // the next job on 'training:done' or 'training:error' is not refused as busy.
      const finish = (): void => {
        if (trainingJob === job.jobId) trainingJob = undefined;
      };
      job.result
        .then(async (trained) => {
          const model = await saves.track(save(job.jobId, trained, name));
          await modelsAnnounced();
          finish();
          emit('training:done', { ...outcomeOf(trained), jobId: job.jobId, model });
        })
        .catch((error: unknown) => {
          finish();
          emit('training:error', { jobId: job.jobId, error: toIpcError(error, log) });
        });
      return { jobId: job.jobId };
    },
    'training:cancel': async (request) => {
      const jobId = request?.jobId ?? trainingJob;
      if (jobId === undefined || jobId !== trainingJob) return { cancelled: false };
      return { cancelled: engineHost.cancel(jobId) };
    },
    'training:saveAgain': async ({ jobId }) => {
      const kept = unsaved.get(jobId);
      if (!kept) throw new ServiceError('not-found', `there is no unsaved model from job "${jobId}"`);
      // A second click while the first retry runs waits for that one instead of saving twice.
      kept.retry ??= saves
        .track(save(jobId, kept.trained, kept.name))
        .then(async (model) => {
          await modelsAnnounced();
          return { ...outcomeOf(kept.trained), jobId, model };
        })
        .finally(() => (kept.retry = undefined));
      return kept.retry;
    },
  };
}

/** What 'training:done' says about a job's model, besides the model itself. */
function outcomeOf(trained: TrainedModel): Omit<EventOf<'training:done'>, 'jobId' | 'model'> {
  return {
    validationAccuracy: trained.validation?.accuracy ?? null,
    validationCount: trained.validation?.count ?? 0,
    testAccuracy: trained.test.accuracy,
    testLoss: trained.test.loss,
    personalTestAccuracy: trained.personalTest?.accuracy ?? null,
    personalTestCount: trained.personalTest?.count ?? 0,
  };
}
