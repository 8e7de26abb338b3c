import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModelFile } from '../../src/digits/io/model-file';
import { tegaki } from './run-tegaki';
import { quirkyDrawings } from '../fixtures/quirky-drawings';

describe('tegaki train --threads', () => {
  it('trains on that many threads, the same weights twice, and records the count in the model file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tegaki-threads-'));
    const run = (out: string) =>
      tegaki(
        'train',
        '--arch',
        '784-16-10',
        '--iterations',
        '30',
        '--train-size',
        '2000',
        '--test-size',
        '200',
        '--seed',
        '5',
        '--threads',
        '2',
        '--json',
        '--out',
        out,
      );
    const [a, b] = [join(dir, 'a.tgk'), join(dir, 'b.tgk')];
    for (const out of [a, b]) {
      const r = await run(out);
      expect(r.code, r.stderr).toBe(0);
    }
    const first = await loadModelFile(a);
    const second = await loadModelFile(b);
    expect(first.metadata.threads).toBe(2);
    expect(first.tensors.map((t) => Array.from(t.data))).toEqual(second.tensors.map((t) => Array.from(t.data)));
  }, 120_000);

  it('refuses a thread count that is not a whole number from 1 up', async () => {
    const r = await tegaki('train', '--threads', '0', '--out', join(tmpdir(), 'never.tgk'));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--threads.*a whole number from 1 to 64/);
  });
});

describe('tegaki finetune --threads', () => {
  /** A small model trained with `architecture` flags on one thread, and 20 drawings of the quirky hand to fine-tune on. */
  async function baseAndDrawings(architecture: string[]): Promise<{ dir: string; base: string; personal: string }> {
    const dir = await mkdtemp(join(tmpdir(), 'tegaki-finetune-threads-'));
    const base = join(dir, 'base.tgk');
    const personal = join(dir, 'personal.json');
    await writeFile(personal, JSON.stringify(quirkyDrawings(20, 3)));
    const flags = ['--iterations', '20', '--train-size', '1000', '--test-size', '100', '--threads', '1', '--json'];
    const trained = await tegaki('train', ...architecture, ...flags, '--out', base);
    expect(trained.code, trained.stderr).toBe(0);
    return { dir, base, personal };
  }
  /** `tegaki finetune` of `base` on the drawings, one epoch among 500 MNIST images, on `threads` threads. */
  const fineTuneArgs = (base: string, personal: string, threads: string, out: string): string[] => [
    'finetune',
    base,
    '--personal',
    personal,
    ...['--train-size', '500', '--epochs', '1', '--test-size', '100', '--threads', threads, '--out', out],
  ];

  it('fine-tunes every layer on that many threads and records the count; the help says where a head fine-tune uses them', async () => {
    const { dir, base, personal } = await baseAndDrawings(['--arch', '784-16-10']);
    const tuned = join(dir, 'tuned.tgk');
    const r = await tegaki(...fineTuneArgs(base, personal, '2', tuned));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/on 2 threads/);
    const file = await loadModelFile(tuned);
    // An MLP always fine-tunes every layer, through train(): the threads apply.
    expect(file.metadata.fineTuning).toBe('full');
    expect(file.metadata.threads).toBe(2);

    const help = await tegaki('finetune', '--help');
    expect(help.stdout).toMatch(/--threads <n>/);
    expect(help.stdout.replace(/\s+/g, ' ')).toMatch(
      /head fine-tune computes its frozen features on them and trains its head, on cached features, on one thread/,
    );
    const refused = await tegaki('finetune', base, '--personal', personal, '--threads', '65', '--out', tuned);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/--threads.*a whole number from 1 to 64/);
  }, 120_000);

  it("a conv model's head fine-tune computes its features on that many threads, with the weights of one thread bit for bit", async () => {
    const { dir, base, personal } = await baseAndDrawings(['--conv-blocks', '4x3', '--hidden-layers', '16']);
    const tunedOn = async (threads: number) => {
      const out = join(dir, `tuned-${threads}.tgk`);
      const r = await tegaki(...fineTuneArgs(base, personal, String(threads), out));
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(new RegExp(`its features on ${threads} threads?`));
      return loadModelFile(out);
    };
    const [one, two] = [await tunedOn(1), await tunedOn(2)];
    expect(two.metadata.fineTuning).toBe('head');
    const bytes = (file: typeof one) =>
      file.tensors.map((t) => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).toString('hex'));
    expect(bytes(two)).toEqual(bytes(one));
  }, 120_000);
});
