import { describe, expect, it } from 'vitest';
import type { ModelSummary, ResponseOf, Result } from '../../../src/shared/ipc/contract';
import type { SnapshotChoice } from '../../../src/renderer/src/network/network-store';
import { TimelineStore } from '../../../src/renderer/src/network/timeline-store';

const summary = (id: string, active: boolean, timelineBytes?: number): ModelSummary => ({
  id,
  name: id,
  createdAt: '2024-01-01T00:00:00.000Z',
  source: 'trained',
  active,
  architecture: '784-8-10 relu',
  timelineBytes,
});

const points = (n: number) => Array.from({ length: n }, (_, index) => ({ index, step: index * 10, epoch: index / 2 }));

function setup(lists: Record<string, number>) {
  let models: ModelSummary[] = [summary('a', true, 100), summary('b', false, 200)];
  const listeners = new Set<() => void>();
  const modelStore = {
    getSnapshot: () => ({ models }),
    subscribe: (l: () => void) => (listeners.add(l), () => listeners.delete(l)),
  };
  const setModels = (next: ModelSummary[]) => {
    models = next;
    listeners.forEach((l) => l());
  };
  const chosen: (SnapshotChoice | undefined)[] = [];
  const deleted: string[] = [];
  const api = {
    list: async (id: string): Promise<Result<ResponseOf<'timeline:list'>>> => ({
      ok: true,
      value: { modelId: id, snapshots: points(lists[id] ?? 0), bytes: (lists[id] ?? 0) * 10 },
    }),
    delete: async (id: string): Promise<Result<ResponseOf<'timeline:delete'>>> => {
      deleted.push(id);
      lists[id] = 0;
      return { ok: true, value: { modelId: id, deleted: true } };
    },
  };
  const store = new TimelineStore(api, { setSnapshot: (s) => chosen.push(s) }, modelStore);
  return { store, chosen, deleted, setModels };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('TimelineStore', () => {
  it("lists the active model's snapshots and starts at the model as saved", async () => {
    const { store } = setup({ a: 5 });
    store.start();
    await settle();
    expect(store.getSnapshot()).toMatchObject({ modelId: 'a', index: undefined, bytes: 50 });
    expect(store.getSnapshot().snapshots).toHaveLength(5);
  });

  it('looks through the chosen snapshot; the last position is the model as saved', async () => {
    const { store, chosen } = setup({ a: 5 });
    store.start();
    await settle();
    store.select(1);
    expect(chosen.at(-1)).toEqual({ modelId: 'a', index: 1 });
    expect(store.getSnapshot().index).toBe(1);
    store.select(4);
    expect(chosen.at(-1)).toBeUndefined();
    expect(store.getSnapshot().index).toBeUndefined();
    store.select(-3);
    expect(chosen.at(-1)).toEqual({ modelId: 'a', index: 0 });
  });

  it('starts again at the model as saved when another model becomes active', async () => {
    const { store, chosen, setModels } = setup({ a: 5, b: 3 });
    store.start();
    await settle();
    store.select(2);
    setModels([summary('a', false, 100), summary('b', true, 200)]);
    await settle();
    expect(chosen.at(-1)).toBeUndefined();
    expect(store.getSnapshot()).toMatchObject({ modelId: 'b', index: undefined });
    expect(store.getSnapshot().snapshots).toHaveLength(3);
  });

  it('deletes the timeline and goes back to the model as saved, with no snapshots', async () => {
    const { store, chosen, deleted } = setup({ a: 5 });
    store.start();
    await settle();
    store.select(0);
    await store.deleteTimeline();
    expect(deleted).toEqual(['a']);
    expect(chosen.at(-1)).toBeUndefined();
    expect(store.getSnapshot().snapshots).toEqual([]);
  });
});
