import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EngineHost } from '../../../src/backend/engine/engine-host';
import type { Backend } from '../../../src/backend/services/backend';
import { createBackend } from '../../../src/backend/services/backend';
import { StoreVersionError } from '../../../src/backend/store/app-store';
import { JsonFileStore } from '../../../src/backend/store/json-file-store';
import { callBackend, removeDirs, resourcesWithDefaultModel, tempDir } from '../fixtures';

// What the Electron shell does in onReady (backend-setup.ts), on real files: the settings
// file is a JsonFileStore in the user-data folder, and start-up's notices wait for the page.

const dirs: string[] = [];
const backends: Backend[] = [];
let userData: string;
let resources: string;
const idleEngine = { dispose: async () => undefined } as unknown as EngineHost;

beforeEach(async () => {
  userData = await tempDir('startup');
  resources = await resourcesWithDefaultModel();
  dirs.push(userData, resources);
});
afterEach(async () => {
  await Promise.all(backends.splice(0).map((b) => b.dispose()));
  await removeDirs(dirs);
});

function start(): Backend {
  const store = new JsonFileStore(join(userData, 'tegaki.json'));
  const backend = createBackend({ userDataDir: userData, resourcesDir: resources, engineHost: idleEngine, store, log: () => undefined });
  backends.push(backend);
  return backend;
}

describe('start-up recovery', () => {
  it('sets a corrupt settings file aside, opens with defaults, and tells the page once it asks', async () => {
    await writeFile(join(userData, 'tegaki.json'), '\0\0\0 half-written');
    const backend = start();
    expect(backend.appStore.get('windowBounds')).toBeUndefined();
    expect((await callBackend(backend, 'models:list', undefined)).map((m) => m.id)).toEqual(['default']);
    const notices = await callBackend(backend, 'notices:startup', undefined);
    expect(notices).toEqual([{ level: 'warning', message: expect.stringMatching(/tegaki\.json could not be read.*set aside as .*tegaki\.json\.corrupt-/) }]);
    const aside = (await readdir(userData)).find((name) => name.startsWith('tegaki.json.corrupt-'))!;
    expect(await readFile(join(userData, aside), 'utf8')).toBe('\0\0\0 half-written');
    // Given once.
    expect(await callBackend(backend, 'notices:startup', undefined)).toEqual([]);
  });

  it('refuses settings from a newer Tegaki and leaves the file as it was', async () => {
    const text = JSON.stringify({ schemaVersion: 99, modelIndex: { models: [], activeId: 'default' } });
    await writeFile(join(userData, 'tegaki.json'), text);
    expect(() => start()).toThrow(StoreVersionError);
    expect(await readFile(join(userData, 'tegaki.json'), 'utf8')).toBe(text);
  });

  it('sweeps temp files a crash left in the user-data and models folders, and reports a model whose file is gone', async () => {
    await writeFile(
      join(userData, 'tegaki.json'),
      JSON.stringify({
        schemaVersion: 1,
        modelIndex: {
          activeId: 'm-gone',
          models: [{ id: 'm-gone', name: 'Gone', fileName: 'm-gone.tgk', createdAt: '2024-01-01T00:00:00Z', source: 'trained', architecture: '784-8-10 relu' }],
        },
      }),
    );
    await writeFile(join(userData, '.tegaki.json.a1b2c3d4e5f6.tmp'), '{"half":');
    await mkdir(join(userData, 'models'));
    await writeFile(join(userData, 'models', '.m-x.tgk.a1b2c3d4e5f6.tmp'), 'half a model');
    const backend = start();
    expect(await callBackend(backend, 'notices:startup', undefined)).toEqual([
      { level: 'warning', message: 'The model "Gone" was removed from the list: its file m-gone.tgk is missing.' },
    ]);
    expect((await readdir(userData)).sort()).toEqual(['models', 'tegaki.json']);
    expect(await readdir(join(userData, 'models'))).toEqual([]);
    expect((await callBackend(backend, 'models:active', undefined)).id).toBe('default');
  });
});
