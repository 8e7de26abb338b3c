import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { drawnTemplates } from '../../../src/digits/synthetic/drawn-digits';
import { traceTemplate } from '../../../src/digits/synthetic/hand';
import { loadModel, saveModel } from '../../../src/digits/io/saved-model';
import { strokesToInput } from '../../../src/digits/preprocess/strokes';
import { shippedResources, smallHyperparameters, useRealBackend } from '../fixtures';
import { scribbledKnot } from '../../fixtures/scribbled-knot';

// The app's predict with the shipped model, which keeps a "not a digit" threshold; the
// drawing rejected here is a scribbled knot, in canvas fractions as
// tests/e2e/not-a-digit.test.ts draws it.
const knot = strokesToInput(scribbledKnot(280));
const three = strokesToInput(traceTemplate(drawnTemplates.find((t) => t.digit === 3)!.strokes));

const env = useRealBackend({ manual: true });
const { call, next } = env;

describe('predict says when a drawing is not a digit', () => {
  beforeEach(async () => {
    await env.start({ resources: 'shipped' });
  });

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
    await env.start({
      resources: async (dir) => {
        const { model, metadata } = await loadModel(join(shippedResources, 'default-model.tgk'));
        await saveModel(join(dir, 'default-model.tgk'), model, { ...metadata, rejection: undefined });
      },
    });
  });

  it('never says not a digit', async () => {
    expect((await call('predict', { pixels: knot })).notADigit).toBe(false);
  });
});

describe('a model trained in the app', () => {
  beforeEach(async () => {
    await env.start({ resources: 'shipped' });
  });

  it('gets its threshold at the end of training, beside its temperature, rejecting at most 1% of each digit set', async () => {
    const done = next('training:done');
    await call('training:start', { hyperparameters: smallHyperparameters(), name: 'Fitted', testSize: 200 });
    await done;
    const files = (await readdir(join(env.userData, 'models'))).filter((f) => f.endsWith('.tgk'));
    const { metadata } = await loadModel(join(env.userData, 'models', files[0]));
    const rejection = metadata.rejection!;
    expect(rejection.temperature).toBe(metadata.calibration!.temperature);
    expect(rejection.digitRejection.validation.count).toBe(5000);
    expect(rejection.digitRejection.drawn.count).toBe(5000);
    for (const { rejected, count } of Object.values(rejection.digitRejection))
      expect(rejected).toBeLessThanOrEqual(count / 100);
    expect(rejection.separation.map((s) => s.score)).toEqual(['max-probability', 'max-logit', 'energy']);
  }, 180_000);
});
