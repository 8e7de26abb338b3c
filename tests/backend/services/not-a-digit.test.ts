import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { drawnTemplates } from '../../../src/digits/synthetic/drawn-digits';
import { traceTemplate } from '../../../src/digits/synthetic/hand';
import { EngineHost } from '../../../src/backend/engine/engine-host';
import { engineSourceEntry, nodeSpawn } from '../../../src/backend/engine/node-spawn';
import type { Backend } from '../../../src/backend/services/backend';
import { createBackend } from '../../../src/backend/services/backend';
import { loadModel, saveModel } from '../../../src/digits/io/saved-model';
import { strokesToInput } from '../../../src/digits/preprocess/strokes';
import type { InvokeChannel, RequestOf, ResponseOf } from '../../../src/shared/ipc/contract';
import { callBackend, nextBackendEvent, removeDirs, smallHyperparameters, tempDir } from '../fixtures';
import { scribbledKnot } from '../../fixtures/scribbled-knot';

// The app's predict with the shipped model, which keeps a "not a digit" threshold; the
// drawing rejected here is a scribbled knot, in canvas fractions as
// tests/e2e/not-a-digit.test.ts draws it.
const knot = strokesToInput(scribbledKnot(280));
const three = strokesToInput(traceTemplate(drawnTemplates.find((t) => t.digit === 3)!.strokes));
const shipped = resolve(import.meta.dirname, '../../../resources');

const dirs: string[] = [];
let backend: Backend;
let userData: string;

async function start(resourcesDir: string): Promise<void> {
  userData = await tempDir('not-a-digit');
  dirs.push(userData);
  const engineHost = new EngineHost({ spawn: nodeSpawn, entryPath: engineSourceEntry, log: () => undefined });
  backend = createBackend({ userDataDir: userData, resourcesDir, engineHost, log: () => undefined });
}

const call = <C extends InvokeChannel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> =>
  callBackend(backend, channel, request);

afterEach(async () => {
  await backend.dispose();
  await removeDirs(dirs);
});

describe('predict says when a drawing is not a digit', () => {
  beforeEach(() => start(shipped));

  it('rejects a scribbled knot with the shipped model, still giving its ten probabilities, and reads a drawn 3', async () => {
    const rejected = await call('predict', { pixels: knot });
    expect(rejected.notADigit).toBe(true);
    expect(rejected.probabilities).toHaveLength(10);
    expect(rejected.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    const read = await call('predict', { pixels: three });
    expect(read.notADigit).toBe(false);
    expect(read.probabilities.indexOf(Math.max(...read.probabilities))).toBe(3);
  });
});

describe('a model without a fitted threshold', () => {
  beforeEach(async () => {
    const resources = await tempDir('not-a-digit-resources');
    dirs.push(resources);
    const { model, metadata } = await loadModel(join(shipped, 'default-model.tgk'));
    await saveModel(join(resources, 'default-model.tgk'), model, { ...metadata, rejection: undefined });
    await start(resources);
  });

  it('never says not a digit', async () => {
    expect((await call('predict', { pixels: knot })).notADigit).toBe(false);
  });
});

describe('a model trained in the app', () => {
  beforeEach(() => start(shipped));

  it('gets its threshold at the end of training, beside its temperature, rejecting at most 1% of each digit set', async () => {
    const done = nextBackendEvent(backend, 'training:done');
    await call('training:start', { hyperparameters: smallHyperparameters(), name: 'Fitted', testSize: 200 });
    await done;
    const files = (await readdir(join(userData, 'models'))).filter((f) => f.endsWith('.tgk'));
    const { metadata } = await loadModel(join(userData, 'models', files[0]));
    const rejection = metadata.rejection!;
    expect(rejection.temperature).toBe(metadata.calibration!.temperature);
    expect(rejection.digitRejection.validation.count).toBe(5000);
    expect(rejection.digitRejection.drawn.count).toBe(5000);
    for (const { rejected, count } of Object.values(rejection.digitRejection))
      expect(rejected).toBeLessThanOrEqual(count / 100);
    expect(rejection.separation.map((s) => s.score)).toEqual(['max-probability', 'max-logit', 'energy']);
  }, 180_000);
});
