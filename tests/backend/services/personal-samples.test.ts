import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadPersonal } from '../../../src/cli/personal-flags';
import { personalDataset } from '../../../src/digits/personal/samples';
import type { Stroke } from '../../../src/digits/preprocess/strokes';
import { strokesToInput } from '../../../src/digits/preprocess/strokes';
import { drawingsToInputBytes, parseStrokesJson } from '../../../src/digits/preprocess/strokes-file';
import { PERSONAL_SAMPLES_FILE, PersonalSampleStore } from '../../../src/backend/services/personal-samples';
import { ServiceError } from '../../../src/backend/services/errors';
import { removeDirs, tempDir } from '../fixtures';

// Lets a test make the next atomic write fail, as a full disk would.
const failNextWrite = vi.hoisted(() => ({ value: false }));
vi.mock('../../../src/digits/io/atomic-write', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../src/digits/io/atomic-write')>();
  return {
    ...real,
    writeFileAtomicSync: (path: string, content: string | Uint8Array) => {
      if (failNextWrite.value) {
        failNextWrite.value = false;
        throw new Error('ENOSPC: no space left on device');
      }
      real.writeFileAtomicSync(path, content);
    },
  };
});

const dirs: string[] = [];
let dir: string;
/** What the engine process runs for the store (request 'rasterise'), here in the test's process. */
const rasterise = async (drawings: Stroke[][]): Promise<Uint8Array> => drawingsToInputBytes(drawings);

beforeEach(async () => {
  dir = await tempDir('personal');
  dirs.push(dir);
});

afterEach(async () => {
  failNextWrite.value = false;
  await removeDirs(dirs);
});

const seven: Stroke[] = [
  [
    [10, 10],
    [90, 10],
    [40, 140],
  ],
];
const one: Stroke[] = [
  [
    [50, 10],
    [50, 140],
  ],
];

describe('PersonalSampleStore', () => {
  it('keeps the strokes, the label and the 28x28 input from the shared preprocessing', async () => {
    const store = new PersonalSampleStore({ userDataDir: dir, rasterise });
    const sample = await store.add(seven, 7);
    expect(sample.label).toBe(7);
    expect(Array.from(sample.input)).toEqual(Array.from(strokesToInput(seven), (v) => Math.round(v * 255)));

    const onDisk = JSON.parse(await readFile(join(dir, PERSONAL_SAMPLES_FILE), 'utf8'));
    expect(onDisk.samples[0]).toMatchObject({ id: sample.id, label: 7, strokes: seven });
    expect(onDisk.samples[0].input).toHaveLength(784);
  });

  it('persists across restarts: a new store on the same folder has the same samples', async () => {
    const first = new PersonalSampleStore({ userDataDir: dir, rasterise });
    const a = await first.add(seven, 7);
    const b = await first.add(one, 1);
    await first.delete(a.id);
    await first.add(seven, 2);

    const second = new PersonalSampleStore({ userDataDir: dir, rasterise });
    const list = await second.list();
    expect(list.map((s) => s.label)).toEqual([1, 2]);
    expect(list[0]).toEqual(b);
    expect(await second.counts()).toEqual([0, 1, 1, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('never loses a correction when several arrive at once', async () => {
    const store = new PersonalSampleStore({ userDataDir: dir, rasterise });
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.add(i % 2 ? one : seven, i % 10)));
    const reread = new PersonalSampleStore({ userDataDir: dir, rasterise });
    expect(await reread.counts()).toEqual(new Array(10).fill(2));
    // Only the set itself is left in the folder: no temp files.
    expect(await readdir(dir)).toEqual([PERSONAL_SAMPLES_FILE]);
  });

  it('a failed write leaves the file and the set as they were', async () => {
    const store = new PersonalSampleStore({ userDataDir: dir, rasterise });
    const kept = await store.add(seven, 7);
    const before = await readFile(join(dir, PERSONAL_SAMPLES_FILE), 'utf8');

    failNextWrite.value = true;
    await expect(store.add(one, 1)).rejects.toThrow('ENOSPC');
    failNextWrite.value = true;
    await expect(store.delete(kept.id)).rejects.toThrow('ENOSPC');

    expect(await readFile(join(dir, PERSONAL_SAMPLES_FILE), 'utf8')).toBe(before);
    expect((await store.list()).map((s) => s.id)).toEqual([kept.id]);
    // And the next change works again.
    await store.add(one, 1);
    expect(await store.counts()).toEqual([0, 1, 0, 0, 0, 0, 0, 1, 0, 0]);
  });

  it('refuses an empty drawing and an unknown id by name', async () => {
    const store = new PersonalSampleStore({ userDataDir: dir, rasterise });
    await expect(store.add([], 3)).rejects.toMatchObject({ code: 'invalid-payload' });
    await expect(store.delete('nope')).rejects.toMatchObject({ code: 'not-found' });
  });

  it('exports the strokes format with labels, which the command line reads as the same images', async () => {
    const store = new PersonalSampleStore({ userDataDir: dir, rasterise });
    await store.add(seven, 7);
    await store.add(one, 1);
    const { json, count } = await store.exportJson();
    expect(count).toBe(2);

    const parsed = parseStrokesJson(json);
    expect(parsed.map((s) => s.label)).toEqual([7, 1]);
    expect(parsed[0].strokes).toEqual(seven);

    // `tegaki train --personal FILE` turns them into exactly the inputs the app stored.
    const file = join(dir, 'export.json');
    await writeFile(file, json);
    const { train, total } = await loadPersonal(file, { mode: 'include', weight: 20, testSplit: 0 }, 1);
    expect(total).toBe(2);
    const images = await store.images();
    expect(Array.from(personalDataset(parsed).images)).toEqual(Array.from(images.images));
    expect(train.count).toBe(2);
  });

  it('imports an export into another set, and importing it again adds nothing twice', async () => {
    const source = new PersonalSampleStore({ userDataDir: dir, rasterise });
    await source.add(seven, 7);
    await source.add(one, 1);
    const { json } = await source.exportJson();

    const otherDir = await tempDir('personal-other');
    dirs.push(otherDir);
    const target = new PersonalSampleStore({ userDataDir: otherDir, rasterise });
    expect(await target.importJson(json, 'mine.json')).toEqual({ added: 2, skipped: 0 });
    expect(await target.importJson(json, 'mine.json')).toEqual({ added: 0, skipped: 2 });
    expect(Array.from((await target.images()).images)).toEqual(Array.from((await source.images()).images));
    expect(await new PersonalSampleStore({ userDataDir: otherDir, rasterise }).counts()).toEqual([0, 1, 0, 0, 0, 0, 0, 1, 0, 0]);
  });

  it('refuses a bad file whole, with its reason, and changes nothing', async () => {
    const store = new PersonalSampleStore({ userDataDir: dir, rasterise });
    await store.add(seven, 7);
    const before = await readFile(join(dir, PERSONAL_SAMPLES_FILE), 'utf8');
    const good = { id: 'g', label: 3, strokes: one };
    const cases: [string, string][] = [
      ['{ not json', 'invalid JSON'],
      [JSON.stringify([good, { id: 'b', label: 12, strokes: one }]), '[1].label: expected a digit 0..9'],
      [JSON.stringify([good, { id: 'u', strokes: one }]), 'needs a "label"'],
      [JSON.stringify([good, { id: 'p', label: 1, strokes: [[[1, 2, 3]]] }]), '[1].strokes[0][0]'],
      [JSON.stringify([good, { ...good }]), 'duplicate id "g"'],
      [JSON.stringify([good, { id: 'e', label: 1, strokes: [] }]), 'no ink'],
    ];
    for (const [text, reason] of cases) {
      const error = await store.importJson(text, 'bad.json').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ServiceError);
      expect((error as ServiceError).code).toBe('invalid-payload');
      expect((error as ServiceError).message).toContain(reason);
    }
    expect(await readFile(join(dir, PERSONAL_SAMPLES_FILE), 'utf8')).toBe(before);
    expect(await store.counts()).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 0, 0]);
  });

  it('sets an unreadable file aside, says so, and starts empty without overwriting it', async () => {
    await writeFile(join(dir, PERSONAL_SAMPLES_FILE), '{"version":1,"samples":[{"id":');
    const notices: string[] = [];
    const store = new PersonalSampleStore({ userDataDir: dir, rasterise, notify: (n) => notices.push(n.message) });
    expect(await store.list()).toEqual([]);
    expect(notices).toHaveLength(1);
    const files = await readdir(dir);
    const aside = files.find((f) => f.startsWith(`${PERSONAL_SAMPLES_FILE}.unreadable-`));
    expect(aside).toBeDefined();
    expect(await readFile(join(dir, aside!), 'utf8')).toBe('{"version":1,"samples":[{"id":');
  });
});
