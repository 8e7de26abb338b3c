import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { onnxToModel } from '../../../src/digits/io/onnx/import-onnx';
import { Sequential } from '../../../src/engine/model/sequential';
import type { ModelSummary } from '../../../src/shared/ipc/contract';
import { preset } from '../../../src/shared/presets';
import { quirkyDrawings } from '../../fixtures/quirky-drawings';
import { mnistTestImages } from '../../digits/io/onnx/onnx-runtime';
import { FINE_TUNE_DEFAULTS } from '../../../src/shared/personal-training';
import { smallHyperparameters, useRealBackend } from '../fixtures';

// A model trained elsewhere, imported from its ONNX file, is a first-class model: the
// same services as the Electron shell and the browser mode, against real temp folders
// and a real engine child process (which tries the file, evaluates and trains it).

const torchCnn = resolve(import.meta.dirname, '../../fixtures/onnx/torch-cnn-opset13.onnx');
const env = useRealBackend({ manual: true });
const { call, next } = env;

const argmax = (values: readonly number[]): number => values.indexOf(Math.max(...values));

/** The PyTorch CNN, imported as the Models screen's file input does: its bytes and its name. */
async function importTorchCnn(): Promise<ModelSummary> {
  const { model } = await call('models:import', {
    fileName: 'torch-cnn-opset13.onnx',
    bytes: await readFile(torchCnn),
  });
  return model!;
}

describe('a PyTorch model imported from ONNX through the services', () => {
  beforeEach(async () => {
    await env.start();
  });

  it('is listed under its file name with where it came from, and has no figures of its own yet', async () => {
    const model = await importTorchCnn();
    expect(model).toMatchObject({
      name: 'torch-cnn-opset13',
      source: 'imported',
      active: false,
      importedFrom: { format: 'onnx', producer: 'pytorch 1.13.0', opset: 13 },
    });
    expect(model.architecture).toMatch(/^28x28 conv/);
    expect((await call('models:list', undefined)).map((m) => m.id)).toEqual(['default', model.id]);
    expect(await call('models:details', { id: model.id })).toEqual({ id: model.id, history: [], lossCurve: [] });
  });

  it('gets a report computed on the test set: the classification report and a 10x10 confusion matrix', async () => {
    const model = await importTorchCnn();
    const evaluation = await call('evaluate', { id: model.id, testSize: 1000 });
    expect(evaluation.count).toBe(1000);
    expect(evaluation.confusion).toHaveLength(10);
    expect(evaluation.confusion.every((row) => row.length === 10)).toBe(true);
    expect(evaluation.confusion.flat().reduce((a, b) => a + b, 0)).toBe(1000);
    expect(evaluation.report.classes.map((c) => c.label)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(evaluation.report.classes.reduce((sum, c) => sum + c.support, 0)).toBe(1000);
    // It reads digits: a real PyTorch-trained network, not its initialisation.
    expect(evaluation.accuracy).toBeGreaterThan(0.95);
    expect(evaluation.report.accuracy).toBeCloseTo(evaluation.accuracy, 9);
  });

  it('classifies drawings and explains them once active, as the Draw screen asks', async () => {
    const model = await importTorchCnn();
    await call('models:setActive', { id: model.id });
    const images = await mnistTestImages(20);
    let right = 0;
    for (let i = 0; i < images.count; i++) {
      const pixels = images.pixels.slice(i * 784, (i + 1) * 784);
      const { modelId, probabilities } = await call('predict', { pixels });
      expect(modelId).toBe(model.id);
      expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      if (argmax(probabilities) === images.labels[i]) right++;
    }
    expect(right).toBeGreaterThanOrEqual(19);

    const pixels = images.pixels.slice(0, 784);
    const explained = await call('explain', { pixels });
    expect(explained).toMatchObject({ modelId: model.id, label: images.labels[0] });
    expect(explained.attribution).toHaveLength(784);
    expect(explained.attribution.some((v) => v !== 0)).toBe(true);
  });

  it('exports as ONNX (to the exports folder without a dialog) a file that imports back with identical predictions', async () => {
    const model = await importTorchCnn();
    await call('models:setActive', { id: model.id });
    const { path } = await call('models:export', { id: model.id, format: 'onnx' });
    expect(path).toBe(join(env.userData, 'exports', 'torch-cnn-opset13.onnx'));
    const back = onnxToModel(new Uint8Array(await readFile(path!)), 'torch-cnn-opset13.onnx');
    expect(back.metadata.importedFrom).toMatchObject({ format: 'onnx', opset: 13 });
    const reimported = Sequential.fromWeights(back.spec, back.tensors);
    const images = await mnistTestImages(10);
    for (let i = 0; i < images.count; i++) {
      const pixels = images.pixels.slice(i * 784, (i + 1) * 784);
      expect(reimported.predictOne(pixels)).toEqual((await call('predict', { pixels })).probabilities);
    }
    // Tegaki's own format stays the default.
    expect((await call('models:export', { id: model.id })).path).toBe(
      join(env.userData, 'exports', 'torch-cnn-opset13.tgk'),
    );
  });

  it('fine-tunes on personal samples with the stand-in recipe (its file has no hyperparameters), keeping its architecture', async () => {
    const model = await importTorchCnn();
    await call('models:setActive', { id: model.id });
    for (const { label, strokes } of quirkyDrawings(24, 1)) await call('personal:add', { strokes, label });

    const done = next('training:done', { timeoutMs: 120_000 });
    await call('training:start', {
      hyperparameters: smallHyperparameters(),
      personal: { mode: 'fine-tune' },
      fineTune: { epochs: 1, trainSize: 2000 },
      testSize: 500,
    });
    const finished = await done;
    expect(finished.model).toMatchObject({
      name: 'torch-cnn-opset13 (fine-tuned)',
      source: 'trained',
      architecture: model.architecture,
    });
    // The recommended preset's optimiser at the head's share of its learning rate (a conv model
    // fine-tunes its dense head on frozen features): what `tegaki finetune` does for such a file.
    const recommended = preset('recommended');
    expect(finished.model.hyperparameters).toMatchObject({
      optimizer: recommended.optimizer,
      learningRate: recommended.learningRate * FINE_TUNE_DEFAULTS.headLearningRateFactor,
      epochs: 1,
      trainSize: 2000,
    });
    expect(finished.personalTestCount).toBe(6);
    // Still a digit reader after a short fine-tune from its PyTorch weights.
    expect(finished.testAccuracy).toBeGreaterThan(0.9);
    const evaluation = await call('evaluate', { id: finished.model.id, testSize: 500 });
    expect(evaluation.accuracy).toBe(finished.testAccuracy);
  }, 180_000);
});

describe('ONNX in the app: the save and open dialogs', () => {
  it('the save dialog suggests <name>.onnx for ONNX and <name>.tgk otherwise; the open dialog takes any model file', async () => {
    const asked: string[] = [];
    let chosen: string | null = null;
    await env.start({
      dialogs: {
        chooseExportPath: async (name, kind) => (asked.push(`save ${name} ${kind}`), chosen),
        chooseImportPath: async (kind) => (asked.push(`open ${kind}`), chosen),
      },
    });
    chosen = torchCnn;
    const { model } = await call('models:import', {});
    expect(model).toMatchObject({ name: 'torch-cnn-opset13', importedFrom: { format: 'onnx' } });

    chosen = join(env.userData, 'chosen', 'mine.onnx');
    expect(await call('models:export', { id: model!.id, format: 'onnx' })).toEqual({ path: chosen });
    expect(onnxToModel(new Uint8Array(await readFile(chosen)), 'mine.onnx').spec).toEqual(
      onnxToModel(new Uint8Array(await readFile(torchCnn))).spec,
    );
    chosen = null;
    expect(await call('models:export', { id: model!.id })).toEqual({ path: null });
    expect(asked).toEqual(['open model', 'save torch-cnn-opset13.onnx onnx', 'save torch-cnn-opset13.tgk tegaki']);
  });
});
