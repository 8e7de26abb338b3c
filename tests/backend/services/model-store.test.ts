import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { decodeModelFile, saveModelFile } from '../../../src/digits/io/model-file';
import { join, resolve } from 'node:path';
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
import { onnxToModel } from '../../../src/digits/io/onnx/import-onnx';
import { Sequential } from '../../../src/engine/model/sequential';
import { mnistTestImages, tegakiProbabilities } from '../../digits/io/onnx/onnx-runtime';

const onnxFixtures = resolve(import.meta.dirname, '../../fixtures/onnx');

const dirs: string[] = [];
let userData: string;
let resources: string;

function open(): ModelStore {
  const store = new AppStore(new JsonFileStore(join(userData, 'tegaki-store.json')));
  return new ModelStore({
    userDataDir: userData,
    resourcesDir: resources,
    store,
    tryModel: async (bytes, source) => tryModelBytes(bytes, source),
  });
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

  it('imports an ONNX file as the Tegaki file it converts to, named after the file, and keeps where it came from', async () => {
    const models = open();
    const onnx = await readFile(join(onnxFixtures, 'torch-cnn-opset13.onnx'));
    const imported = await models.importBytes(onnx, 'torch-cnn-opset13.onnx');
    const origin = { format: 'onnx', producer: 'pytorch 1.13.0', opset: 13 };
    expect(imported).toMatchObject({ name: 'torch-cnn-opset13', source: 'imported', importedFrom: origin });
    // Trained elsewhere: nothing to say about hyperparameters or figures until the report computes them.
    expect(imported.hyperparameters).toBeUndefined();
    expect(imported.metrics).toBeUndefined();
    const stored = await readFile(join(userData, 'models', `${imported.id}.tgk`));
    expect(decodeModelFile(stored).metadata.importedFrom).toEqual(origin);
    expect((await open().summary(imported.id)).importedFrom).toEqual(origin);
  });

  it('exports a model as ONNX that imports back with identical predictions; the .tgk export stays the file itself', async () => {
    const models = open();
    const imported = await models.importBytes(await readFile(join(onnxFixtures, 'torch-cnn-opset13.onnx')), 'cnn.onnx');
    const destination = join(userData, 'elsewhere', 'cnn-again.onnx');
    expect(await models.exportTo(imported.id, destination, 'onnx')).toBe(destination);
    const exported = new Uint8Array(await readFile(destination));
    // An ONNX file (a protobuf, no Tegaki magic), not a copy of the stored file.
    expect(new TextDecoder().decode(exported.subarray(0, 4))).not.toBe('TGKI');
    const back = onnxToModel(exported, 'cnn-again.onnx');
    const stored = await models.read(imported.id);
    expect(back.spec).toEqual(stored.spec);
    const images = await mnistTestImages(200);
    const predict = ({ spec, tensors }: typeof stored) =>
      tegakiProbabilities(Sequential.fromWeights(spec, tensors), images.pixels, images.count);
    expect(predict(back)).toEqual(predict(stored));

    const added = await models.addTrained(fakeTrainedModel(), 'Mine');
    const tgk = join(userData, 'elsewhere', 'mine.tgk');
    await models.exportTo(added.id, tgk, 'tegaki');
    expect(await readFile(tgk)).toEqual(await readFile(join(userData, 'models', `${added.id}.tgk`)));
  });

  it('refuses an ONNX graph it cannot run with the operator it does not know; nothing is added', async () => {
    const models = open();
    const before = await indexFile();
    const exported = join(userData, 'default.onnx');
    await models.exportTo('default', exported, 'onnx');
    // The same model with its Softmax renamed to an operator Tegaki does not import.
    const bytes = new Uint8Array(await readFile(exported));
    const at = Buffer.from(bytes).indexOf('Softmax');
    expect(at).toBeGreaterThan(0);
    bytes.set(new TextEncoder().encode('Softsgn'), at);
    const attempt = models.importBytes(bytes, 'odd.onnx');
    await expect(attempt).rejects.toMatchObject({ code: 'invalid-model' });
    await expect(attempt).rejects.toThrow(/^odd\.onnx is not a usable Tegaki model: [^]*Softsgn/);
    expect(await indexFile()).toBe(before);
    expect(await readdir(join(userData, 'models')).catch(() => [])).toEqual([]);
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

describe('ModelStore.reconcile: the index and the models folder agree again at start-up', () => {
  it('lists an orphaned model file (a crash between its rename and the index write) again as an imported model', async () => {
    const models = open();
    const kept = await models.addTrained(fakeTrainedModel(1), 'Kept');
    // The crash: the file is in place, the index never heard of it.
    const trained = fakeTrainedModel(2);
    await saveModelFile(join(userData, 'models', 'm-orphan-1.tgk'), { spec: trained.spec, metadata: { name: 'Lost in a crash' }, tensors: trained.tensors });

    const reopened = open();
    const notices = await reopened.reconcile();
    expect(notices).toEqual([expect.stringMatching(/Found 1 model file.*"Lost in a crash"/)]);
    const listed = await reopened.list();
    expect(listed.map((m) => m.id)).toEqual(expect.arrayContaining([kept.id, 'm-orphan-1']));
    expect(listed.find((m) => m.id === 'm-orphan-1')).toMatchObject({ name: 'Lost in a crash', source: 'imported', architecture: '784-8-10 relu' });
    expect((await reopened.read('m-orphan-1')).metadata.name).toBe('Lost in a crash');
    expect(await open().reconcile()).toEqual([]);
  });

  it('drops a listed model whose file is gone, with a notice, and the default takes over if it was active', async () => {
    const models = open();
    const gone = await models.addTrained(fakeTrainedModel(1), 'Gone');
    const stays = await models.addTrained(fakeTrainedModel(2), 'Stays');
    models.markActive(gone.id);
    await rm(join(userData, 'models', `${gone.id}.tgk`));

    const reopened = open();
    expect(await reopened.reconcile()).toEqual([`The model "Gone" was removed from the list: its file ${gone.id}.tgk is missing.`]);
    expect((await reopened.list()).map((m) => m.id)).toEqual(['default', stays.id]);
    expect(reopened.activeId()).toBe('default');
  });

  it('sweeps the temp files a crash mid-save left, and renames an orphan that is no model so it is reported once', async () => {
    const models = open();
    const kept = await models.addTrained(fakeTrainedModel(1), 'Kept');
    const folder = join(userData, 'models');
    await writeFile(join(folder, `.${kept.id}.tgk.0123456789ab.tmp`), 'half a model');
    await writeFile(join(folder, 'm-junk.tgk'), 'not a model');

    const notices = await open().reconcile();
    expect(notices).toEqual([expect.stringMatching(/m-junk\.tgk in the models folder is not a usable model.*renamed m-junk\.tgk\.unreadable/)]);
    expect((await readdir(folder)).sort()).toEqual([`${kept.id}.tgk`, 'm-junk.tgk.unreadable'].sort());
    expect(await open().reconcile()).toEqual([]);
  });
});
