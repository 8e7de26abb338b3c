import { describe, expect, it } from 'vitest';
import type { Result } from '../../../src/shared/ipc/contract';
import { StrokeStore } from '../../../src/renderer/src/drawing/stroke-store';
import { LOW_CONFIDENCE, PredictionStore, toPrediction } from '../../../src/renderer/src/prediction/prediction-store';

const answer = (top: number, p = 0.9): number[] => Array.from({ length: 10 }, (_, i) => (i === top ? p : (1 - p) / 9));

function drawStroke(store: StrokeStore): void {
  store.beginStroke([140, 40], 18);
  store.extendStroke([140, 240]);
  store.endStroke();
}

describe('PredictionStore: live prediction of the drawing', () => {
  it('toPrediction picks the top class and flags low confidence', () => {
    const sure = toPrediction(answer(3, 0.9), 7);
    expect(sure).toMatchObject({ top: 3, lowConfidence: false, drawingVersion: 7 });
    expect(toPrediction(answer(5, LOW_CONFIDENCE - 0.01)).lowConfidence).toBe(true);
  });

  it('predicts the finished drawing with its 28x28 input, and says which drawing it answers', async () => {
    const drawing = new StrokeStore();
    const seen: Float32Array[] = [];
    const store = new PredictionStore(
      drawing,
      async (pixels) => {
        seen.push(pixels);
        return { ok: true, value: { probabilities: answer(1) } };
      },
      { minIntervalMs: 0 },
    );
    const stop = store.start();
    expect(store.getSnapshot().prediction).toBeUndefined();
    drawStroke(drawing);
    await store.idle();
    const { prediction, input } = store.getSnapshot();
    expect(prediction?.top).toBe(1);
    expect(prediction?.drawingVersion).toBe(store.drawingVersion);
    expect(input).toHaveLength(784);
    expect(Math.max(...input)).toBeGreaterThan(0.5);
    expect(seen.at(-1)).toBe(input);
    stop();
  });

  it('a cleared canvas shows no prediction, and a late answer for the old drawing is ignored', async () => {
    const drawing = new StrokeStore();
    let release: ((r: Result<{ probabilities: number[] }>) => void) | undefined;
    const store = new PredictionStore(drawing, () => new Promise((resolve) => (release = resolve)), {
      minIntervalMs: 0,
    });
    store.start();
    drawStroke(drawing);
    drawing.clear();
    release!({ ok: true, value: { probabilities: answer(7) } });
    await store.idle();
    expect(store.getSnapshot().prediction).toBeUndefined();
    expect(Math.max(...store.getSnapshot().input)).toBe(0);
  });

  it('an engine error is kept for the page to show, and cleared by the next answer', async () => {
    const drawing = new StrokeStore();
    let fail = true;
    const store = new PredictionStore(
      drawing,
      async () =>
        fail
          ? { ok: false, error: { code: 'engine-crashed', message: 'the engine stopped' } }
          : { ok: true, value: { probabilities: answer(4) } },
      { minIntervalMs: 0 },
    );
    store.start();
    drawStroke(drawing);
    await store.idle();
    expect(store.getSnapshot().error?.code).toBe('engine-crashed');
    fail = false;
    store.refresh();
    await store.idle();
    expect(store.getSnapshot().error).toBeUndefined();
    expect(store.getSnapshot().prediction?.top).toBe(4);
  });
});
