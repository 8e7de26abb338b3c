import { withDerivedValues } from '../derived-activations';
import type { ModelFormat } from '../model-metadata';
import type { EventChannel, EventOf, InvokeChannel, RequestOf, ResponseOf, Result } from './contract';

/**
 * What the renderer sees as `window.tegaki`: named functions only, each resolving to a
 * Result (never rejecting), and subscriptions that return their unsubscribe. The preload
 * (Electron) and the web bridge (browser mode) both build it with `createTegakiApi`, so
 * the two cannot drift apart.
 */
export interface TegakiApi {
  /** The app's version, from package.json. */
  version(): string;
  /** 'electron' in the app, 'web' in the browser mode. */
  readonly shell: 'electron' | 'web';
  /** The machine training runs on: its cores and the engine's default thread count. */
  machine(): Promise<Result<ResponseOf<'app:machine'>>>;
  models: {
    list(): Promise<Result<ResponseOf<'models:list'>>>;
    active(): Promise<Result<ResponseOf<'models:active'>>>;
    rename(id: string, name: string): Promise<Result<ResponseOf<'models:rename'>>>;
    delete(id: string): Promise<Result<ResponseOf<'models:delete'>>>;
    setActive(id: string): Promise<Result<ResponseOf<'models:setActive'>>>;
    details(id: string): Promise<Result<ResponseOf<'models:details'>>>;
    /** As a Tegaki file (the default) or as ONNX. */
    export(id: string, format?: ModelFormat): Promise<Result<ResponseOf<'models:export'>>>;
    import(file?: { fileName?: string; bytes: Uint8Array }): Promise<Result<ResponseOf<'models:import'>>>;
    onChanged(listener: Listener<'models:changed'>): Unsubscribe;
  };
  predict(pixels: Float32Array | number[]): Promise<Result<ResponseOf<'predict'>>>;
  /** Which pixels pushed the active model toward `target` (default: its top class). */
  explain(pixels: Float32Array | number[], target?: number): Promise<Result<ResponseOf<'explain'>>>;
  /** Inside a model (the active one unless `id` names another). */
  inspect: {
    /**
     * Every layer's output for one image, and the probabilities; with `snapshot`, as that
     * snapshot of its timeline. Every layer has its values: those the answer left out
     * (`derived`) are computed here, so no caller sees an empty layer.
     */
    activations(pixels: Float32Array | number[], id?: string, snapshot?: number): Promise<Result<ResponseOf<'inspect:activations'>>>;
    /** Layer `layer`'s learned tensors: conv filters, dense weights, biases (with `snapshot`, that snapshot's). */
    parameters(layer: number, id?: string, snapshot?: number): Promise<Result<ResponseOf<'inspect:parameters'>>>;
  };
  /** A model's training timeline: the snapshots its training kept (the active model unless `id` names another). */
  timeline: {
    list(id?: string): Promise<Result<ResponseOf<'timeline:list'>>>;
    /** Snapshot `index` on the first `testSize` test images (default 1,000). */
    evaluate(index: number, id?: string, testSize?: number): Promise<Result<ResponseOf<'timeline:evaluate'>>>;
    delete(id: string): Promise<Result<ResponseOf<'timeline:delete'>>>;
  };
  /** "Break it" experiments on the active model (src/shared/experiment.ts). */
  network: {
    /** The model with `edits` against itself on the drawing and the first `testSize` test images; stays on until restore. */
    experiment(edits: RequestOf<'network:experiment'>['edits'], pixels: Float32Array | number[], testSize?: number): Promise<Result<ResponseOf<'network:experiment'>>>;
    restore(): Promise<Result<ResponseOf<'network:restore'>>>;
    /** The experiment's copy as a new model. */
    saveExperiment(name: string): Promise<Result<ResponseOf<'network:save-experiment'>>>;
  };
  /** Step mode: a small network trained one mini-batch at a time. */
  step: {
    start(hyperparameters: RequestOf<'step:start'>['hyperparameters']): Promise<Result<ResponseOf<'step:start'>>>;
    next(): Promise<Result<ResponseOf<'step:next'>>>;
  };
  /** The person's own labelled drawings. */
  personal: {
    add(strokes: RequestOf<'personal:add'>['strokes'], label: number): Promise<Result<ResponseOf<'personal:add'>>>;
    list(): Promise<Result<ResponseOf<'personal:list'>>>;
    delete(id: string): Promise<Result<ResponseOf<'personal:delete'>>>;
    export(): Promise<Result<ResponseOf<'personal:export'>>>;
    /** The file's text (read by the page), or nothing to pick one in a dialog (the app only). */
    import(file?: { fileName?: string; text: string }): Promise<Result<ResponseOf<'personal:import'>>>;
    onChanged(listener: Listener<'personal:changed'>): Unsubscribe;
  };
  evaluate(id: string, testSize?: number): Promise<Result<ResponseOf<'evaluate'>>>;
  /** Stops `id`'s evaluation on its way; its evaluate answers 'cancelled'. */
  cancelEvaluation(id: string): Promise<Result<ResponseOf<'evaluate:cancel'>>>;
  training: {
    start(request: RequestOf<'training:start'>): Promise<Result<ResponseOf<'training:start'>>>;
    cancel(jobId?: string): Promise<Result<ResponseOf<'training:cancel'>>>;
    /** Writes again a trained model whose save failed ('save-failed'); the backend kept it. */
    saveAgain(jobId: string): Promise<Result<ResponseOf<'training:saveAgain'>>>;
    onProgress(listener: Listener<'training:progress'>): Unsubscribe;
    onEpoch(listener: Listener<'training:epoch'>): Unsubscribe;
    onDone(listener: Listener<'training:done'>): Unsubscribe;
    onError(listener: Listener<'training:error'>): Unsubscribe;
  };
  mnist: {
    testImages(indices: number[]): Promise<Result<ResponseOf<'mnist:testImages'>>>;
  };
  onNotice(listener: Listener<'notice'>): Unsubscribe;
  /** What start-up had to say before the page listened (settings set aside, models recovered); once. */
  startupNotices(): Promise<Result<ResponseOf<'notices:startup'>>>;
}

export type Unsubscribe = () => void;
export type Listener<C extends EventChannel> = (event: EventOf<C>) => void;

/** How an API reaches the main-process services: Electron IPC or the loopback bridge. */
export interface Transport {
  invoke<C extends InvokeChannel>(channel: C, request: RequestOf<C>): Promise<Result<ResponseOf<C>>>;
  subscribe<C extends EventChannel>(channel: C, listener: Listener<C>): Unsubscribe;
}

export function createTegakiApi(transport: Transport, shell: TegakiApi['shell'], appVersion: string): TegakiApi {
  const { invoke, subscribe } = transport;
  return {
    version: () => appVersion,
    shell,
    machine: () => invoke('app:machine', undefined),
    models: {
      list: () => invoke('models:list', undefined),
      active: () => invoke('models:active', undefined),
      rename: (id, name) => invoke('models:rename', { id, name }),
      delete: (id) => invoke('models:delete', { id }),
      setActive: (id) => invoke('models:setActive', { id }),
      details: (id) => invoke('models:details', { id }),
      export: (id, format) => invoke('models:export', { id, format }),
      import: (file) => invoke('models:import', file ?? {}),
      onChanged: (listener) => subscribe('models:changed', listener),
    },
    predict: (pixels) => invoke('predict', { pixels }),
    explain: (pixels, target) => invoke('explain', { pixels, target }),
    inspect: {
      activations: async (pixels, id, snapshot) => {
        const result = await invoke('inspect:activations', { pixels, id, snapshot });
        return result.ok ? { ok: true, value: withDerivedValues(result.value) } : result;
      },
      parameters: (layer, id, snapshot) => invoke('inspect:parameters', { layer, id, snapshot }),
    },
    timeline: {
      list: (id) => invoke('timeline:list', { id }),
      evaluate: (index, id, testSize) => invoke('timeline:evaluate', { id, index, testSize }),
      delete: (id) => invoke('timeline:delete', { id }),
    },
    network: {
      experiment: (edits, pixels, testSize) => invoke('network:experiment', { edits, pixels, testSize }),
      restore: () => invoke('network:restore', undefined),
      saveExperiment: (name) => invoke('network:save-experiment', { name }),
    },
    step: {
      start: (hyperparameters) => invoke('step:start', { hyperparameters }),
      next: () => invoke('step:next', undefined),
    },
    personal: {
      add: (strokes, label) => invoke('personal:add', { strokes, label }),
      list: () => invoke('personal:list', undefined),
      delete: (id) => invoke('personal:delete', { id }),
      export: () => invoke('personal:export', undefined),
      import: (file) => invoke('personal:import', file ?? {}),
      onChanged: (listener) => subscribe('personal:changed', listener),
    },
    evaluate: (id, testSize) => invoke('evaluate', { id, testSize }),
    cancelEvaluation: (id) => invoke('evaluate:cancel', { id }),
    training: {
      start: (request) => invoke('training:start', request),
      cancel: (jobId) => invoke('training:cancel', { jobId }),
      saveAgain: (jobId) => invoke('training:saveAgain', { jobId }),
      onProgress: (listener) => subscribe('training:progress', listener),
      onEpoch: (listener) => subscribe('training:epoch', listener),
      onDone: (listener) => subscribe('training:done', listener),
      onError: (listener) => subscribe('training:error', listener),
    },
    mnist: {
      testImages: (indices) => invoke('mnist:testImages', { indices }),
    },
    onNotice: (listener) => subscribe('notice', listener),
    startupNotices: () => invoke('notices:startup', undefined),
  };
}
