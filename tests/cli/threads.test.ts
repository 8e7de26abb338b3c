import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModelFile } from '../../src/digits/io/model-file';
import { tegaki } from './run-tegaki';

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
