import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventOf } from '../../../src/shared/ipc/contract';
import { ModelStore } from '../../../src/backend/services/model-store';
import { AppStore } from '../../../src/backend/store/app-store';
import { JsonFileStore } from '../../../src/backend/store/json-file-store';
import { fakeTrainedModel, removeDirs, resourcesWithDefaultModel, tempDir } from '../fixtures';

const dirs: string[] = [];
let userData: string;
let resources: string;
let notices: EventOf<'notice'>[];

function open(): ModelStore {
  const store = new AppStore(new JsonFileStore(join(userData, 'tegaki-store.json')));
  return new ModelStore({ userDataDir: userData, resourcesDir: resources, store, notify: (n) => notices.push(n) });
}

const indexFile = (): Promise<string> => readFile(join(userData, 'tegaki-store.json'), 'utf8');

beforeEach(async () => {
  userData = await tempDir('userdata');
  resources = await resourcesWithDefaultModel();
  dirs.push(userData, resources);
  notices = [];
});
afterEach(() => removeDirs(dirs));

describe('ModelStore', () => {
  it('starts with only the built-in default, active, which classifies', async () => {
    const models = open();
    const list = await models.list();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ id: 'default', source: 'default', active: true, architecture: '784-8-10 relu' });
    const { summary, model } = await models.active();
    expect(summary.id).toBe('default');
    const p = model.predictOne(new Float32Array(784));
    expect(p.reduce((a, b) => a + b)).toBeCloseTo(1, 5);
  });

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

  it('renames, sets active and deletes; deleting the active model hands over to the default', async () => {
    const models = open();
    const added = await models.addTrained(fakeTrainedModel(), 'First');
    expect((await models.rename(added.id, 'Renamed')).name).toBe('Renamed');
    expect((await models.setActive(added.id)).active).toBe(true);
    expect((await models.active()).summary).toMatchObject({ id: added.id, name: 'Renamed' });

    await models.delete(added.id);
    expect(await readdir(join(userData, 'models'))).toEqual([]);
    expect((await models.list()).map((m) => m.id)).toEqual(['default']);
    expect((await models.active()).summary.id).toBe('default');
  });

  it('refuses to rename or delete the built-in default, and names a missing model', async () => {
    const models = open();
    await expect(models.delete('default')).rejects.toMatchObject({ code: 'read-only' });
    await expect(models.rename('default', 'x')).rejects.toMatchObject({ code: 'read-only' });
    await expect(models.setActive('m-nope')).rejects.toMatchObject({ code: 'not-found' });
    await expect(models.delete('m-nope')).rejects.toMatchObject({ code: 'not-found' });
  });

  it('falls back to the default with a visible notice when the active model file is corrupted, leaving the file alone', async () => {
    const models = open();
    const added = await models.addTrained(fakeTrainedModel(), 'Mine');
    await models.setActive(added.id);
    const path = join(userData, 'models', `${added.id}.tgk`);
    const bytes = await readFile(path);
    bytes[bytes.length - 100] ^= 0xff;
    await writeFile(path, bytes);

    const restarted = open();
    const { summary } = await restarted.active();
    expect(summary.id).toBe('default');
    expect(notices).toHaveLength(1);
    expect(notices[0].level).toBe('warning');
    expect(notices[0].message).toMatch(/"Mine" could not be read .*corrupted.*default/);
    expect((await restarted.list()).find((m) => m.active)?.id).toBe('default');
    expect(await readFile(path)).toEqual(bytes);
    // Choosing the broken model again is refused rather than crashing later.
    await expect(restarted.setActive(added.id)).rejects.toMatchObject({ code: 'invalid-model' });
  });

  it('falls back too when the active model file has disappeared', async () => {
    const models = open();
    const added = await models.addTrained(fakeTrainedModel(), 'Gone');
    await models.setActive(added.id);
    await removeDirs([join(userData, 'models')]);
    expect((await open().active()).summary.id).toBe('default');
    expect(notices[0].message).toMatch(/"Gone" could not be read/);
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
