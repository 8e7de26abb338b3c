import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejectionTally, styleTallies } from '../../bench/drawn';
import { EngineHost } from '../../src/backend/engine/engine-host';
import { engineSourceEntry, nodeSpawn } from '../../src/backend/engine/node-spawn';
import { loadMnist } from '../../src/digits/data/mnist';
import { loadModel, saveModel } from '../../src/digits/io/saved-model';
import { drawnDigitsDataset } from '../../src/digits/synthetic/drawn-digits';
import { nonDigitDataset } from '../../src/digits/synthetic/non-digits';
import { sliceDataset } from '../../src/engine/data/dataset';
import { Sequential } from '../../src/engine/model/sequential';
import { evaluate } from '../../src/engine/training/evaluate';
import { MNIST_LACKING_STYLES } from '../../src/shared/drawn-evaluation';
import { fakeTrainedModel, removeDirs, tempDir } from '../backend/fixtures';

// The drawn-digit and "not a digit" figures the engine process's evaluation carries to the
// report are the bench's (npm run bench -- --only drawn) for the same model: computed here
// the bench's way, by its own exported functions over freshly drawn sets, against a real
// engine child process.

const defaultModelPath = join(import.meta.dirname, '..', '..', 'resources', 'default-model.tgk');
/** The report's MNIST rate is on the test images it evaluated: a few, to be quick. */
const testSize = 500;
let engineHost: EngineHost;
const dirs: string[] = [];

beforeAll(() => {
  engineHost = new EngineHost({ spawn: nodeSpawn, entryPath: engineSourceEntry, log: () => undefined });
});

afterAll(async () => {
  await engineHost.dispose();
  await removeDirs(dirs);
});

describe("the engine's evaluation, beside the bench's drawn figures", () => {
  it("gives the built-in model's drawn accuracy per style and its rejected shares exactly as the bench computes them", async () => {
    const fromEngine = await engineHost.evaluate(defaultModelPath, testSize).result;

    const { model, metadata } = await loadModel(defaultModelPath);
    const rejection = metadata.rejection!;
    expect(rejection).toBeDefined();
    const drawn = drawnDigitsDataset();
    const onDrawn = evaluate(model, drawn);
    const right = onDrawn.predictions.reduce((sum, p, i) => sum + (p === drawn.labels[i] ? 1 : 0), 0);
    expect(fromEngine.drawn).toEqual({
      right,
      total: 5_000,
      styles: styleTallies(drawn, onDrawn.labels, onDrawn.predictions),
    });
    expect(fromEngine.drawn.styles.map((s) => s.style)).toEqual([...MNIST_LACKING_STYLES]);
    expect(fromEngine.drawn.styles.every((s) => s.total > 0 && s.templates > 0)).toBe(true);

    const { test } = await loadMnist();
    const share = (data: Parameters<typeof rejectionTally>[2]) => {
      const { rejected, total } = rejectionTally(model, rejection, data);
      return { rejected, total };
    };
    expect(fromEngine.notADigit).toEqual({
      mnistTest: share(sliceDataset(test, 0, testSize)),
      drawnDigits: share(drawn),
      heldOutNonDigits: share(nonDigitDataset('held-out')),
    });
    // The shipped model's own record of its threshold: it turned away 50 of these drawn digits when it was fitted.
    expect(fromEngine.notADigit!.drawnDigits.rejected).toBe(rejection.digitRejection.drawn.rejected);
    expect(fromEngine.notADigit!.heldOutNonDigits.rejected).toBeGreaterThan(0);
  });

  it('says nothing of "not a digit" for a model file without a threshold, and still gives its drawn figures', async () => {
    const dir = await tempDir('drawn-evaluation');
    dirs.push(dir);
    const path = join(dir, 'no-threshold.tgk');
    const trained = fakeTrainedModel(5);
    const model = Sequential.fromWeights(trained.spec, trained.tensors);
    await saveModel(path, model, { name: 'no threshold' });

    const fromEngine = await engineHost.evaluate(path, 50).result;
    expect(fromEngine.notADigit).toBeNull();
    const drawn = drawnDigitsDataset();
    const onDrawn = evaluate(model, drawn);
    expect(fromEngine.drawn.styles).toEqual(styleTallies(drawn, onDrawn.labels, onDrawn.predictions));
    expect(fromEngine.drawn.total).toBe(5_000);
  });
});
