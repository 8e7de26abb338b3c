import { describe, expect, it, vi } from 'vitest';
import type { ExperimentEdit } from '../../../src/shared/experiment';
import type { Result } from '../../../src/shared/ipc/contract';
import type { ExperimentAnswer, ExperimentApi } from '../../../src/renderer/src/network/experiment-store';
import { ExperimentStore } from '../../../src/renderer/src/network/experiment-store';
import type { NetworkState } from '../../../src/renderer/src/network/network-store';

function answer(edits: ExperimentEdit[], modelId = 'default'): ExperimentAnswer {
  return {
    modelId,
    edits,
    applied: edits.map(() => ({ zeroed: 1 })),
    probabilities: Array.from({ length: 10 }, () => 0.1),
    originalProbabilities: Array.from({ length: 10 }, () => 0.1),
    testAccuracy: 0.5,
    originalTestAccuracy: 0.9,
    testCount: 1000,
  };
}

function setup(experiment?: ExperimentApi['experiment']) {
  const api: ExperimentApi = {
    experiment: vi.fn(experiment ?? (async (edits) => ({ ok: true, value: answer(edits) }) as Result<ExperimentAnswer>)),
    restore: vi.fn(async () => ({ ok: true as const, value: { modelId: 'default', restored: true } })),
    saveExperiment: vi.fn(),
  };
  let state = { activations: { modelId: 'default' }, input: new Float32Array(784) } as unknown as NetworkState;
  const listeners = new Set<() => void>();
  const network = {
    getSnapshot: () => state,
    subscribe: (l: () => void) => (listeners.add(l), () => listeners.delete(l)),
    reload: vi.fn(),
    switchModel(modelId: string) {
      state = { ...state, activations: { ...state.activations!, modelId } };
      for (const l of listeners) l();
    },
  };
  return { api, network, store: new ExperimentStore(api, network) };
}

const off: ExperimentEdit = { kind: 'unit-off', layer: 0, unit: 2 };
const noise: ExperimentEdit = { kind: 'weight-noise', layer: 0, scale: 1, seed: 4 };

describe('ExperimentStore', () => {
  it('sends the whole list of edits each time, and has the Network screen ask again for the weights and layers', async () => {
    const { api, network, store } = setup();
    await store.add(off);
    await store.add(noise);
    expect(api.experiment).toHaveBeenLastCalledWith([off, noise], expect.any(Float32Array), 1000);
    expect(store.getSnapshot()).toMatchObject({ edits: [off, noise], busy: false });
    expect(store.getSnapshot().result?.edits).toEqual([off, noise]);
    expect(network.reload).toHaveBeenCalledTimes(2);
    // The same unit is not switched off twice.
    await store.add(off);
    expect(api.experiment).toHaveBeenCalledTimes(2);
  });

  it('removing the last edit restores, and restore forgets every edit here and in the backend', async () => {
    const { api, network, store } = setup();
    await store.add(off);
    await store.remove(0);
    expect(api.restore).toHaveBeenCalledTimes(1);
    expect(store.getSnapshot()).toMatchObject({ edits: [], result: undefined, busy: false });
    expect(network.reload).toHaveBeenCalledTimes(2);
  });

  it('a refused edit leaves the experiment as it was, with the reason', async () => {
    const { store } = setup(async (edits) =>
      edits.length > 1
        ? { ok: false, error: { code: 'invalid-payload', message: 'layer 1 (relu) has no weights to change' } }
        : { ok: true, value: answer(edits) },
    );
    await store.add(off);
    await store.add({ kind: 'biases-off', layer: 1 });
    expect(store.getSnapshot()).toMatchObject({ edits: [off], error: { code: 'invalid-payload' } });
  });

  it('drops an answer to an older list of edits', async () => {
    let release!: () => void;
    const { store } = setup(async (edits) => {
      if (edits.length === 1) await new Promise<void>((r) => (release = r));
      return { ok: true, value: answer(edits) };
    });
    const first = store.add(off);
    const second = store.restore();
    release();
    await Promise.all([first, second]);
    expect(store.getSnapshot()).toMatchObject({ edits: [], result: undefined });
  });

  it('restores when another model becomes active', async () => {
    const { api, network, store } = setup();
    const stop = store.start();
    await store.add(off);
    network.switchModel('m-other');
    await vi.waitFor(() => expect(api.restore).toHaveBeenCalledTimes(1));
    expect(store.getSnapshot().edits).toEqual([]);
    stop();
  });
});
