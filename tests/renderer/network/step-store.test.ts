import { describe, expect, it, vi } from 'vitest';
import type { Result } from '../../../src/shared/ipc/contract';
import { preset } from '../../../src/shared/presets';
import type { StepRecord, StepSession } from '../../../src/shared/step-mode';
import { StepStore } from '../../../src/renderer/src/network/step-store';

const session: StepSession = {
  architecture: '784-100-10 sigmoid',
  parameters: 79_510,
  batchSize: 50,
  stepsPerEpoch: 1100,
  loss: 'softmax-cross-entropy',
  optimizer: 'sgd',
};

function record(step: number): StepRecord {
  return {
    step,
    epoch: 1,
    loss: 2 / step,
    learningRate: 0.4,
    batch: { size: 50, shown: 0, images: new Float32Array(0), labels: [], predictions: [] },
    layers: [],
    firstLayerGradient: { units: 0, values: new Float32Array(0) },
  };
}

describe('StepStore', () => {
  it('steps only after a start, one request at a time, and keeps the recent losses', async () => {
    let steps = 0;
    const api = {
      start: vi.fn(async (): Promise<Result<StepSession>> => ({ ok: true, value: session })),
      next: vi.fn(async (): Promise<Result<StepRecord>> => ({ ok: true, value: record(++steps) })),
    };
    const store = new StepStore(api);
    await store.next();
    expect(api.next).not.toHaveBeenCalled();
    await store.start();
    expect(store.getSnapshot().session).toEqual(session);
    // A second press while the first step is out is ignored: no step is skipped or doubled.
    await Promise.all([store.next(), store.next()]);
    expect(api.next).toHaveBeenCalledTimes(1);
    await store.next();
    expect(store.getSnapshot().record?.step).toBe(2);
    expect(store.getSnapshot().losses).toEqual([
      { step: 1, loss: 2 },
      { step: 2, loss: 1 },
    ]);
  });

  it('forgets the run when the engine has lost it, so Start is offered again', async () => {
    const store = new StepStore({
      start: async () => ({ ok: true, value: session }),
      next: async () => ({ ok: false, error: { code: 'not-found', message: 'there is no step-mode run' } }),
    });
    await store.start();
    await store.next();
    expect(store.getSnapshot()).toMatchObject({ session: undefined, error: { code: 'not-found' } });
  });

  it("starts the chosen notes' network, or the Train form's hyperparameters, and says which it is stepping", async () => {
    const api = {
      start: vi.fn(async (): Promise<Result<StepSession>> => ({ ok: true, value: session })),
      next: async (): Promise<Result<StepRecord>> => ({ ok: true, value: record(1) }),
    };
    const store = new StepStore(api);
    store.choose('train-form'); // nothing from the form yet: stays on the notes' first
    expect(store.getSnapshot().network).toBe('seed-classic');
    store.choose('seed-layered');
    await store.start();
    expect(api.start).toHaveBeenLastCalledWith(preset('seed-layered'));
    expect(store.getSnapshot().stepping).toBe('seed-layered');

    const mine = { ...preset('quick'), hiddenLayers: [{ units: 32, activation: 'relu' as const }] };
    const started = store.stepThrough(mine);
    // Busy at once, so the Network screen opened next finds the run starting.
    expect(store.getSnapshot()).toMatchObject({ busy: true, stepping: 'train-form', network: 'train-form' });
    await started;
    expect(api.start).toHaveBeenLastCalledWith(mine);
    expect(store.getSnapshot()).toMatchObject({ session, stepping: 'train-form', formHyperparameters: mine });
    // Start again keeps to the form's network until another is chosen.
    await store.start();
    expect(api.start).toHaveBeenLastCalledWith(mine);
  });
});
