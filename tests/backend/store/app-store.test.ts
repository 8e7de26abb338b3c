import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppStore, StoreVersionError } from '../../../src/backend/store/app-store';
import { JsonFileStore } from '../../../src/backend/store/json-file-store';
import { removeDirs, tempDir } from '../fixtures';
import { mountTinyDisk, tinyDiskSkipReason } from '../../fixtures/tiny-disk';

const dirs: string[] = [];
let dir: string;
let file: string;

beforeEach(async () => {
  dir = await tempDir('app-store');
  dirs.push(dir);
  file = join(dir, 'store.json');
});
afterEach(() => removeDirs(dirs));

const entry = (id: string, name = id) => ({
  id,
  name,
  fileName: `${id}.tgk`,
  createdAt: '2024-05-01T00:00:00.000Z',
  source: 'trained',
  architecture: '784-8-10 relu',
  metrics: { testAccuracy: 0.9, testLoss: 0.3 },
});
const besideTheStore = async (prefix: string): Promise<string[]> =>
  (await readdir(dir)).filter((name) => name.startsWith(`store.json.${prefix}`)).map((name) => join(dir, name));

describe('AppStore', () => {
  it('runs its migrations once and records the schema version', async () => {
    new AppStore(new JsonFileStore(file));
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ modelIndex: { models: [], activeId: 'default' }, schemaVersion: 1 });
    let ran = 0;
    new AppStore(new JsonFileStore(file), undefined, [{ version: 1, description: 'again?', migrate: () => ran++ }]);
    expect(ran).toBe(0);
  });

  it('keeps the good model entries when one is bad, and sets the bad one aside in a file beside the store', async () => {
    const bad = { ...entry('m-bad'), fileName: '../escape.tgk' };
    await writeFile(file, JSON.stringify({ schemaVersion: 1, modelIndex: { models: [entry('m-one'), bad, entry('m-two')], activeId: 'm-two' } }));
    const notices: string[] = [];
    const store = new AppStore(new JsonFileStore(file), (message) => notices.push(message));

    expect(store.get('modelIndex')).toEqual({ models: [entry('m-one'), entry('m-two')], activeId: 'm-two' });
    const [aside] = await besideTheStore('rejected-modelIndex-');
    expect(JSON.parse(await readFile(aside, 'utf8'))).toEqual([{ value: bad, problem: expect.stringMatching(/fileName/) }]);
    expect(notices).toEqual([expect.stringContaining(aside)]);
    // Written back without the bad entry: the next update starts from the good ones, not from defaults.
    store.set('modelIndex', { ...store.get('modelIndex'), activeId: 'm-one' });
    const reopened = new AppStore(new JsonFileStore(file));
    expect(reopened.get('modelIndex').models.map((m) => m.id)).toEqual(['m-one', 'm-two']);
  });

  it("keeps an imported model's origin, and drops only the origin, not the entry, when it does not fit", async () => {
    const onnx = { ...entry('m-onnx'), source: 'imported', importedFrom: { format: 'onnx', producer: 'pytorch 1.13.0', opset: 13 } };
    const odd = { ...entry('m-odd'), source: 'imported', importedFrom: { format: 'keras', opset: 'thirteen' } };
    await writeFile(file, JSON.stringify({ schemaVersion: 1, modelIndex: { models: [onnx, odd], activeId: 'm-onnx' } }));
    const notices: string[] = [];
    const store = new AppStore(new JsonFileStore(file), (message) => notices.push(message));
    const { importedFrom: _dropped, ...withoutOrigin } = odd;
    expect(store.get('modelIndex').models).toEqual([onnx, withoutOrigin]);
    expect(notices).toEqual([]);
  });

  it('sets aside an index that is not one at all and starts an empty one, and says so', async () => {
    await writeFile(file, JSON.stringify({ schemaVersion: 1, modelIndex: { models: 'nope' } }));
    const notices: string[] = [];
    const store = new AppStore(new JsonFileStore(file), (message) => notices.push(message));
    expect(store.get('modelIndex')).toEqual({ models: [], activeId: 'default' });
    const [aside] = await besideTheStore('rejected-modelIndex-');
    expect(JSON.parse(await readFile(aside, 'utf8'))[0].value).toEqual({ models: 'nope' });
    expect(notices).toHaveLength(1);
    expect(() => store.set('windowBounds', { width: 5, height: 5, maximized: false })).toThrow();
  });

  it('refuses a store written by a newer version, with a clear message, and leaves the file untouched', async () => {
    const text = JSON.stringify({ schemaVersion: 7, modelIndex: { models: [{ shape: 'from the future' }], activeId: 'x' } });
    await writeFile(file, text);
    const before = await stat(file);
    expect(() => new AppStore(new JsonFileStore(file))).toThrow(StoreVersionError);
    expect(() => new AppStore(new JsonFileStore(file))).toThrow(/newer version of Tegaki \(store schema 7; this version knows up to 1\)/);
    expect(await readFile(file, 'utf8')).toBe(text);
    expect((await stat(file)).mtimeMs).toBe(before.mtimeMs);
    expect(await readdir(dir)).toEqual(['store.json']);
  });

  it('backs the raw store up beside it before a migration first rewrites it', async () => {
    const raw = { schemaVersion: 1, modelIndex: { models: [entry('m-old')], activeId: 'm-old' }, somethingOld: [1, 2, 3] };
    await writeFile(file, JSON.stringify(raw));
    const upgrade = [
      { version: 1, description: 'index', migrate: () => undefined },
      { version: 2, description: 'rename every model', migrate: (s: JsonFileStore) => s.set('modelIndex', { models: [], activeId: 'default' }) },
    ];
    new AppStore(new JsonFileStore(file), undefined, upgrade);
    const [backup] = await besideTheStore('backup-v1-');
    expect(JSON.parse(await readFile(backup, 'utf8'))).toEqual(raw);
    expect(JSON.parse(await readFile(file, 'utf8')).schemaVersion).toBe(2);
    // Once upgraded, opening again backs nothing up.
    new AppStore(new JsonFileStore(file), undefined, upgrade);
    expect(await besideTheStore('backup-')).toHaveLength(1);
  });

  it('sets a corrupt settings file aside, opens with defaults and says where the file went', async () => {
    await writeFile(file, '{ not json');
    const notices: string[] = [];
    const store = new AppStore(new JsonFileStore(file), (message) => notices.push(message));
    expect(store.get('modelIndex')).toEqual({ models: [], activeId: 'default' });
    const [aside] = await besideTheStore('corrupt-');
    expect(await readFile(aside, 'utf8')).toBe('{ not json');
    expect(notices).toEqual([expect.stringMatching(/store\.json could not be read: it is not valid JSON.*set aside as .*corrupt-.*default settings/)]);
  });

  it('writes the settings file readable by its owner only, and keeps memory and file alike when a write fails', async () => {
    const backing = new JsonFileStore(file);
    new AppStore(backing);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const failing = new JsonFileStore(join(dir, 'missing-folder-is-a-file', 'x.json'));
    await writeFile(join(dir, 'missing-folder-is-a-file'), '');
    expect(() => failing.set('a', 1)).toThrow();
    expect(failing.get('a')).toBeUndefined();
  });

  const disk = mountTinyDisk();
  if (!disk) console.warn(`[app-store] ${tinyDiskSkipReason}`);
  it.skipIf(!disk)(`opens on a disk too full for its first settings file, says so, and writes once there is room${disk ? '' : ` (${tinyDiskSkipReason})`}`, async () => {
    const filler = join(disk!.dir, 'filler');
    try {
      await writeFile(filler, new Uint8Array(64 * 1024));
    } catch {
      // The disk is full now, which is the point.
    }
    const notices: string[] = [];
    try {
      const store = new AppStore(new JsonFileStore(join(disk!.dir, 'store.json')), (m) => notices.push(m));
      expect(notices).toEqual([expect.stringMatching(/disk is full.*opened with the settings it had/)]);
      expect(store.get('modelIndex').models).toEqual([]);
      await writeFile(filler, '');
      store.set('modelIndex', { models: [{ ...entry('a'), source: 'trained' as const }], activeId: 'default' });
      expect(JSON.parse(await readFile(join(disk!.dir, 'store.json'), 'utf8')).modelIndex.models).toHaveLength(1);
    } finally {
      disk!.unmount();
    }
  });
});
