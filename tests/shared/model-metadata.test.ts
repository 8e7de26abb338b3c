import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeModelFile } from '../../src/digits/io/model-file';
import { parseModelMetadata, temperatureOf } from '../../src/shared/model-metadata';
import { preset } from '../../src/shared/presets';

const epoch = { epoch: 1, step: 10, trainLoss: 0.5, trainAccuracy: 0.8, testLoss: 0.6, testAccuracy: 0.79, elapsedSeconds: 1 };

describe('model metadata, checked once as a file is decoded', () => {
  it('reads the shipped default model, made by an earlier version', () => {
    const { metadata } = decodeModelFile(new Uint8Array(readFileSync(join(import.meta.dirname, '../../resources/default-model.tgk'))));
    expect(metadata.hyperparameters?.hiddenLayers).toBeDefined();
    expect(metadata.history?.length).toBeGreaterThan(0);
    expect(metadata.metrics?.testAccuracy).toBeGreaterThan(0.9);
  });

  it('drops malformed history records and fields that do not fit, keeping the rest', () => {
    const metadata = parseModelMetadata({
      name: 42,
      createdAt: '2024-01-01T00:00:00.000Z',
      hyperparameters: { learningRate: 'fast' },
      history: [epoch, { epoch: 2 }, 'nonsense', { ...epoch, epoch: 3, step: undefined, elapsedSeconds: undefined }],
      metrics: { testAccuracy: 0.9 },
      fineTunedFrom: 'base.tgk',
    });
    expect(metadata).toEqual({
      createdAt: '2024-01-01T00:00:00.000Z',
      history: [epoch, { ...epoch, epoch: 3, step: undefined, elapsedSeconds: undefined }],
      fineTunedFrom: 'base.tgk',
    });
  });

  it('reads files written before the fixed validation set: validationSplit is dropped, no validation set', () => {
    const { validationSize: _none, ...rest } = preset('recommended');
    const old = { ...rest, trainSize: 60_000, validationSplit: 0 };
    const metadata = parseModelMetadata({ hyperparameters: old, metrics: { testAccuracy: 0.98, testLoss: 0.07 } });
    expect(metadata.hyperparameters).toEqual({ ...rest, trainSize: 60_000 });
    expect(metadata.hyperparameters).not.toHaveProperty('validationSplit');
    expect(metadata.metrics).toEqual({ testAccuracy: 0.98, testLoss: 0.07 });
  });

  it('keeps the validation figures beside the test figures', () => {
    const metrics = { validationAccuracy: 0.985, validationLoss: 0.05, validationCount: 5000, testAccuracy: 0.98, testLoss: 0.07 };
    expect(parseModelMetadata({ metrics }).metrics).toEqual(metrics);
  });

  it('keeps a calibration that fits and drops one that does not: that model is uncalibrated, T = 1', () => {
    const calibration = { temperature: 1.42, validationCount: 5000, eceBefore: 0.031, eceAfter: 0.008 };
    const calibrated = parseModelMetadata({ name: 'a', calibration });
    expect(calibrated.calibration).toEqual(calibration);
    expect(temperatureOf(calibrated)).toBe(1.42);
    for (const bad of [{ ...calibration, temperature: 0 }, { ...calibration, temperature: -2 }, { temperature: 1.5 }, 'warm']) {
      const metadata = parseModelMetadata({ name: 'a', calibration: bad });
      expect(metadata).toEqual({ name: 'a' });
      expect(temperatureOf(metadata)).toBe(1);
    }
  });

  it('takes a missing or non-object header entry as no metadata', () => {
    expect(parseModelMetadata(undefined)).toEqual({});
    expect(parseModelMetadata('a string')).toEqual({});
    expect(parseModelMetadata({ history: 'not a list' })).toEqual({});
  });
});
