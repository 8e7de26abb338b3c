import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeAnyModel, loadModel, saveModel, tryModelBytes } from '../../../src/digits/io/saved-model';
import { encodeModelFile } from '../../../src/digits/io/model-file';
import { Sequential } from '../../../src/engine/model/sequential';
import { matrix } from '../../../src/engine/tensor';
import { temperedSoftmax } from '../../../src/engine/training/temperature-scaling';

const spec = {
  inputSize: 784,
  layers: [
    { type: 'dense' as const, units: 16, init: { kind: 'he' as const } },
    { type: 'relu' as const },
    { type: 'dense' as const, units: 10, init: { kind: 'he' as const } },
  ],
  loss: 'softmax-cross-entropy' as const,
};
const network = new Sequential(spec, { seed: 5 });
const pixels = Float32Array.from({ length: 784 }, (_, i) => (i % 7 === 0 ? 0.9 : 0));
const logits = (() => {
  const input = matrix(1, 784);
  input.data.set(pixels);
  return Array.from(network.forward(input, false).data);
})();
const calibration = { temperature: 2.2, validationCount: 5000, eceBefore: 0.05, eceAfter: 0.01 };
const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

describe('a model read from its file predicts with the temperature the file gives', () => {
  it('loadModel: a calibrated file predicts softmax(z / T), an uncalibrated one softmax(z)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tegaki-saved-model-'));
    dirs.push(dir);
    await saveModel(join(dir, 'warm.tgk'), network, { name: 'warm', calibration });
    await saveModel(join(dir, 'plain.tgk'), network, { name: 'plain' });
    const warm = await loadModel(join(dir, 'warm.tgk'));
    const plain = await loadModel(join(dir, 'plain.tgk'));
    expect(warm.metadata.calibration).toEqual(calibration);
    expect(warm.model.temperature).toBe(2.2);
    expect(plain.model.temperature).toBe(1);
    const calibrated = temperedSoftmax(logits, 10, 2.2);
    const raw = temperedSoftmax(logits, 10, 1);
    warm.model.predictOne(pixels).forEach((p, k) => expect(p).toBeCloseTo(calibrated[k], 6));
    plain.model.predictOne(pixels).forEach((p, k) => expect(p).toBeCloseTo(raw[k], 6));
  });

  it('an import tried in the engine reads the same temperature', () => {
    const bytes = encodeModelFile({ spec, metadata: { calibration }, tensors: network.exportWeights() });
    expect(tryModelBytes(bytes).metadata.calibration).toEqual(calibration);
    expect(decodeAnyModel(bytes).content.metadata.calibration?.temperature).toBe(2.2);
  });
});
