import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Dataset } from '../../engine/data/dataset';
import { loadMnist } from '../../digits/data/mnist';
import { decodeModelFile } from '../../digits/io/model-file';
import type {
  EventChannel,
  EventOf,
  InvokeChannel,
  ParsedRequestOf,
  ResponseOf,
  Result,
} from '../../shared/ipc/contract';
import { MAX_MODEL_NAME, fail, isInvokeChannel, ok, parseRequest } from '../../shared/ipc/contract';
import type { EngineHost } from '../engine/engine-host';
import { EngineJobError } from '../engine/engine-host';
import { AppStore } from '../store/app-store';
import type { KeyValueStore } from '../store/key-value';
import { JsonFileStore } from '../store/json-file-store';
import { ServiceError } from './errors';
import { ModelStore } from './model-store';
import { createPersonalHandlers } from './personal-handlers';
import { PersonalSampleStore } from './personal-samples';

/** Where files come from and go to; the app shows dialogs, tests and the browser mode do not. */
export interface FileDialogs {
  chooseExportPath(suggestedName: string, kind?: FileKind): Promise<string | null>;
  chooseImportPath(kind?: FileKind): Promise<string | null>;
}

/** What a dialog offers to save or open: a model file, or a strokes file of personal samples. */
export type FileKind = 'model' | 'samples';

export interface BackendOptions {
  userDataDir: string;
  resourcesDir: string;
  engineHost: EngineHost;
  /** The store behind the index: electron-store in the app; a JSON file in userDataDir otherwise. */
  store?: KeyValueStore;
  dialogs?: FileDialogs;
  /** MNIST's folder for the gallery's test images (the engine gets it as TEGAKI_MNIST_DIR). */
  mnistDir?: string;
  log?: (line: string) => void;
}

export type EventListener = <C extends EventChannel>(channel: C, payload: EventOf<C>) => void;

export interface Backend {
  /** Validates `payload` against `channel`'s schema, runs it, and always resolves. */
  handle(channel: string, payload: unknown): Promise<Result<unknown>>;
  /** Every event for the renderer: training progress, model changes, notices. */
  onEvent(listener: EventListener): () => void;
  readonly models: ModelStore;
  readonly personalSamples: PersonalSampleStore;
  dispose(): Promise<void>;
}

type Handlers = { [C in InvokeChannel]: (request: ParsedRequestOf<C>) => Promise<ResponseOf<C>> };

/**
 * The main process's services behind the IPC contract, with no Electron in sight: the
 * Electron shell (ipc.ts) and the browser mode (web/server.ts) both just forward
 * channel + payload here and send the events on.
 */
export function createBackend(options: BackendOptions): Backend {
  const { engineHost, log = (line) => console.log(line) } = options;
  const listeners = new Set<EventListener>();
  const emit: EventListener = (channel, payload) => {
    for (const listener of listeners) {
      try {
        listener(channel, payload);
      } catch (error) {
        log(`[backend] event listener failed on ${channel}: ${String(error)}`);
      }
    }
  };
  const store = new AppStore(options.store ?? new JsonFileStore(join(options.userDataDir, 'tegaki-store.json')), (key, problem) =>
    emit('notice', { level: 'warning', message: `Stored ${key} was unreadable and has been reset (${problem}).` }),
  );
  const models = new ModelStore({
    userDataDir: options.userDataDir,
    resourcesDir: options.resourcesDir,
    store,
    notify: (notice) => emit('notice', notice),
  });
  // Settles once the latest change has been announced, so 'training:done' comes after its 'models:changed'.
  let modelsChanged: Promise<void> = Promise.resolve();
  models.onChanged(() => {
    modelsChanged = models.list().then(
      (list) => emit('models:changed', { models: list }),
      (error: unknown) => log(`[backend] listing models failed: ${String(error)}`),
    );
  });

  const personalSamples = new PersonalSampleStore({ userDataDir: options.userDataDir, notify: (notice) => emit('notice', notice) });
  personalSamples.onChanged(() => {
    personalSamples.counts().then(
      (counts) => emit('personal:changed', { counts }),
      (error: unknown) => log(`[backend] counting personal samples failed: ${String(error)}`),
    );
  });

  let trainingJob: string | undefined;
  let lastEvaluation: { key: string; result: Promise<ResponseOf<'evaluate'>> } | undefined;
  let testSet: Promise<Dataset> | undefined;

  const mnistTest = (): Promise<Dataset> => {
    if (testSet) return testSet;
    const loading = loadMnist({ dir: options.mnistDir, trainSize: 0 }).then((data) => data.test);
    loading.catch(() => (testSet = undefined));
    testSet = loading;
    return loading;
  };

  const handlers: Handlers = {
    'models:list': () => models.list(),
    'models:active': async () => (await models.active()).summary,
    'models:rename': ({ id, name }) => models.rename(id, name),
    'models:delete': async ({ id }) => {
      await models.delete(id);
      return { deleted: true as const };
    },
    'models:setActive': ({ id }) => models.setActive(id),
    'models:details': async ({ id }) => {
      await models.summary(id);
      // Checked by the metadata schema as the file was decoded: what did not fit is gone.
      const { hyperparameters, personal, history = [], metrics } = await readFile(models.pathOf(id))
        .then((bytes) => decodeModelFile(bytes).metadata)
        .catch((error: unknown) => {
          const reason = error instanceof Error ? error.message : String(error);
          throw new ServiceError('invalid-model', `the model file could not be read: ${reason}`);
        });
      return {
        id,
        hyperparameters,
        personal,
        history,
        metrics: metrics && {
          testAccuracy: metrics.testAccuracy,
          testLoss: metrics.testLoss,
          samplesPerSecond: metrics.samplesPerSecond,
          trainingSeconds: metrics.trainingSeconds,
          personalTestAccuracy: metrics.personalTestAccuracy,
          personalTestCount: metrics.personalTestCount,
        },
      };
    },
    'models:export': async ({ id }) => {
      const summary = await models.summary(id);
      const suggested = `${summary.name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'model'}.tgk`;
      const destination = options.dialogs
        ? await options.dialogs.chooseExportPath(suggested)
        : join(options.userDataDir, 'exports', suggested);
      if (destination === null) return { path: null };
      return { path: await models.exportTo(id, destination) };
    },
    'models:import': async (request) => {
      if (request?.bytes) return { model: await models.importBytes(request.bytes, request.fileName) };
      if (!options.dialogs) throw new ServiceError('invalid-payload', 'models:import: give the file as bytes');
      const path = await options.dialogs.chooseImportPath();
      return { model: path === null ? null : await models.importFile(path) };
    },
    predict: async ({ pixels }) => {
      const { summary, model } = await models.active();
      return { modelId: summary.id, probabilities: model.predictOne(pixels) };
    },
    'training:start': async ({ hyperparameters, name, testSize, personal, fineTune }) => {
      const images = personal && personal.mode !== 'none' ? await personalSamples.images() : undefined;
      if (images?.labels.length === 0) {
        throw new ServiceError('invalid-payload', 'there are no personal samples yet: correct a few predictions on the Draw screen first');
      }
      let fineTuneFrom;
      if (personal?.mode === 'fine-tune') {
        const active = await models.active();
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
          await modelsChanged;
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
    evaluate: ({ id, testSize }) => {
      const path = models.pathOf(id);
      const key = `${id}:${testSize ?? 'all'}`;
      if (lastEvaluation?.key === key) return lastEvaluation.result;
      const result = engineHost.evaluate(path, testSize).then((r) => ({ modelId: id, ...r }));
      lastEvaluation = { key, result };
      result.catch(() => {
        if (lastEvaluation?.result === result) lastEvaluation = undefined;
      });
      return result;
    },
    'mnist:testImages': async ({ indices }) => {
      const test = await mnistTest();
      const size = test.rows * test.cols;
      const pixels = new Uint8Array(indices.length * size);
      const labels = new Uint8Array(indices.length);
      indices.forEach((index, i) => {
        if (index >= test.count) throw new ServiceError('not-found', `the test set has ${test.count} images; there is no image ${index}`);
        pixels.set(test.images.subarray(index * size, (index + 1) * size), i * size);
        labels[i] = test.labels[index];
      });
      return { pixels, labels };
    },
    ...createPersonalHandlers({ samples: personalSamples, models, dialogs: options.dialogs }),
  };

  // A changed or deleted model invalidates a cached evaluation of the same id.
  models.onChanged(() => (lastEvaluation = undefined));

  return {
    models,
    personalSamples,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async handle(channel, payload) {
      if (!isInvokeChannel(channel)) return fail('unknown-channel', `there is no channel "${String(channel)}"`);
      try {
        const request = parseRequest(channel, payload);
        if (!request.ok) return request;
        const handler = handlers[channel] as (request: unknown) => Promise<unknown>;
        return ok(await handler(request.value));
      } catch (error) {
        return { ok: false, error: toIpcError(error, log) };
      }
    },
    dispose: () => engineHost.dispose(),
  };
}

function toIpcError(error: unknown, log: (line: string) => void): { code: ServiceError['code']; message: string } {
  if (error instanceof ServiceError || error instanceof EngineJobError) return { code: error.code, message: error.message };
  log(`[backend] unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return { code: 'internal', message: error instanceof Error ? error.message : String(error) };
}
