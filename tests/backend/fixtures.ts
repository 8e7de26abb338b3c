import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EngineHost } from '../../src/backend/engine/engine-host';
import { engineSourceEntry, nodeSpawn } from '../../src/backend/engine/node-spawn';
import { saveModel } from '../../src/digits/io/saved-model';
import { Sequential } from '../../src/engine/model/sequential';
import type { TrainedModel } from '../../src/engine-process/protocol';
import { modelSpecFor } from '../../src/engine/training/architecture';
import type { Hyperparameters } from '../../src/shared/hyperparameters';
import { preset } from '../../src/shared/presets';
import type { Backend } from '../../src/backend/services/backend';
import { createBackend } from '../../src/backend/services/backend';
import type { FileDialogs } from '../../src/backend/services/file-dialogs';
import type { EventChannel, EventOf, InvokeChannel, RequestOf, ResponseOf } from '../../src/shared/ipc/contract';
import { eventContract, invokeContract } from '../../src/shared/ipc/contract';
import { afterEach, beforeEach, expect } from 'vitest';

/** A real temporary folder per test, removed afterwards by `cleanup`. */
export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `tegaki-${prefix}-`));
}

export async function removeDirs(dirs: string[]): Promise<void> {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

export function smallHyperparameters(overrides: Partial<Hyperparameters> = {}): Hyperparameters {
  return {
    ...preset('quick'),
    hiddenLayers: [{ units: 8, activation: 'relu' }],
    trainSize: 500,
    epochs: 1,
    batchSize: 20,
    ...overrides,
  };
}

/** An untrained but well-formed 784-8-10 model, as the engine would send it back. */
export function fakeTrainedModel(seed = 1): TrainedModel {
  const hyperparameters = smallHyperparameters({ seed });
  const spec = modelSpecFor(hyperparameters);
  const model = new Sequential(spec, { seed });
  const confusion = Array.from({ length: 10 }, (_, i) =>
    Array.from({ length: 10 }, (_, j) => (i === j ? 9 : i === (j + 1) % 10 ? 1 : 0)),
  );
  return {
    spec,
    tensors: model.exportWeights(),
    hyperparameters,
    history: [],
    lossCurve: [],
    test: { accuracy: 0.9, loss: 0.3, confusion },
    samplesPerSecond: 1000,
    trainingSeconds: 1,
  };
}

/** A resources/ folder with a small default-model.tgk in it. */
export async function resourcesWithDefaultModel(): Promise<string> {
  const dir = await tempDir('resources');
  await mkdir(dir, { recursive: true });
  const trained = fakeTrainedModel(99);
  await saveModel(join(dir, 'default-model.tgk'), Sequential.fromWeights(trained.spec, trained.tensors), {
    name: 'test default',
    createdAt: '2024-01-01T00:00:00.000Z',
    metrics: { testAccuracy: 0.5, testLoss: 1 },
  });
  return dir;
}

/** Invokes a backend channel and returns its value, checked against the response schema; throws on an error result. */
export async function callBackend<C extends InvokeChannel>(
  backend: Backend,
  channel: C,
  request: RequestOf<C>,
): Promise<ResponseOf<C>> {
  const result = await backend.handle(channel, request);
  if (!result.ok) throw new Error(`${channel} failed: ${result.error.code}: ${result.error.message}`);
  expect(invokeContract[channel].response.safeParse(result.value).success).toBe(true);
  return result.value as ResponseOf<C>;
}

/**
 * Every event the backend emits, in order, and a description of each one that fails its
 * schema. The event bus swallows a listener's exception (one broken window must not
 * stop the others), so an `expect` inside the listener could never fail a test: assert
 * on `invalid` after the test instead.
 */
export function recordBackendEvents(backend: Backend): { events: { channel: EventChannel; payload: unknown }[]; invalid: string[] } {
  const recorded = { events: [] as { channel: EventChannel; payload: unknown }[], invalid: [] as string[] };
  backend.onEvent((channel, payload) => {
    const checked = eventContract[channel].safeParse(payload);
    if (!checked.success) recorded.invalid.push(`${channel}: ${checked.error.message} in ${JSON.stringify(payload).slice(0, 300)}`);
    recorded.events.push({ channel, payload });
  });
  return recorded;
}

/** The next `channel` event from the backend that `where` accepts. */
export function nextBackendEvent<C extends EventChannel>(
  backend: Backend,
  channel: C,
  { where = () => true, timeoutMs = 60_000 }: { where?: (event: EventOf<C>) => boolean; timeoutMs?: number } = {},
): Promise<EventOf<C>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${channel} event in ${timeoutMs} ms`)), timeoutMs);
    const stop = backend.onEvent((c: EventChannel, payload: unknown) => {
      if (c === channel && where(payload as EventOf<C>)) {
        clearTimeout(timer);
        stop();
        resolve(payload as EventOf<C>);
      }
    });
  });
}

/** The resources/ folder the app ships, with the real default model and its thresholds. */
export const shippedResources = resolve(import.meta.dirname, '../../resources');

export interface RealBackendOptions {
  /**
   * The resources folder: 'default' a temp one with `resourcesWithDefaultModel`'s small
   * model, 'shipped' the app's own, or a fresh temp folder the function fills.
   */
  resources?: 'default' | 'shipped' | ((dir: string) => Promise<void>);
  /** The app's native dialogs; without them the backend is the browser mode's. */
  dialogs?: FileDialogs;
  /** Wait for start-up's model reconcile before the test goes on. */
  ready?: boolean;
}

/** One test's real backend, as `useRealBackend` keeps it; read its fields during a test. */
export interface RealBackend {
  readonly backend: Backend;
  readonly engineHost: EngineHost;
  readonly userData: string;
  readonly resources: string;
  /** Every event the current backend emitted, in order (a restart starts it again). */
  readonly events: { channel: EventChannel; payload: unknown }[];
  /** The backend's log lines, across restarts. */
  readonly logged: string[];
  /** Starts the backend; only for `manual`, once per test, from a test or a `beforeEach`. */
  start(options?: RealBackendOptions): Promise<Backend>;
  /** Disposes the backend and starts a new one, with a new engine process, on the same folders (the app restarted). */
  restart(options?: RealBackendOptions): Promise<Backend>;
  /** A new backend on the same folders and the same engine process, the old one left as it is. */
  reopen(): Promise<Backend>;
  call<C extends InvokeChannel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>>;
  next<C extends EventChannel>(
    channel: C,
    options?: { where?: (event: EventOf<C>) => boolean; timeoutMs?: number },
  ): Promise<EventOf<C>>;
}

/**
 * The services as the Electron shell and the browser mode use them, against real temp
 * folders and a real engine child process, set up before each test of the file and torn
 * down after it. After each test, every event the backend sent matched its schema: the
 * event bus swallows a listener's exception, so the check cannot live in the listener.
 * `manual` leaves the start to the test (`start`), for options that differ by test.
 */
export function useRealBackend(options: RealBackendOptions & { manual?: boolean } = {}): RealBackend {
  const dirs: string[] = [];
  let backend: Backend | undefined;
  let engineHost: EngineHost | undefined;
  let userData: string | undefined;
  let resources: string | undefined;
  let events: { channel: EventChannel; payload: unknown }[] = [];
  let invalid: string[][] = [];
  let logged: string[] = [];
  let dialogs: FileDialogs | undefined;

  const started = (): Backend => {
    if (!backend) throw new Error('the real backend has not started in this test');
    return backend;
  };
  const defined = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`no ${what} outside a test`);
    return value;
  };

  function open(): Backend {
    backend = createBackend({
      userDataDir: defined(userData, 'user-data folder'),
      resourcesDir: defined(resources, 'resources folder'),
      engineHost: defined(engineHost, 'engine'),
      dialogs,
      log: (line) => logged.push(line),
    });
    const recorded = recordBackendEvents(backend);
    events = recorded.events;
    invalid.push(recorded.invalid);
    return backend;
  }

  async function launch(overrides: RealBackendOptions = {}): Promise<Backend> {
    const chosen = { ...options, ...overrides };
    const kind = chosen.resources ?? 'default';
    dialogs = chosen.dialogs;
    if (resources === undefined) {
      if (kind === 'shipped') resources = shippedResources;
      else {
        resources = kind === 'default' ? await resourcesWithDefaultModel() : await tempDir('resources');
        dirs.push(resources);
        if (typeof kind === 'function') await kind(resources);
      }
    }
    engineHost = new EngineHost({ spawn: nodeSpawn, entryPath: engineSourceEntry, log: () => undefined });
    open();
    if (chosen.ready) await started().ready;
    return started();
  }

  beforeEach(async () => {
    userData = await tempDir('backend');
    dirs.push(userData);
    logged = [];
    if (!options.manual) await launch();
  });

  afterEach(async () => {
    const ended = backend;
    const invalidEvents = invalid.flat();
    backend = engineHost = userData = resources = dialogs = undefined;
    events = [];
    invalid = [];
    await ended?.dispose();
    await removeDirs(dirs);
    expect(invalidEvents).toEqual([]);
  });

  return {
    get backend() {
      return started();
    },
    get engineHost() {
      return defined(engineHost, 'engine');
    },
    get userData() {
      return defined(userData, 'user-data folder');
    },
    get resources() {
      return defined(resources, 'resources folder');
    },
    get events() {
      return events;
    },
    get logged() {
      return logged;
    },
    start: (overrides) => {
      if (backend) throw new Error('the real backend has already started in this test');
      return launch(overrides);
    },
    restart: async (overrides) => {
      await started().dispose();
      return launch(overrides);
    },
    reopen: async () => {
      started();
      await open().ready;
      return started();
    },
    call: (channel, request) => callBackend(started(), channel, request),
    next: (channel, options) => nextBackendEvent(started(), channel, options),
  };
}
