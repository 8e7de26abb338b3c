import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomicSync } from '../../../src/digits/io/atomic-write';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tegaki-atomic-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomicSync', () => {
  it('writes the whole content, text or bytes', async () => {
    writeFileAtomicSync(join(dir, 'a.json'), '{"é":1}\n');
    writeFileAtomicSync(join(dir, 'b.bin'), new Uint8Array([0, 1, 2, 255]));
    expect(await readFile(join(dir, 'a.json'), 'utf8')).toBe('{"é":1}\n');
    expect([...(await readFile(join(dir, 'b.bin')))]).toEqual([0, 1, 2, 255]);
  });

  it.skipIf(process.platform === 'win32')('creates files readable by their owner only (0o600), replacing a laxer file', async () => {
    const path = join(dir, 'store.json');
    await writeFile(path, 'old', { mode: 0o644 });
    writeFileAtomicSync(path, 'new');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readFile(path, 'utf8')).toBe('new');
  });

  it('removes its temp file after a failed write and leaves the target as it was', async () => {
    // The target is a folder with a file in it: the final rename cannot replace it.
    const path = join(dir, 'model.tgk');
    await mkdir(path);
    await writeFile(join(path, 'keep'), 'kept');
    expect(() => writeFileAtomicSync(path, 'x'.repeat(10_000))).toThrow(/could not save .*model\.tgk: .*any previous file there is untouched/);
    expect(await readdir(dir)).toEqual(['model.tgk']);
    expect(await readFile(join(path, 'keep'), 'utf8')).toBe('kept');
  });
});
