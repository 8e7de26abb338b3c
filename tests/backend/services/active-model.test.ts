import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ActiveModel } from '../../../src/backend/services/active-model';
import { ModelStore } from '../../../src/backend/services/model-store';
import { tryModelBytes } from '../../../src/digits/io/saved-model';
import { AppStore } from '../../../src/backend/store/app-store';
import { JsonFileStore } from '../../../src/backend/store/json-file-store';
import type { EventOf } from '../../../src/shared/ipc/contract';
import { fakeTrainedModel, removeDirs, resourcesWithDefaultModel, tempDir } from '../fixtures';

const dirs: string[] = [];
let userData: string;
let resources: string;
let notices: EventOf<'notice'>[];

/** The model store and the active-model cache over it, as the backend wires them; a second call is a restart. */
function open(): { models: ModelStore; active: ActiveModel } {
  const store = new AppStore(new JsonFileStore(join(userData, 'tegaki-store.json')));
  const models = new ModelStore({ userDataDir: userData, resourcesDir: resources, store, tryModel: async (bytes) => tryModelBytes(bytes) });
  return { models, active: new ActiveModel(models, (n) => notices.push(n)) };
}

beforeEach(async () => {
  userData = await tempDir('userdata');
  resources = await resourcesWithDefaultModel();
  dirs.push(userData, resources);
  notices = [];
});
afterEach(() => removeDirs(dirs));

describe('ActiveModel', () => {
  it('starts with only the built-in default, active, which classifies', async () => {
    const { models, active } = open();
    const list = await models.list();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ id: 'default', source: 'default', active: true, architecture: '784-8-10 relu' });
    const { summary, model } = await active.get();
    expect(summary.id).toBe('default');
    const p = model.predictOne(new Float32Array(784));
    expect(p.reduce((a, b) => a + b)).toBeCloseTo(1, 5);
  });

  it('renames, sets active and deletes; deleting the active model hands over to the default', async () => {
    const { models, active } = open();
    const added = await models.addTrained(fakeTrainedModel(), 'First');
    expect((await models.rename(added.id, 'Renamed')).name).toBe('Renamed');
    expect((await active.set(added.id)).active).toBe(true);
    expect((await active.get()).summary).toMatchObject({ id: added.id, name: 'Renamed' });

    await models.delete(added.id);
    expect(await readdir(join(userData, 'models'))).toEqual([]);
    expect((await models.list()).map((m) => m.id)).toEqual(['default']);
    expect((await active.get()).summary.id).toBe('default');
  });

  it('falls back to the default with a visible notice when the active model file is corrupted, leaving the file alone', async () => {
    const { models, active } = open();
    const added = await models.addTrained(fakeTrainedModel(), 'Mine');
    await active.set(added.id);
    const path = join(userData, 'models', `${added.id}.tgk`);
    const bytes = await readFile(path);
    bytes[bytes.length - 100] ^= 0xff;
    await writeFile(path, bytes);

    const restarted = open();
    const { summary } = await restarted.active.get();
    expect(summary.id).toBe('default');
    expect(notices).toHaveLength(1);
    expect(notices[0].level).toBe('warning');
    expect(notices[0].message).toMatch(/"Mine" could not be read .*corrupted.*default/);
    expect((await restarted.models.list()).find((m) => m.active)?.id).toBe('default');
    expect(await readFile(path)).toEqual(bytes);
    // Choosing the broken model again is refused rather than crashing later.
    await expect(restarted.active.set(added.id)).rejects.toMatchObject({ code: 'invalid-model' });
  });

  it('falls back too when the active model file has disappeared', async () => {
    const { models, active } = open();
    const added = await models.addTrained(fakeTrainedModel(), 'Gone');
    await active.set(added.id);
    await removeDirs([join(userData, 'models')]);
    expect((await open().active.get()).summary.id).toBe('default');
    expect(notices[0].message).toMatch(/"Gone" could not be read/);
  });
});
