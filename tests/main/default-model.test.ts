import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeModelFile, modelDigest } from '../../src/digits/io/model-file';
import { describeArchitecture, modelSpecFor } from '../../src/engine/training/architecture';
import { DEFAULT_MODEL_PRESET, preset } from '../../src/shared/presets';

const resources = resolve(import.meta.dirname, '..', '..', 'resources');

describe('the shipped default model (npm run train:default)', () => {
  it('is the default-model preset, reads cleanly, and its committed report describes this very file', async () => {
    const bytes = new Uint8Array(await readFile(resolve(resources, 'default-model.tgk')));
    const { spec, metadata } = decodeModelFile(bytes);
    expect(describeArchitecture(spec)).toBe(describeArchitecture(modelSpecFor(preset(DEFAULT_MODEL_PRESET))));
    expect(metadata.hyperparameters).toEqual(preset(DEFAULT_MODEL_PRESET));
    const metrics = metadata.metrics as { testAccuracy: number };
    expect(metrics.testAccuracy).toBeGreaterThan(0.99);

    const report = await readFile(resolve(resources, 'default-model-report.md'), 'utf8');
    expect(report).toContain(modelDigest(bytes));
    expect(report).toContain(`${(metrics.testAccuracy * 100).toFixed(2)} %`);
    expect(report).toMatch(/precision +recall +f1-score +support/);
  });
});
