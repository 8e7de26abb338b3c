import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModelFile } from '../../src/digits/io/model-file';
import { tegaki } from './run-tegaki';

const imported = join(import.meta.dirname, '../fixtures/onnx/torch-mlp-opset9.onnx');


const json = async (...args: string[]) => {
  const r = await tegaki(...args, '--json');
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
};

describe('tegaki calibrate, and the commands that use the temperature (real process)', () => {
  let dir: string;
  let calibrated: string;
  let strokes: string;
  let calibration: { temperature: number; validationCount: number; eceBefore: number; eceAfter: number };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tegaki-calibrate-'));
    calibrated = join(dir, 'imported.tgk');
    strokes = join(dir, 'digits.json');
    // A 1, a 7 and a 0, as the canvas would record them.
    await writeFile(
      strokes,
      JSON.stringify([
        {
          id: 'one',
          strokes: [
            [
              [50, 10],
              [52, 90],
            ],
          ],
        },
        {
          id: 'seven',
          strokes: [
            [
              [10, 10],
              [80, 10],
              [40, 90],
            ],
          ],
        },
        {
          id: 'zero',
          strokes: [
            [
              [50, 10],
              [80, 50],
              [50, 90],
              [20, 50],
              [50, 10],
            ],
          ],
        },
      ]),
    );
    const out = await json('calibrate', imported, '--out', calibrated);
    calibration = out.calibration;
  }, 120_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('fits a temperature for an imported model on the last 5,000 training images and keeps it in the file', async () => {
    expect(calibration.validationCount).toBe(5000);
    expect(calibration.temperature).toBeGreaterThan(0);
    expect(calibration.temperature).not.toBeCloseTo(1, 2);
    const { metadata, tensors } = await loadModelFile(calibrated);
    expect(metadata.calibration).toEqual(calibration);
    // And when it says "not a digit", at that temperature, rejecting at most 1% of each digit set.
    expect(metadata.rejection).toMatchObject({ temperature: calibration.temperature, maxDigitRejection: 0.01 });
    const { validation, drawn } = metadata.rejection!.digitRejection;
    expect(validation.rejected).toBeLessThanOrEqual(validation.count * 0.01);
    expect(drawn.rejected).toBeLessThanOrEqual(drawn.count * 0.01);
    expect(metadata.importedFrom?.format).toBe('onnx');
    expect(tensors.length).toBeGreaterThan(0);
  });

  it('predict and explain give softmax(z / T): the calibrated probabilities are the raw ones to the power 1/T, renormalised, with the same top class', async () => {
    const raw: { label: number; probabilities: number[] }[] = await json('predict', imported, strokes);
    const warm: { label: number; probabilities: number[] }[] = await json('predict', calibrated, strokes);
    const explained: { probabilities: number[] }[] = await json('explain', calibrated, strokes);
    raw.forEach((r, i) => {
      expect(warm[i].label).toBe(r.label);
      const powered = r.probabilities.map((p) => p ** (1 / calibration.temperature));
      const sum = powered.reduce((a, b) => a + b, 0);
      powered.forEach((p, k) => {
        expect(warm[i].probabilities[k]).toBeCloseTo(p / sum, 4);
        expect(explained[i].probabilities[k]).toBeCloseTo(p / sum, 4);
      });
    });
  });

  it('evaluate prints and returns the expected calibration error on the test images before and after T', async () => {
    const evaluation = await json('evaluate', calibrated, '--test-size', '1000');
    const { calibration: measured } = evaluation;
    expect(measured).toMatchObject({ temperature: calibration.temperature, count: 1000 });
    expect(measured.reliabilityBefore).toHaveLength(15);
    expect(measured.reliabilityAfter.reduce((n: number, bin: { count: number }) => n + bin.count, 0)).toBe(1000);
    expect(measured.eceBefore).not.toBe(measured.eceAfter);
    const text = await tegaki('evaluate', calibrated, '--test-size', '1000');
    expect(text.stdout).toContain(
      `temperature ${calibration.temperature.toFixed(3)} (fitted on the last 5000 training images): expected calibration error on these 1000 test images ${measured.eceBefore.toFixed(4)} before, ${measured.eceAfter.toFixed(4)} after`,
    );
    const uncalibrated = await tegaki('evaluate', imported, '--test-size', '1000');
    expect(uncalibrated.stdout).toContain(
      `uncalibrated (temperature 1; \`tegaki calibrate\` fits one): expected calibration error ${measured.eceBefore.toFixed(4)}`,
    );
  });

  it('writes Tegaki models only', async () => {
    const r = await tegaki('calibrate', imported, '--out', join(dir, 'again.onnx'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/calibrate writes a Tegaki model: give --out FILE\.tgk/);
  });
});
