import { describe, expect, it } from 'vitest';
import type { Listener, TegakiApi } from '../../../src/shared/ipc/api';
import type { PersonalSampleSummary, Result } from '../../../src/shared/ipc/contract';
import { StrokeStore } from '../../../src/renderer/src/drawing/stroke-store';
import { ExplanationStore } from '../../../src/renderer/src/personal/explanation-store';
import { PersonalStore } from '../../../src/renderer/src/personal/personal-store';
import { PredictionStore } from '../../../src/renderer/src/prediction/prediction-store';

function fakePersonalApi() {
  const samples: PersonalSampleSummary[] = [];
  let changed: Listener<'personal:changed'> | undefined;
  const counts = () => Array.from({ length: 10 }, (_, d) => samples.filter((s) => s.label === d).length);
  const ok = <T>(value: T): Result<T> => ({ ok: true, value });
  const api: Pick<TegakiApi, 'personal'> = {
    personal: {
      add: async (_strokes, label) => {
        const sample = { id: `s${samples.length}`, label, createdAt: '', input: new Uint8Array(784) };
        samples.push(sample);
        return ok({ sample, counts: counts() });
      },
      list: async () => ok({ counts: counts(), samples: [...samples] }),
      delete: async (id) => {
        const at = samples.findIndex((s) => s.id === id);
        if (at < 0) return { ok: false, error: { code: 'not-found', message: `no ${id}` } };
        samples.splice(at, 1);
        return ok({ counts: counts() });
      },
      export: async () => ok({ path: null, json: '[]', count: samples.length }),
      import: async () => ok({ cancelled: false, added: 0, skipped: 0, counts: counts() }),
      onChanged: (listener) => {
        changed = listener;
        return () => (changed = undefined);
      },
    },
  };
  return { api, samples, announce: () => changed?.({ counts: counts() }) };
}

describe('PersonalStore', () => {
  it('keeps counts and samples in step with adds, deletes and changes made elsewhere', async () => {
    const { api, samples, announce } = fakePersonalApi();
    const store = new PersonalStore(api);
    store.start();
    await store.refresh();
    expect(store.getSnapshot()).toMatchObject({ loaded: true, samples: [] });

    await store.add([[[0, 0]]], 7);
    await store.add([[[0, 0]]], 7);
    expect(store.getSnapshot().counts[7]).toBe(2);
    expect(store.getSnapshot().samples).toHaveLength(2);

    await store.delete('s0');
    expect(store.getSnapshot().counts[7]).toBe(1);
    expect(store.getSnapshot().samples.map((s) => s.id)).toEqual(['s1']);
    expect((await store.delete('s0')).ok).toBe(false);

    // Another window (or an import) changed the set: the event brings the list up to date.
    samples.push({ id: 'x', label: 3, createdAt: '', input: new Uint8Array(784) });
    announce();
    await new Promise((r) => setTimeout(r, 0));
    expect(store.getSnapshot().counts[3]).toBe(1);
  });
});

describe('ExplanationStore', () => {
  const answer = (top: number): number[] => Array.from({ length: 10 }, (_, i) => (i === top ? 0.9 : 0.1 / 9));

  function setUp() {
    const drawing = new StrokeStore();
    const prediction = new PredictionStore(drawing, async () => ({ ok: true, value: { probabilities: answer(1) } }), {
      minIntervalMs: 0,
    });
    const asked: Float32Array[] = [];
    const explanation = new ExplanationStore(
      prediction,
      async (pixels) => {
        asked.push(pixels);
        return { ok: true, value: { label: 1, attribution: Float32Array.from(pixels, (p) => p * 2) } };
      },
      { minIntervalMs: 0 },
    );
    const stop = prediction.start();
    const draw = async (): Promise<void> => {
      drawing.beginStroke([140, 40], 18);
      drawing.extendStroke([140, 240]);
      drawing.endStroke();
      await prediction.idle();
      await explanation.idle();
    };
    return { drawing, prediction, explanation, asked, draw, stop };
  }

  it('asks nothing while off', async () => {
    const { explanation, asked, draw, stop } = setUp();
    await draw();
    expect(asked).toEqual([]);
    expect(explanation.getSnapshot().attribution).toBeUndefined();
    stop();
  });

  it('switched on, explains the predicted input and follows new drawings; a cleared canvas has no map', async () => {
    const { drawing, prediction, explanation, asked, draw, stop } = setUp();
    await draw();
    explanation.setEnabled(true);
    await explanation.idle();
    const first = explanation.getSnapshot();
    expect(first).toMatchObject({ enabled: true, label: 1 });
    expect(first.input).toBe(prediction.getSnapshot().input);
    expect(first.attribution?.[first.input!.findIndex((p) => p > 0)]).toBeGreaterThan(0);
    expect(asked).toHaveLength(1);

    drawing.clear();
    expect(explanation.getSnapshot().attribution).toBeUndefined();
    await draw();
    // The live drawing may be explained on the way; the map ends on the finished one.
    expect(explanation.getSnapshot().input).toBe(prediction.getSnapshot().input);
    expect(asked.at(-1)).toBe(prediction.getSnapshot().input);
    // Predicting again (say, the active model changed) explains again.
    const settled = asked.length;
    prediction.refresh();
    await prediction.idle();
    await explanation.idle();
    expect(asked).toHaveLength(settled + 1);
    expect(explanation.getSnapshot().input).toBe(prediction.getSnapshot().input);

    explanation.toggle();
    expect(explanation.getSnapshot()).toMatchObject({ enabled: false, attribution: undefined });
    stop();
  });
});
