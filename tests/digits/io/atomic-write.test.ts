import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sweepTempFilesSync, writeFileAtomicSync } from '../../../src/digits/io/atomic-write';

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

describe('sweepTempFilesSync', () => {
  it("removes only the writer's own temp files, and only in the folder given", async () => {
    await mkdir(join(dir, 'sub'));
    const names = ['.store.json.0123456789ab.tmp', '.m-1.tgk.abcdef012345.tmp', 'store.json', 'notes.tmp', '.hidden', 'sub'];
    for (const name of names.slice(0, 5)) await writeFile(join(dir, name), 'x');
    await writeFile(join(dir, 'sub', '.a.json.0123456789ab.tmp'), 'x');
    expect(sweepTempFilesSync(dir).sort()).toEqual(['.m-1.tgk.abcdef012345.tmp', '.store.json.0123456789ab.tmp']);
    expect((await readdir(dir)).sort()).toEqual(['.hidden', 'notes.tmp', 'store.json', 'sub']);
    expect(await readdir(join(dir, 'sub'))).toEqual(['.a.json.0123456789ab.tmp']);
    expect(sweepTempFilesSync(join(dir, 'no-such-folder'))).toEqual([]);
  });
});
