import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeModelFile } from '../../src/digits/io/model-file';
import { parseModelMetadata } from '../../src/shared/model-metadata';

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

  it('takes a missing or non-object header entry as no metadata', () => {
    expect(parseModelMetadata(undefined)).toEqual({});
    expect(parseModelMetadata('a string')).toEqual({});
    expect(parseModelMetadata({ history: 'not a list' })).toEqual({});
  });
});
