import type { ParsedRequestOf, ResponseOf } from '../../shared/ipc/contract';
import { MAX_MODEL_NAME } from '../../shared/ipc/contract';
import type { EngineHost } from '../engine/engine-host';
import type { ActiveModel } from './active-model';
import { ServiceError, toIpcError } from './errors';
import type { EventBus } from './event-bus';
import type { ModelStore } from './model-store';
import type { PersonalSampleStore } from './personal-samples';

type TrainingChannel = 'training:start' | 'training:cancel';
export type TrainingHandlers = { [C in TrainingChannel]: (request: ParsedRequestOf<C>) => Promise<ResponseOf<C>> };

export interface TrainingDeps {
  engineHost: EngineHost;
  models: ModelStore;
  activeModel: ActiveModel;
  personalSamples: PersonalSampleStore;
  emit: EventBus['emit'];
  /** Settles once the latest model change has been announced ('models:changed'). */
  modelsAnnounced: () => Promise<void>;
  log: (line: string) => void;
}

/**
 * Training jobs: one at a time (a second is refused as busy, not queued), run by the
 * engine, the result saved to the model store, and 'training:done' sent only after the
 * 'models:changed' that lists the new model, so a listener finds it in its list.
 */
export function createTrainingHandlers({
  engineHost,
  models,
  activeModel,
  personalSamples,
  emit,
  modelsAnnounced,
  log,
}: TrainingDeps): TrainingHandlers {
  let trainingJob: string | undefined;

  return {
    'training:start': async ({ hyperparameters, name, testSize, personal, fineTune }) => {
      const images = personal && personal.mode !== 'none' ? await personalSamples.images() : undefined;
      if (images?.labels.length === 0) {
        throw new ServiceError('invalid-payload', 'there are no personal samples yet: correct a few predictions on the Draw screen first');
      }
      let fineTuneFrom;
      if (personal?.mode === 'fine-tune') {
        const active = await activeModel.get();
        fineTuneFrom = { modelPath: active.path, ...fineTune };
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
        { testSize, personal: personal && images && { ...personal, images }, fineTune: fineTuneFrom },
      );
      trainingJob = job.jobId;
      // The job counts as running until its last event is out, so a listener that starts
      // the next job on 'training:done' or 'training:error' is not refused as busy.
      const finish = (): void => {
        if (trainingJob === job.jobId) trainingJob = undefined;
      };
      job.result
        .then(async (trained) => {
          const model = await models.addTrained(trained, name);
          await modelsAnnounced();
          finish();
          emit('training:done', {
            jobId: job.jobId,
            model,
            testAccuracy: trained.test.accuracy,
            testLoss: trained.test.loss,
            personalTestAccuracy: trained.personalTest?.accuracy ?? null,
            personalTestCount: trained.personalTest?.count ?? 0,
          });
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
  };
}
