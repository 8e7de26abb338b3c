import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { sweepTempFilesSync } from '../../digits/io/atomic-write';
import type { EventOf, InvokeChannel, ParsedRequestOf, ResponseOf, Result } from '../../shared/ipc/contract';
import { fail, isInvokeChannel, ok, parseRequest } from '../../shared/ipc/contract';
import type { EngineHost } from '../engine/engine-host';
import { AppStore } from '../store/app-store';
import type { KeyValueStore } from '../store/key-value';
import { JsonFileStore } from '../store/json-file-store';
import { ActiveModel } from './active-model';
import { toIpcError, withoutAbsolutePaths } from './errors';
import { createEvaluationHandlers } from './evaluation-handlers';
import { FineTunePreparer } from './fine-tune-preparer';
import { createInspectHandlers } from './inspect-handlers';
import { createStepHandlers } from './step-handlers';
import { createTimelineHandlers } from './timeline-handlers';
import { CurrentExperiment, createExperimentHandlers } from './experiment-handlers';
import type { EventListener } from './event-bus';
import { EventBus } from './event-bus';
import type { FileDialogs } from './file-dialogs';
import { createModelHandlers } from './model-handlers';
import { ModelStore } from './model-store';
import { createPersonalHandlers } from './personal-handlers';
import { PendingWork } from './pending-work';
import { PersonalSampleStore } from './personal-samples';
import { createTrainingHandlers } from './training-handlers';
import { MAX_THREADS, defaultThreads } from '../../shared/threads';

export interface BackendOptions {
  userDataDir: string;
  resourcesDir: string;
  engineHost: EngineHost;
  /** The file behind the settings and the model index; default `<userDataDir>/tegaki-store.json`. */
  store?: KeyValueStore;
  dialogs?: FileDialogs;
  /** MNIST's folder for the gallery's test images (the engine gets it as TEGAKI_MNIST_DIR). */
  mnistDir?: string;
  log?: (line: string) => void;
  /** How long dispose() waits for saves in flight before it gives up on them (default 10 s). */
  saveBoundMs?: number;
  /** The machine's cores, as 'app:machine' tells the page (default os.availableParallelism()). */
  cores?: number;
}

export interface Backend {
  /** Validates `payload` against `channel`'s schema, runs it, and always resolves. */
  handle(channel: string, payload: unknown): Promise<Result<unknown>>;
  /** Every event for the renderer: training progress, model changes, notices. */
  onEvent(listener: EventListener): () => void;
  readonly models: ModelStore;
  readonly personalSamples: PersonalSampleStore;
  /** The typed settings store (window bounds in the app), opened and repaired once here. */
  readonly appStore: AppStore;
  /** Settles once the model index has been reconciled with the models folder. */
  readonly ready: Promise<void>;
  /** Waits (up to saveBoundMs) for saves in flight, then stops the engine. */
  dispose(): Promise<void>;
}

type Handlers = { [C in InvokeChannel]: (request: ParsedRequestOf<C>) => Promise<ResponseOf<C>> };

/**
 * The main process's services behind the IPC contract, with no Electron in sight: the
 * Electron shell (ipc.ts) and the browser mode (web/server.ts) both just forward
 * channel + payload here and send the events on. This function only wires the services
 * together and maps every channel to its handler; each feature's work is in its own file.
 */
export function createBackend(options: BackendOptions): Backend {
  const { engineHost, dialogs, log = (line) => console.log(line) } = options;
  const events = new EventBus(log);
  const { emit } = events;
  // Until the page can ask for them ('notices:startup'), start-up's notices wait here.
  let startupNotices: EventOf<'notice'>[] | undefined = [];
  // Notices reach the page like errors do: without absolute paths (the log keeps them).
  const notify = (notice: EventOf<'notice'>): void => {
    const message = withoutAbsolutePaths(notice.message);
    if (message !== notice.message) log(`[backend] notice: ${notice.message}`);
    emit('notice', { ...notice, message });
  };
  const warn = (message: string): void => {
    if (startupNotices) startupNotices.push({ level: 'warning', message: withoutAbsolutePaths(message) });
    else notify({ level: 'warning', message });
  };
  // Throws StoreVersionError for a store a newer Tegaki wrote, which is left untouched.
  const store = new AppStore(options.store ?? new JsonFileStore(join(options.userDataDir, 'tegaki-store.json')), warn);
  const swept = sweepTempFilesSync(options.userDataDir);
  if (swept.length > 0) log(`[backend] removed ${swept.length} temp file(s) of interrupted saves: ${swept.join(', ')}`);
  const models = new ModelStore({
    userDataDir: options.userDataDir,
    resourcesDir: options.resourcesDir,
    store,
    log,
    tryModel: (bytes, source) => engineHost.tryModel(bytes, source),
  });
  const ready = models.reconcile().then(
    (notices) => notices.forEach(warn),
    (error: unknown) => log(`[backend] checking the models folder failed: ${String(error)}`),
  );
  const saves = new PendingWork();
  const activeModel = new ActiveModel(models, notify);
  const personalSamples = new PersonalSampleStore({
    userDataDir: options.userDataDir,
    notify,
    rasterise: (drawings) => engineHost.rasterise(drawings),
  });

  // Settles once the latest change has been announced, so 'training:done' comes after its 'models:changed'.
  let modelsChanged: Promise<void> = Promise.resolve();
  models.onChanged(() => {
    modelsChanged = models.list().then(
      (list) => emit('models:changed', { models: list }),
      (error: unknown) => log(`[backend] listing models failed: ${String(error)}`),
    );
  });
  const featureCachePath = join(options.userDataDir, 'fine-tune-features.tgkf');
  const fineTunePreparer = new FineTunePreparer({ engineHost, activeModel, featureCachePath, log });
  personalSamples.onChanged(() => {
    personalSamples.counts().then(
      (counts) => {
        emit('personal:changed', { counts });
        void fineTunePreparer.samplesChanged(counts.reduce((sum, n) => sum + n, 0));
      },
      (error: unknown) => log(`[backend] counting personal samples failed: ${String(error)}`),
    );
  });

  const experiment = new CurrentExperiment();
  const handlers: Handlers = {
    ...createModelHandlers({ models, activeModel, dialogs, exportsDir: join(options.userDataDir, 'exports') }),
    ...createTrainingHandlers({
      engineHost,
      models,
      activeModel,
      personalSamples,
      emit,
      modelsAnnounced: () => modelsChanged,
      saves,
      log,
      featureCachePath,
    }),
    ...createEvaluationHandlers({ engineHost, models, mnistDir: options.mnistDir, log }),
    ...createPersonalHandlers({ samples: personalSamples, activeModel, dialogs }),
    ...createInspectHandlers({ engineHost, models, activeModel, experiment }),
    ...createExperimentHandlers({ engineHost, models, activeModel, experiment }),
    ...createStepHandlers({ engineHost }),
    ...createTimelineHandlers({ engineHost, models, activeModel }),
    'app:machine': async () => {
      const cores = options.cores ?? availableParallelism();
      // The engine's own default (engine-process/entry.ts): every core but one, beside the window.
      return { cores, defaultThreads: defaultThreads(cores, true), maxThreads: MAX_THREADS };
    },
    'notices:startup': async () => {
      await ready;
      const notices = startupNotices ?? [];
      startupNotices = undefined;
      return notices;
    },
  };

  return {
    models,
    personalSamples,
    appStore: store,
    ready,
    onEvent: (listener) => events.on(listener),
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
    async dispose() {
      if (!(await saves.settled(options.saveBoundMs ?? 10_000))) log('[backend] quitting with a save still unfinished');
      await engineHost.dispose();
    },
  };
}
