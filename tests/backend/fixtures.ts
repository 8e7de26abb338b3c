import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { saveModel } from '../../src/digits/io/saved-model';
import { Sequential } from '../../src/engine/model/sequential';
import type { TrainedModel } from '../../src/engine-process/protocol';
import { modelSpecFor } from '../../src/engine/training/architecture';
import type { Hyperparameters } from '../../src/shared/hyperparameters';
import { preset } from '../../src/shared/presets';
import type { Backend } from '../../src/backend/services/backend';
import type { EventChannel, EventOf, InvokeChannel, RequestOf, ResponseOf } from '../../src/shared/ipc/contract';
import { eventContract, invokeContract } from '../../src/shared/ipc/contract';
import { expect } from 'vitest';

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
