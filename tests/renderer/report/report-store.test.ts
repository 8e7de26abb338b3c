import { describe, expect, it } from 'vitest';
import type { Evaluation, ModelDetails, Result } from '../../../src/shared/ipc/contract';
import type { ReportApi } from '../../../src/renderer/src/report/report-store';
import { ReportStore } from '../../../src/renderer/src/report/report-store';

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const evaluation = (modelId: string): Evaluation => ({
  modelId,
  count: 1,
  accuracy: 1,
  loss: 0,
  confusion: [],
  report: {
    classes: [],
    accuracy: 1,
    macroAvg: { precision: 1, recall: 1, f1: 1, support: 1 },
    weightedAvg: { precision: 1, recall: 1, f1: 1, support: 1 },
  },
  labels: new Uint8Array(1),
  predictions: new Uint8Array(1),
  probabilities: new Float32Array(10),
  calibration: { temperature: 1, count: 1, eceBefore: 0, eceAfter: 0, reliabilityBefore: [], reliabilityAfter: [] },
  drawn: { right: 0, total: 0, styles: [] },
  notADigit: null,
});

/** An API whose evaluations answer only when the test says so, a model's in the order asked. */
function fakeApi() {
  const pending = new Map<string, ReturnType<typeof deferred<Result<Evaluation>>>[]>();
  const calls: { id: string; testSize: number | undefined }[] = [];
  const cancelled: string[] = [];
  const api: ReportApi = {
    evaluate: (id, testSize) => {
      calls.push({ id, testSize });
      const answer = deferred<Result<Evaluation>>();
      pending.set(id, [...(pending.get(id) ?? []), answer]);
      return answer.promise;
    },
    cancelEvaluation: async (id) => {
      cancelled.push(id);
      return { ok: true, value: { cancelled: true } };
    },
    models: {
      details: async (id): Promise<Result<ModelDetails>> =>
        id === 'no-file'
          ? { ok: false, error: { code: 'invalid-model', message: 'gone' } }
          : { ok: true, value: { id, history: [], lossCurve: [] } },
    },
  };
  const answer = async (id: string, result: Result<Evaluation> = { ok: true, value: evaluation(id) }) => {
    pending.get(id)!.shift()!.resolve(result);
    await new Promise((r) => setTimeout(r, 0));
  };
  return { api, calls, cancelled, answer };
}

describe('ReportStore', () => {
  it('shows loading, then the report, and evaluates a model only once however often it is asked', async () => {
    const { api, calls, answer } = fakeApi();
    const store = new ReportStore(api);
    let changes = 0;
    store.subscribe(() => changes++);

    store.load('a');
    expect(store.getSnapshot().get('a')).toEqual({ status: 'loading' });
    store.load('a');
    await answer('a');
    expect(store.getSnapshot().get('a')).toMatchObject({
      status: 'ready',
      evaluation: { modelId: 'a' },
      details: { id: 'a' },
    });
    store.load('a');
    expect(calls).toEqual([{ id: 'a', testSize: undefined }]);
    expect(changes).toBe(2);
  });

  it('keeps each model apart, so two models can be compared', async () => {
    const { api, answer } = fakeApi();
    const store = new ReportStore(api);
    store.load('a');
    store.load('b');
    await answer('b');
    expect(store.getSnapshot().get('a')?.status).toBe('loading');
    expect(store.getSnapshot().get('b')?.status).toBe('ready');
  });

  it('evaluates on a subset when told to (the whole test set by default)', () => {
    const { api, calls } = fakeApi();
    new ReportStore(api, 500).load('a');
    expect(calls).toEqual([{ id: 'a', testSize: 500 }]);
  });

  it('reports a failed evaluation with its reason and tries again when asked', async () => {
    const { api, calls, answer } = fakeApi();
    const store = new ReportStore(api);
    store.load('a');
    await answer('a', { ok: false, error: { code: 'engine-crashed', message: 'the engine stopped' } });
    expect(store.getSnapshot().get('a')).toEqual({ status: 'failed', message: 'the engine stopped' });
    store.load('a');
    expect(calls).toHaveLength(2);
    expect(store.getSnapshot().get('a')?.status).toBe('loading');
  });

  it('still shows the report when the training history cannot be read (no curves)', async () => {
    const { api, answer } = fakeApi();
    const store = new ReportStore(api);
    store.load('no-file');
    await answer('no-file');
    expect(store.getSnapshot().get('no-file')).toMatchObject({ status: 'ready', details: undefined });
  });

  it('cancels the evaluation of a model the screen leaves while it loads, and evaluates it afresh when shown again', async () => {
    const { api, calls, cancelled, answer } = fakeApi();
    const store = new ReportStore(api);
    store.show(['a']);
    store.show(['b']);
    expect(cancelled).toEqual(['a']);
    expect(store.getSnapshot().has('a')).toBe(false);
    await answer('b');
    store.show(['a', 'b']);
    expect(calls.map((c) => c.id)).toEqual(['a', 'b', 'a']);
    // The cancelled evaluation's late answer is not the report of the one now loading.
    await answer('a', { ok: false, error: { code: 'cancelled', message: 'evaluation cancelled' } });
    expect(store.getSnapshot().get('a')).toEqual({ status: 'loading' });
    await answer('a');
    expect(store.getSnapshot().get('a')?.status).toBe('ready');
    // A report already there is kept when the screen leaves it: nothing to cancel.
    store.show(['b']);
    expect(cancelled).toEqual(['a']);
    expect(store.getSnapshot().get('a')?.status).toBe('ready');
  });

  it('forgets deleted models, even one whose evaluation answers after it went', async () => {
    const { api, answer } = fakeApi();
    const store = new ReportStore(api);
    store.load('a');
    store.load('b');
    await answer('a');
    store.retain(['c']);
    await answer('b');
    expect([...store.getSnapshot().keys()]).toEqual([]);
  });
});
