import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ActiveModel } from '../../../src/backend/services/active-model';
import { ModelStore } from '../../../src/backend/services/model-store';
import { tryModelBytes } from '../../../src/digits/io/saved-model';
import { AppStore } from '../../../src/backend/store/app-store';
import { JsonFileStore } from '../../../src/backend/store/json-file-store';
import { encodeModelFile } from '../../../src/digits/io/model-file';
import { fakeTrainedModel, removeDirs, resourcesWithDefaultModel, tempDir } from '../fixtures';
import { EngineJobError } from '../../../src/backend/engine/engine-host';
import { aliasedTensorsFile, paddedConvThenPoolFile } from '../../digits/io/hostile-model-files';

const dirs: string[] = [];
let userData: string;
let resources: string;

function open(): ModelStore {
  const store = new AppStore(new JsonFileStore(join(userData, 'tegaki-store.json')));
  return new ModelStore({ userDataDir: userData, resourcesDir: resources, store, tryModel: async (bytes) => tryModelBytes(bytes) });
}

const indexFile = (): Promise<string> => readFile(join(userData, 'tegaki-store.json'), 'utf8');

beforeEach(async () => {
  userData = await tempDir('userdata');
  resources = await resourcesWithDefaultModel();
  dirs.push(userData, resources);
});
afterEach(() => removeDirs(dirs));

describe('ModelStore', () => {
  it('saves a trained model as a file in <userData>/models and indexes it; the index survives a restart', async () => {
    const models = open();
    let changes = 0;
    models.onChanged(() => changes++);
    const added = await models.addTrained(fakeTrainedModel(), 'First');
    expect(added).toMatchObject({ name: 'First', source: 'trained', active: false, metrics: { testAccuracy: 0.9, testLoss: 0.3 } });
    expect(await readdir(join(userData, 'models'))).toEqual([`${added.id}.tgk`]);
    expect(changes).toBe(1);

    const reopened = open();
    expect((await reopened.list()).map((m) => m.id)).toEqual(['default', added.id]);
    expect((await reopened.summary(added.id)).hyperparameters?.trainSize).toBe(500);
  });

  it('refuses to rename or delete the built-in default, and names a missing model', async () => {
    const models = open();
    await expect(models.delete('default')).rejects.toMatchObject({ code: 'read-only' });
    await expect(models.rename('default', 'x')).rejects.toMatchObject({ code: 'read-only' });
    await expect(new ActiveModel(models).set('m-nope')).rejects.toMatchObject({ code: 'not-found' });
    await expect(models.delete('m-nope')).rejects.toMatchObject({ code: 'not-found' });
  });

  it('exports the exact file and imports it back as a new model', async () => {
    const models = open();
    const added = await models.addTrained(fakeTrainedModel(), 'Shared');
    const destination = join(userData, 'elsewhere', 'shared.tgk');
    await models.exportTo(added.id, destination);
    expect(await readFile(destination)).toEqual(await readFile(join(userData, 'models', `${added.id}.tgk`)));

    const imported = await models.importFile(destination);
    expect(imported).toMatchObject({ name: 'Shared', source: 'imported', architecture: '784-8-10 relu', metrics: { testAccuracy: 0.9 } });
    expect(imported.id).not.toBe(added.id);
    expect(await readdir(join(userData, 'models'))).toHaveLength(2);
    await models.exportTo('default', join(userData, 'default-copy.tgk'));
  });

  it('rejects bad files with their reason and leaves the index and the folder unchanged', async () => {
    const models = open();
    const kept = await models.addTrained(fakeTrainedModel(), 'Kept');
    const before = await indexFile();
    const good = await readFile(join(userData, 'models', `${kept.id}.tgk`));

    const truncated = good.subarray(0, good.length - 1000);
    const flipped = Uint8Array.from(good);
    flipped[200] ^= 1;
    const cases: [Uint8Array, RegExp][] = [
      [new TextEncoder().encode('hello, I am not a model'), /not a Tegaki model file/],
      [truncated, /truncated/],
      [flipped, /corrupted/],
    ];
    for (const [bytes, reason] of cases) {
      const attempt = models.importBytes(bytes, 'bad.tgk');
      await expect(attempt).rejects.toMatchObject({ code: 'invalid-model' });
      await expect(attempt).rejects.toThrow(reason);
    }
    await expect(models.importFile(join(userData, 'no-such-file.tgk'))).rejects.toMatchObject({ code: 'invalid-model' });

    expect(await indexFile()).toBe(before);
    expect(await readdir(join(userData, 'models'))).toEqual([`${kept.id}.tgk`]);
  });

  it('refuses hostile files with the limit they break: a padded conv then a pool, tensors sharing bytes', async () => {
    const models = open();
    const before = await indexFile();
    const padded = models.importBytes(paddedConvThenPoolFile(), 'padded.tgk');
    await expect(padded).rejects.toMatchObject({ code: 'invalid-model' });
    await expect(padded).rejects.toThrow(/padded.tgk is not a usable Tegaki model: .*larger than Tegaki runs safely: layer 0 \(conv2d\) pads by 20000/);
    await expect(models.importBytes(aliasedTensorsFile(), 'aliased.tgk')).rejects.toThrow(/aliased.tgk .*overlaps the tensor before it/);
    expect(await indexFile()).toBe(before);
  });

  it('asks its trier, not itself, to decode and run an import; a crash of the engine while trying it is a refused import', async () => {
    const store = new AppStore(new JsonFileStore(join(userData, 'tegaki-store.json')));
    const tried: number[] = [];
    const crashing = new ModelStore({
      userDataDir: userData,
      resourcesDir: resources,
      store,
      tryModel: async (bytes) => {
        tried.push(bytes.length);
        throw new EngineJobError('engine-crashed', 'The engine process stopped unexpectedly: it was killed (SIGKILL).');
      },
    });
    const bytes = encodeModelFile({ spec: fakeTrainedModel().spec, metadata: { name: 'fine' }, tensors: fakeTrainedModel().tensors });
    const attempt = crashing.importBytes(bytes, 'crashy.tgk');
    await expect(attempt).rejects.toMatchObject({ code: 'invalid-model' });
    await expect(attempt).rejects.toThrow(/^crashy.tgk was refused: the engine process stopped while trying it \(.*SIGKILL.*\)\. Nothing was added\.$/);
    expect(tried).toEqual([bytes.length]);
    expect((await crashing.list()).map((m) => m.id)).toEqual(['default']);
  });
});

describe('AppStore', () => {
  it('runs its migrations once and records the schema version', async () => {
    const file = join(userData, 'store.json');
    new AppStore(new JsonFileStore(file));
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ modelIndex: { models: [], activeId: 'default' }, schemaVersion: 1 });
    let ran = 0;
    new AppStore(new JsonFileStore(file), undefined, [{ version: 1, description: 'again?', migrate: () => ran++ }]);
    expect(ran).toBe(0);
  });

  it('answers the default for a stored value that breaks its schema, and says so', async () => {
    const file = join(userData, 'store.json');
    await writeFile(file, JSON.stringify({ schemaVersion: 1, modelIndex: { models: 'nope' } }));
    const problems: string[] = [];
    const store = new AppStore(new JsonFileStore(file), (key, problem) => problems.push(`${key}: ${problem}`));
    expect(store.get('modelIndex')).toEqual({ models: [], activeId: 'default' });
    expect(problems[0]).toMatch(/^modelIndex: models/);
    expect(() => store.set('windowBounds', { width: 5, height: 5, maximized: false })).toThrow();
  });

  it('sets an unreadable store file aside and starts empty', async () => {
    const file = join(userData, 'store.json');
    await writeFile(file, '{ not json');
    const store = new AppStore(new JsonFileStore(file));
    expect(store.get('modelIndex').models).toEqual([]);
    expect((await readdir(userData)).some((name) => name.startsWith('store.json.corrupt-'))).toBe(true);
  });
});
