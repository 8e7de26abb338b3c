import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { tegaki } from './run-tegaki';



describe('tegaki command line (real process, small MNIST subsets)', () => {
  let dir: string;
  let model: string;
  let trainOutput: { stdout: string; stderr: string; code: number };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tegaki-cli-'));
    model = join(dir, 'small.tgk');
    trainOutput = await tegaki(
      'train',
      '--preset',
      'seed-classic',
      '--arch',
      '784-32-10',
      '--iterations',
      '150',
      '--train-size',
      '3000',
      '--test-size',
      '500',
      '--seed',
      '3',
      '--json',
      '--out',
      model,
    );
  }, 120_000);

  it('train --json prints JSON lines ending with the done line, and saves the model', async () => {
    expect(trainOutput.code, trainOutput.stderr).toBe(0);
    const lines = trainOutput.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const done = lines.at(-1);
    expect(done).toMatchObject({ type: 'done', model });
    expect(done.testAccuracy).toBeGreaterThan(0.7);
    expect(done.samplesPerSecond).toBeGreaterThan(0);
    expect(lines.some((l) => l.type === 'epoch')).toBe(true);
    const report = lines.find((l) => l.type === 'report');
    expect(report.text).toMatch(/precision {4}recall {2}f1-score {3}support/);
    expect(report.text).toMatch(/weighted avg/);
    expect((await stat(model)).size).toBeGreaterThan(784 * 32 * 4);
  });

  it('train --json names its done line as the schemas and the IPC do', () => {
    const done = JSON.parse(trainOutput.stdout.trim().split('\n').at(-1)!);
    expect(Object.keys(done).sort()).toEqual(
      [
        'augmentation',
        'calibration',
        'model',
        'personalTestAccuracy',
        'personalTestCount',
        'samplesPerSecond',
        'testAccuracy',
        'testLoss',
        'trainingSeconds',
        'type',
        'validationAccuracy',
        'validationCount',
        'validationLoss',
      ].sort(),
    );
    expect(done).toMatchObject({ personalTestAccuracy: null, personalTestCount: 0, augmentation: {} });
    // The preset holds out the last 5,000 training images, and the CLI scores them apart from the test set.
    expect(done.validationCount).toBe(5000);
    expect(done.validationAccuracy).toBeGreaterThan(0.7);
    // Fitted on those 5,000 images, and kept in the model file with the model.
    expect(done.calibration).toMatchObject({ validationCount: 5000 });
    expect(done.calibration.temperature).toBeGreaterThan(0);
  });

  it('the long flag names train as the short ones do', async () => {
    const out = join(dir, 'long.tgk');
    const r = await tegaki(
      'train',
      '--preset',
      'seed-classic',
      '--hidden-layers',
      '16',
      '--learning-rate',
      '0.5',
      '--batch-size',
      '20',
      '--iterations',
      '20',
      '--train-size',
      '500',
      '--test-size',
      '100',
      '--augmentation-shift',
      '1',
      '--json',
      '--out',
      out,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.trim().split('\n').at(-1)!)).toMatchObject({ type: 'done', augmentation: { shift: 1 } });
    const e = await tegaki('train', '--learning-rate', '-3', '--out', join(dir, 'never.tgk'));
    expect(e.code).toBe(1);
    expect(e.stderr).toMatch(/learningRate: the learning rate must be positive/);
  }, 60_000);

  it('evaluate --json reports testAccuracy and testLoss, as the model file names them', async () => {
    const { stdout, code } = await tegaki('evaluate', model, '--test-size', '100', '--json');
    expect(code).toBe(0);
    const evaluation = JSON.parse(stdout);
    expect(evaluation).toMatchObject({ type: 'evaluation', model });
    expect(evaluation.testAccuracy).toBeGreaterThan(0.5);
    expect(evaluation.testLoss).toBeGreaterThan(0);
  });

  it('evaluate prints the classification report and the confusion matrix', async () => {
    const { stdout, code } = await tegaki('evaluate', model, '--test-size', '300');
    expect(code).toBe(0);
    expect(stdout).toMatch(/ {4}accuracy {25}0\.\d{4} {7}300/);
    expect(stdout).toMatch(/predicted/);
    expect(stdout.match(/^ +\d( +\d+){10}$/gm)).toHaveLength(10);
  });

  it('predict --json classifies strokes files and PNGs', async () => {
    const strokes = join(dir, 'digits.json');
    await writeFile(
      strokes,
      JSON.stringify([
        {
          id: 'a',
          strokes: [
            [
              [50, 10],
              [52, 60],
              [53, 120],
            ],
          ],
        },
        {
          id: 'b',
          strokes: [
            [
              [0, 0],
              [100, 0],
              [40, 150],
            ],
          ],
        },
      ]),
    );
    // A white "1" on black, 28x28, like an MNIST image.
    const png = new PNG({ width: 28, height: 28 });
    for (let y = 4; y < 24; y++) for (let x = 13; x < 16; x++) png.data.set([255, 255, 255, 255], (y * 28 + x) * 4);
    for (let i = 3; i < png.data.length; i += 4) png.data[i] = 255;
    const pngPath = join(dir, 'one.png');
    await writeFile(pngPath, PNG.sync.write(png));

    const { stdout, code, stderr } = await tegaki('predict', model, strokes, pngPath, '--json');
    expect(code, stderr).toBe(0);
    const predictions = JSON.parse(stdout);
    expect(predictions.map((p: { id: string }) => p.id)).toEqual(['a', 'b', pngPath]);
    for (const p of predictions) {
      expect(p.probabilities).toHaveLength(10);
      expect(p.probabilities.reduce((s: number, q: number) => s + q, 0)).toBeCloseTo(1, 5);
      expect(p.label).toBe(p.probabilities.indexOf(Math.max(...p.probabilities)));
    }
    expect(predictions[0].label).toBe(1);
    expect(predictions[2].label).toBe(1);
  });

  it('bad input gets one clear line and a non-zero exit: a corrupt model, a bad flag, a bad strokes file', async () => {
    const truncated = join(dir, 'truncated.tgk');
    await writeFile(truncated, (await readFile(model)).subarray(0, 200));
    const a = await tegaki('predict', truncated, join(dir, 'digits.json'));
    expect(a.code).toBe(1);
    expect(a.stderr).toMatch(/truncated.tgk: the file is truncated/);

    const b = await tegaki('train', '--lr', '-3', '--out', join(dir, 'never.tgk'));
    expect(b.code).toBe(1);
    expect(b.stderr).toMatch(/learningRate: the learning rate must be positive/);

    const badStrokes = join(dir, 'bad.json');
    await writeFile(badStrokes, '{"id":"x","strokes":[[[1]]]}');
    const c = await tegaki('predict', model, badStrokes);
    expect(c.code).toBe(1);
    expect(c.stderr).toMatch(/bad.json: strokes\[0\]\[0\]/);
  });

  it('a diverging run stops with the learning-rate message and saves nothing', async () => {
    const out = join(dir, 'diverged.tgk');
    const r = await tegaki(
      'train',
      '--arch',
      '784-64-64-10',
      '--activation',
      'leaky-relu',
      '--optimizer',
      'sgd',
      '--lr',
      '9',
      '--iterations',
      '60',
      '--train-size',
      '2000',
      '--test-size',
      '100',
      '--out',
      out,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/diverged.*learning rate \(9\) is probably too high.*Nothing was saved/);
    await expect(stat(out)).rejects.toThrow(/ENOENT/);
  });
});
