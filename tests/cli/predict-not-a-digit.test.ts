import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModelFile } from '../../src/digits/io/model-file';
import type { Stroke } from '../../src/digits/preprocess/strokes';
import { tegaki } from './run-tegaki';
import { scribbledKnot } from '../fixtures/scribbled-knot';

const model = join(import.meta.dirname, '../../resources/default-model.tgk');

/** A scribbled knot the shipped model says is not a digit (tests/digits/rejection.test.ts), in a 280 box. */
const knot: Stroke[] = scribbledKnot(280);
/** A 4 of two strokes, 280 high. */
const four: Stroke[] = [
  [
    [112, 0],
    [0, 182],
    [168, 182],
  ],
  [
    [126, 84],
    [126, 280],
  ],
];
const moved = (strokes: Stroke[], dx: number): Stroke[] => strokes.map((s) => s.map(([x, y]) => [x + dx, y]));

let file: string;
beforeAll(async () => {
  file = join(await mkdtemp(join(tmpdir(), 'tegaki-not-a-digit-')), 'drawings.json');
  await writeFile(
    file,
    JSON.stringify([
      { id: 'knot', strokes: knot },
      { id: 'four', strokes: four },
      { id: 'four-knot', strokes: [...four, ...moved(knot, 400)] },
    ]),
  );
});

describe('tegaki predict says "not a digit"', () => {
  it('--json gives "label": null and "reason": "not-a-digit" with the probabilities, and a label for a digit', async () => {
    const { stdout, code, stderr } = await tegaki('predict', model, file, '--json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const [rejected, digit] = JSON.parse(stdout) as Record<string, unknown>[];
    expect(rejected).toEqual({ id: 'knot', label: null, reason: 'not-a-digit', probabilities: expect.any(Array) });
    expect(rejected.probabilities).toHaveLength(10);
    expect(digit).toEqual({ id: 'four', label: 4, probabilities: expect.any(Array) });
  });

  it('prints "not a digit" with the likeliest digit, and a digit as before', async () => {
    const { stdout, code } = await tegaki('predict', model, file);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^knot: not a digit \(likeliest \d, \d+\.\d%\)$/m);
    expect(stdout).toMatch(/^four: 4 \(\d+\.\d%\)$/m);
  });

  it('--number decides per digit: "?" in the number and label null for the part that is not a digit', async () => {
    const { stdout, code } = await tegaki('predict', model, file, '--number', '--json');
    expect(code).toBe(0);
    const readings = JSON.parse(stdout) as { id: string; number: string; digits: Record<string, unknown>[] }[];
    const mixed = readings.find((r) => r.id === 'four-knot')!;
    expect(mixed.number).toBe('4?');
    expect(mixed.digits[0]).toMatchObject({ label: 4, strokes: [0, 1] });
    expect(mixed.digits[1]).toMatchObject({ label: null, reason: 'not-a-digit', strokes: [2] });
    const text = (await tegaki('predict', model, file, '--number')).stdout;
    expect(text).toMatch(/^four-knot: 4\?\n {2}4 +\d+\.\d% \|.*\n {2}\? not a digit \(likeliest \d, \d+\.\d%\) \|/m);
  });
});

describe('tegaki train', () => {
  it('fits the threshold at the end of training on its validation split, keeps it in the file and prints it', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'tegaki-train-rejection-')), 'small.tgk');
    const { stdout, code, stderr } = await tegaki(
      'train',
      '--preset',
      'quick',
      '--hidden-layers',
      '8',
      '--train-size',
      '500',
      '--epochs',
      '1',
      '--out',
      out,
    );
    expect(code).toBe(0);
    const { metadata } = await loadModelFile(out);
    const rejection = metadata.rejection!;
    expect(rejection.temperature).toBe(metadata.calibration!.temperature);
    expect(rejection.digitRejection.validation.rejected).toBeLessThanOrEqual(50);
    expect(rejection.digitRejection.drawn.rejected).toBeLessThanOrEqual(50);
    expect(stdout + stderr).toContain(`not a digit: ${rejection.score} below ${rejection.threshold.toFixed(4)}`);
  }, 120_000);
});
