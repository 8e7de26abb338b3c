import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeModelFile, modelDigest } from '../../src/digits/io/model-file';
import { MNIST_LACKING_STYLES } from '../../src/digits/synthetic/templates';
import { DEFAULT_MODEL_CANDIDATES } from '../../src/shared/presets';

const root = resolve(import.meta.dirname, '..', '..');
const run = promisify(execFile);

describe('npm run train:default, on its smoke setting', () => {
  let dir: string | undefined;
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('trains every candidate and writes a model and a report whose figures all come from the run', async () => {
    dir = await mkdtemp(join(tmpdir(), 'tegaki-train-default-'));
    await run(process.execPath, ['--import', 'tsx', 'scripts/train-default.ts', '--smoke', '--out', dir], {
      cwd: root,
      timeout: 170_000,
    });
    const bytes = new Uint8Array(await readFile(join(dir, 'default-model.tgk')));
    const { metadata } = decodeModelFile(bytes);
    const report = await readFile(join(dir, 'default-model-report.md'), 'utf8');
    const percent = (x: number) => `${(x * 100).toFixed(2)} %`;

    expect(report).toMatch(/SMOKE RUN/);
    expect(report).toContain(modelDigest(bytes));
    expect(report).toContain(`Validation accuracy: ${percent(metadata.metrics!.validationAccuracy!)}`);
    expect(report).toContain(`Test accuracy: ${percent(metadata.metrics!.testAccuracy)}`);
    // The trainer fitted the temperature on the validation set, and the file and the report keep it.
    expect(metadata.calibration?.validationCount).toBe(metadata.metrics!.validationCount);
    expect(report).toContain(
      `Calibration: temperature ${metadata.calibration!.temperature.toFixed(3)}, fitted on the validation set`,
    );
    // One table row per candidate, the shipped one marked; no row typed in from elsewhere.
    const [candidatesPart, stylesPart, rejectionPart] = report.split(/^## (?:Styles MNIST lacks|Not a digit)$/m);
    const candidateRows = (part: string) =>
      part.split('\n').filter((line) => DEFAULT_MODEL_CANDIDATES.some((name) => line.startsWith(`| ${name} `)));
    const rows = candidateRows(candidatesPart);
    expect(rows.map((row) => row.split(' ')[1])).toEqual(DEFAULT_MODEL_CANDIDATES);
    expect(rows.filter((row) => row.includes('(this model)'))).toHaveLength(1);
    const shipped = rows.find((row) => row.includes('(this model)'))!;
    expect(shipped).toContain(percent(metadata.metrics!.validationAccuracy!));
    expect(shipped).toContain(percent(metadata.metrics!.testAccuracy));
    expect(report).not.toMatch(/\d{4}-\d{2}-\d{2} \(the MLP/);
    // A row per style MNIST lacks, and per candidate its "not a digit" decision; the shipped one's is the file's.
    for (const style of MNIST_LACKING_STYLES) expect(stylesPart).toMatch(new RegExp(`^\\| ${style} \\|`, 'm'));
    const rejectionRows = candidateRows(rejectionPart);
    expect(rejectionRows.map((row) => row.split(' ')[1])).toEqual(DEFAULT_MODEL_CANDIDATES);
    const shippedName = shipped.split(' ')[1];
    expect(rejectionRows.find((row) => row.split(' ')[1] === shippedName)).toContain(
      `| ${metadata.rejection!.score} |`,
    );
  }, 180_000);
});
