import { describe, expect, it } from 'vitest';
import type { Listener } from '../../../src/shared/ipc/api';
import type { EventChannel, ModelSummary, ResponseOf, Result } from '../../../src/shared/ipc/contract';
import { preset } from '../../../src/shared/presets';
import type { ProgressEvent } from '../../../src/renderer/src/training/training-store';
import { TrainingStore, canSaveAgain, initialTrainingState, reduceTraining } from '../../../src/renderer/src/training/training-store';

const request = { hyperparameters: preset('quick'), testSize: 500 };

const model: ModelSummary = {
  id: 'm-1',
  name: '784-64-10 relu',
  createdAt: '2026-01-01T00:00:00.000Z',
  source: 'trained',
  active: false,
  architecture: '784-64-10 relu',
};

function progress(jobId: string, step: number, loss: number | null, patch: Partial<ProgressEvent> = {}): ProgressEvent {
  return {
    jobId,
    phase: 'training',
    step,
    totalSteps: 100,
    epoch: 1,
    totalEpochs: 2,
    loss,
    testAccuracy: null,
    trainAccuracy: null,
    samplesPerSecond: 1000,
    elapsedSeconds: step / 10,
    etaSeconds: (100 - step) / 10,
    ...patch,
  };
}

const epoch = (jobId: string, n: number, testAccuracy: number) => ({
  jobId,
  epoch: n,
  step: n * 50,
  trainLoss: 0.3,
  trainAccuracy: testAccuracy + 0.01,
  testLoss: 0.35,
  testAccuracy,
  elapsedSeconds: n,
});

/** A backend stand-in: records calls and lets the test send events. */
function fakeApi(
  options: {
    start?: Result<{ jobId: string }>;
    cancelled?: boolean;
    setActive?: Result<ModelSummary>;
    saveAgain?: Result<ResponseOf<'training:saveAgain'>>[];
  } = {},
) {
  const listeners = new Map<EventChannel, Set<(event: never) => void>>();
  const on =
    <C extends EventChannel>(channel: C) =>
    (listener: Listener<C>) => {
      const set = listeners.get(channel) ?? new Set();
      set.add(listener as (event: never) => void);
      listeners.set(channel, set);
      return () => set.delete(listener as (event: never) => void);
    };
  const calls: string[] = [];
  const api = {
    training: {
      start: async () => {
        calls.push('start');
        return options.start ?? { ok: true as const, value: { jobId: 'job-1' } };
      },
      cancel: async (jobId?: string) => {
        calls.push(`cancel ${jobId}`);
        return { ok: true as const, value: { cancelled: options.cancelled ?? true } };
      },
      saveAgain: async (jobId: string) => {
        calls.push(`saveAgain ${jobId}`);
        return options.saveAgain?.shift() ?? { ok: false as const, error: { code: 'not-found' as const, message: 'nothing kept' } };
      },
      onProgress: on('training:progress'),
      onEpoch: on('training:epoch'),
      onDone: on('training:done'),
      onError: on('training:error'),
    },
    models: {
      setActive: async (id: string) => {
        calls.push(`setActive ${id}`);
        return options.setActive ?? { ok: true as const, value: { ...model, active: true } };
      },
    },
  };
  const emit = (channel: EventChannel, event: unknown): void => {
    for (const listener of listeners.get(channel) ?? []) (listener as (e: unknown) => void)(event);
  };
  return { api, emit, calls, listenerCount: () => [...listeners.values()].reduce((n, s) => n + s.size, 0) };
}

describe('reduceTraining: a job from start to finish', () => {
  it('start → progress → epochs → done collects the curves and asks about the new model', () => {
    let state = reduceTraining(initialTrainingState, { type: 'start-requested', request });
    expect(state.status).toBe('starting');
    state = reduceTraining(state, { type: 'start-accepted', jobId: 'job-1' });
    expect(state).toMatchObject({ status: 'running', jobId: 'job-1' });
    state = reduceTraining(state, {
      type: 'progress',
      event: progress('job-1', 0, null, { phase: 'loading', totalSteps: 0 }),
    });
    expect(state.lossCurve).toEqual([]);
    state = reduceTraining(state, { type: 'progress', event: progress('job-1', 10, 2.1) });
    state = reduceTraining(state, { type: 'progress', event: progress('job-1', 20, 1.2) });
    state = reduceTraining(state, { type: 'epoch', event: epoch('job-1', 1, 0.9) });
    state = reduceTraining(state, { type: 'epoch', event: epoch('job-1', 2, 0.93) });
    expect(state.progress?.step).toBe(20);
    expect(state.lossCurve.map((p) => p.loss)).toEqual([2.1, 1.2]);
    expect(state.epochs.map((e) => e.testAccuracy)).toEqual([0.9, 0.93]);
    state = reduceTraining(state, {
      type: 'done',
      event: { jobId: 'job-1', model, testAccuracy: 0.93, testLoss: 0.3 },
    });
    expect(state.status).toBe('done');
    expect(state.result?.model.id).toBe('m-1');
    // The counters read complete even when this page never saw the job's last progress report.
    expect(state.progress).toMatchObject({ step: 100, totalSteps: 100, epoch: 2, etaSeconds: 0 });
    expect(state.activation).toEqual({ model, status: 'asking' });
    // Curves stay to look at after the job.
    expect(state.lossCurve).toHaveLength(2);
  });

  it('events of another job, or late ones of a finished job, change nothing', () => {
    let state = reduceTraining(initialTrainingState, { type: 'start-requested', request });
    state = reduceTraining(state, { type: 'start-accepted', jobId: 'job-1' });
    const before = state;
    expect(reduceTraining(state, { type: 'progress', event: progress('job-0', 5, 1) })).toBe(before);
    expect(reduceTraining(state, { type: 'epoch', event: epoch('job-0', 1, 0.5) })).toBe(before);
    state = reduceTraining(state, {
      type: 'error',
      event: { jobId: 'job-1', error: { code: 'cancelled', message: 'cancelled' } },
    });
    expect(reduceTraining(state, { type: 'progress', event: progress('job-1', 50, 1) })).toBe(state);
  });

  it('the first event can name the job before the start reply arrives', () => {
    let state = reduceTraining(initialTrainingState, { type: 'start-requested', request });
    state = reduceTraining(state, { type: 'progress', event: progress('job-7', 3, 2) });
    expect(state).toMatchObject({ status: 'running', jobId: 'job-7' });
    state = reduceTraining(state, { type: 'start-accepted', jobId: 'job-7' });
    expect(state).toMatchObject({ status: 'running', jobId: 'job-7' });
  });

  it('a job this page did not start (after a reload) is adopted on its progress', () => {
    const state = reduceTraining(initialTrainingState, { type: 'progress', event: progress('job-9', 40, 0.8) });
    expect(state).toMatchObject({ status: 'running', jobId: 'job-9', request: undefined });
    expect(state.lossCurve).toHaveLength(1);
  });

  it('busy, diverged and crashed jobs fail with their error; cancelled is its own calm status', () => {
    let state = reduceTraining(initialTrainingState, { type: 'start-requested', request });
    state = reduceTraining(state, {
      type: 'start-refused',
      error: { code: 'busy', message: 'a model is already training' },
    });
    expect(state).toMatchObject({ status: 'failed', error: { code: 'busy' } });

    for (const code of ['diverged', 'engine-crashed'] as const) {
      let s = reduceTraining(initialTrainingState, { type: 'start-requested', request });
      s = reduceTraining(s, { type: 'start-accepted', jobId: 'j' });
      s = reduceTraining(s, { type: 'error', event: { jobId: 'j', error: { code, message: 'x' } } });
      expect(s).toMatchObject({ status: 'failed', error: { code } });
    }

    let s = reduceTraining(initialTrainingState, { type: 'start-requested', request });
    s = reduceTraining(s, { type: 'start-accepted', jobId: 'j' });
    s = reduceTraining(s, { type: 'cancel-requested' });
    expect(s.status).toBe('cancelling');
    s = reduceTraining(s, { type: 'error', event: { jobId: 'j', error: { code: 'cancelled', message: 'cancelled' } } });
    expect(s).toMatchObject({ status: 'cancelled', error: undefined, result: undefined });
  });

  it('a new start clears the previous job', () => {
    let state = reduceTraining(initialTrainingState, { type: 'progress', event: progress('old', 40, 0.8) });
    state = reduceTraining(state, {
      type: 'error',
      event: { jobId: 'old', error: { code: 'diverged', message: 'NaN' } },
    });
    state = reduceTraining(state, { type: 'start-requested', request });
    expect(state).toMatchObject({
      status: 'starting',
      error: undefined,
      progress: undefined,
      lossCurve: [],
      epochs: [],
    });
  });
});

describe('TrainingStore against a backend', () => {
  it('starts, follows events, cancels the job it follows, and stops listening on dispose', async () => {
    const { api, emit, calls, listenerCount } = fakeApi();
    const store = new TrainingStore(api);
    await store.start(request);
    emit('training:progress', progress('job-1', 10, 1.5));
    expect(store.getSnapshot()).toMatchObject({ status: 'running', jobId: 'job-1' });
    // A second start while running does not reach the backend.
    await store.start(request);
    expect(calls.filter((c) => c === 'start')).toHaveLength(1);
    await store.cancel();
    expect(calls).toContain('cancel job-1');
    expect(store.getSnapshot().status).toBe('cancelling');
    emit('training:error', { jobId: 'job-1', error: { code: 'cancelled', message: 'cancelled' } });
    expect(store.getSnapshot().status).toBe('cancelled');
    store.dispose();
    expect(listenerCount()).toBe(0);
  });

  it('a cancel that comes too late returns to running until the job reports its end', async () => {
    const { api } = fakeApi({ cancelled: false });
    const store = new TrainingStore(api);
    await store.start(request);
    await store.cancel();
    expect(store.getSnapshot().status).toBe('running');
  });

  it('a refused start shows its reason', async () => {
    const { api } = fakeApi({ start: { ok: false, error: { code: 'busy', message: 'busy' } } });
    const store = new TrainingStore(api);
    await store.start(request);
    expect(store.getSnapshot()).toMatchObject({ status: 'failed', error: { code: 'busy' } });
  });

  it('tells its done listeners once, then asks; "yes" makes the model active, "no" leaves it', async () => {
    const { api, emit, calls } = fakeApi();
    const store = new TrainingStore(api);
    const opened: string[] = [];
    store.onDone((m) => opened.push(m.id));
    await store.start(request);
    emit('training:done', { jobId: 'job-1', model, testAccuracy: 0.9, testLoss: 0.3 });
    emit('training:done', { jobId: 'job-1', model, testAccuracy: 0.9, testLoss: 0.3 });
    expect(opened).toEqual(['m-1']);
    expect(store.getSnapshot().activation?.status).toBe('asking');
    const answer = await store.answerActivation(true);
    expect(answer.ok).toBe(true);
    expect(calls).toContain('setActive m-1');
    expect(store.getSnapshot().activation?.status).toBe('activated');

    const second = fakeApi();
    const other = new TrainingStore(second.api);
    await other.start(request);
    second.emit('training:done', { jobId: 'job-1', model, testAccuracy: 0.9, testLoss: 0.3 });
    await other.answerActivation(false);
    expect(other.getSnapshot().activation?.status).toBe('kept');
    expect(second.calls.some((c) => c.startsWith('setActive'))).toBe(false);
  });

  it('a failed activation says why and can be tried again', async () => {
    const { api, emit } = fakeApi({ setActive: { ok: false, error: { code: 'not-found', message: 'gone' } } });
    const store = new TrainingStore(api);
    await store.start(request);
    emit('training:done', { jobId: 'job-1', model, testAccuracy: 0.9, testLoss: 0.3 });
    await store.answerActivation(true);
    expect(store.getSnapshot().activation).toMatchObject({ status: 'failed', error: 'gone' });
  });

  it("a model whose save failed is offered again: 'Save again' ends the job as saved, a second failure says why", async () => {
    const saveFailed = { code: 'save-failed' as const, message: 'the disk is full' };
    const { api, emit, calls } = fakeApi({
      saveAgain: [
        { ok: false, error: { ...saveFailed, message: 'still full' } },
        { ok: true, value: { jobId: 'job-1', model, testAccuracy: 0.9, testLoss: 0.3 } },
      ],
    });
    const store = new TrainingStore(api);
    const opened: string[] = [];
    store.onDone((m) => opened.push(m.id));
    await store.start(request);
    emit('training:error', { jobId: 'job-1', error: saveFailed });
    expect(canSaveAgain(store.getSnapshot())).toBe(true);

    await store.saveAgain();
    expect(store.getSnapshot()).toMatchObject({ status: 'failed', savingAgain: false, error: { code: 'save-failed', message: 'still full' } });
    await store.saveAgain();
    expect(calls.filter((c) => c.startsWith('saveAgain'))).toEqual(['saveAgain job-1', 'saveAgain job-1']);
    expect(store.getSnapshot()).toMatchObject({ status: 'done', error: undefined, result: { model: { id: 'm-1' } } });
    expect(store.getSnapshot().activation?.status).toBe('asking');
    expect(opened).toEqual(['m-1']);
    expect(canSaveAgain(store.getSnapshot())).toBe(false);
  });

  it('no Save again for other failures', () => {
    let state = reduceTraining(initialTrainingState, { type: 'start-requested', request });
    state = reduceTraining(state, { type: 'start-accepted', jobId: 'j' });
    state = reduceTraining(state, { type: 'error', event: { jobId: 'j', error: { code: 'diverged', message: 'NaN' } } });
    expect(canSaveAgain(state)).toBe(false);
    expect(reduceTraining(state, { type: 'save-again-requested' })).toBe(state);
  });
});
