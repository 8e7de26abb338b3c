import { describe, expect, it } from 'vitest';
import type { TegakiApi } from '../../../src/shared/ipc/api';
import type { ModelSummary, Result } from '../../../src/shared/ipc/contract';
import { ModelsStore } from '../../../src/renderer/src/models/models-store';

const summary = (id: string, active = false): ModelSummary => ({
  id,
  name: id,
  createdAt: '2026-01-01T00:00:00.000Z',
  source: id === 'default' ? 'default' : 'trained',
  active,
  architecture: '784-10',
});

/** The main process's model list, as far as the store can see it. */
function fakeModels() {
  let list = [summary('default', true), summary('m-1')];
  const fail = (message: string) => ({ ok: false as const, error: { code: 'invalid-model' as const, message } });
  const models = {
    list: async () => ({ ok: true as const, value: list }),
    setActive: async (id: string) => {
      list = list.map((m) => ({ ...m, active: m.id === id }));
      return { ok: true as const, value: list.find((m) => m.id === id)! };
    },
    rename: async (id: string, name: string) => {
      list = list.map((m) => (m.id === id ? { ...m, name } : m));
      return { ok: true as const, value: list.find((m) => m.id === id)! };
    },
    delete: async (id: string): Promise<Result<{ deleted: true }>> => {
      if (id === 'default')
        return { ok: false, error: { code: 'read-only', message: 'the built-in default model cannot be deleted' } };
      list = list.filter((m) => m.id !== id);
      return { ok: true, value: { deleted: true } };
    },
    export: async (id: string, format?: string) => ({ ok: true as const, value: { path: `/exports/${id}.${format}` } }),
    import: async (file?: { fileName?: string; bytes: Uint8Array }) =>
      file?.bytes[0] === 0x54
        ? { ok: true as const, value: { model: summary('m-2') } }
        : fail(`${file?.fileName} is not a usable Tegaki model: bad magic`),
    // The event stream is not what these tests are about: the store reloads after each change itself.
    onChanged: () => () => undefined,
  };
  return { api: { models } as unknown as Pick<TegakiApi, 'models'> };
}

async function started() {
  const { api } = fakeModels();
  const store = new ModelsStore(api);
  store.start();
  await store.refresh();
  return store;
}

describe('ModelsStore actions', () => {
  it('moves the active mark with setActive', async () => {
    const store = await started();
    expect(store.active()?.id).toBe('default');
    expect((await store.setActive('m-1')).ok).toBe(true);
    expect(store.active()?.id).toBe('m-1');
    expect(store.getSnapshot().models.filter((m) => m.active)).toHaveLength(1);
  });

  it('shows a renamed model under its new name', async () => {
    const store = await started();
    await store.rename('m-1', 'mine');
    expect(store.getSnapshot().models.find((m) => m.id === 'm-1')?.name).toBe('mine');
  });

  it('answers a refused delete with the reason and keeps the list', async () => {
    const store = await started();
    const before = store.getSnapshot().models;
    const result = await store.remove('default');
    expect(result).toMatchObject({ ok: false, error: { code: 'read-only' } });
    expect(store.getSnapshot().models).toBe(before);
    expect((await store.remove('m-1')).ok).toBe(true);
    expect(store.getSnapshot().models.map((m) => m.id)).toEqual(['default']);
  });

  it("exports as Tegaki's file unless asked for ONNX", async () => {
    const store = await started();
    expect(await store.exportModel('m-1')).toEqual({ ok: true, value: { path: '/exports/m-1.tegaki' } });
    expect(await store.exportModel('m-1', 'onnx')).toEqual({ ok: true, value: { path: '/exports/m-1.onnx' } });
  });

  it('gives a bad import file its reason and leaves the list as it was', async () => {
    const store = await started();
    const before = store.getSnapshot();
    const result = await store.importFile({ fileName: 'junk.tgk', bytes: new Uint8Array([1, 2, 3]) });
    expect(result).toMatchObject({ ok: false, error: { message: 'junk.tgk is not a usable Tegaki model: bad magic' } });
    expect(store.getSnapshot()).toBe(before);
  });
});
