import { describe, expect, it } from 'vitest';
import type { Activations, LayerParameters } from '../../../src/shared/inspection';
import type { Result } from '../../../src/shared/ipc/contract';
import { StrokeStore } from '../../../src/renderer/src/drawing/stroke-store';
import { NetworkStore } from '../../../src/renderer/src/network/network-store';

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

function answer(modelId: string, marker: number): Result<Activations & { modelId: string }> {
  const values = Float32Array.from([marker]);
  const stats = { min: marker, max: marker, mean: marker, zeroFraction: 0 };
  return {
    ok: true,
    value: {
      modelId,
      layers: [{ index: 0, kind: 'dense', shape: [1], fullShape: [1], values, truncated: false, stats }],
      probabilities: [1],
      temperature: 1,
    },
  };
}

function stroke(store: StrokeStore, x: number): void {
  store.beginStroke([x, 10], 12);
  store.extendStroke([x + 20, 60]);
  store.endStroke();
}

describe('NetworkStore', () => {
  it('asks for the latest drawing only, shows answers in order, and loads each model’s parameters once', async () => {
    const drawing = new StrokeStore();
    const asked: Float32Array[] = [];
    const pending: ReturnType<typeof deferred<Result<Activations & { modelId: string }>>>[] = [];
    const parameterCalls: [number, string][] = [];
    const network = new NetworkStore(
      drawing,
      {
        activations: (pixels) => {
          asked.push(pixels);
          const d = deferred<Result<Activations & { modelId: string }>>();
          pending.push(d);
          return d.promise;
        },
        parameters: async (layer, id) => {
          parameterCalls.push([layer, id]);
          return {
            ok: true,
            value: { modelId: id, index: layer, kind: 'dense', inputShape: [784], tensors: [] } as LayerParameters & {
              modelId: string;
            },
          };
        },
        onModelsChanged: () => () => undefined,
      },
      { minIntervalMs: 0 },
    );
    const stop = network.start();
    // The blank canvas is asked about: its zeros still show the layers.
    expect(asked).toHaveLength(1);
    expect(asked[0].every((v) => v === 0)).toBe(true);
    stroke(drawing, 10);
    // The finished stroke need not wait for the blank canvas's answer: it is asked at once.
    expect(asked).toHaveLength(2);
    stroke(drawing, 40);
    stroke(drawing, 70);
    // Two requests in flight; the two drawings meanwhile collapse into the latest.
    expect(asked).toHaveLength(2);
    pending[0].resolve(answer('m1', 0));
    pending[1].resolve(answer('m1', 1));
    await new Promise((r) => setTimeout(r, 0));
    expect(asked).toHaveLength(3);
    expect(network.getSnapshot().activations?.layers[0].values[0]).toBe(1);
    pending[2].resolve(answer('m1', 3));
    await network.idle();
    await new Promise((r) => setTimeout(r, 0));
    const state = network.getSnapshot();
    expect(state.activations?.layers[0].values[0]).toBe(3);
    expect(state.answeredVersion).toBe(state.drawingVersion);
    expect(state.input).toBe(asked[2]);
    expect(parameterCalls).toEqual([[0, 'm1']]);
    expect(state.parameters?.modelId).toBe('m1');
    stop();
  });

  it('does not ask again about an input already answered (the pen lifting where it last moved), unless the model may have changed', async () => {
    const drawing = new StrokeStore();
    const asked: Float32Array[] = [];
    let modelsChanged = (): void => undefined;
    const network = new NetworkStore(
      drawing,
      {
        activations: async (pixels) => {
          asked.push(pixels);
          return answer('m1', asked.length);
        },
        parameters: async (layer, id) => ({
          ok: true,
          value: { modelId: id, index: layer, kind: 'dense', inputShape: [784], tensors: [] },
        }),
        onModelsChanged: (listener) => {
          modelsChanged = listener;
          return () => undefined;
        },
      },
      { minIntervalMs: 0 },
    );
    const stop = network.start();
    await network.idle();
    drawing.beginStroke([10, 10], 12);
    drawing.extendStroke([30, 60]);
    await network.idle();
    const before = asked.length;
    // Ending the stroke changes the drawing but not one pixel of the input.
    drawing.endStroke();
    await network.idle();
    let state = network.getSnapshot();
    expect(asked).toHaveLength(before);
    expect(state.answeredVersion).toBe(state.drawingVersion);
    expect(state.activations?.layers[0].values[0]).toBe(before);
    // Another model (or an experiment) may answer the same input differently.
    modelsChanged();
    await network.idle();
    expect(asked).toHaveLength(before + 1);
    network.reload();
    await network.idle();
    expect(asked).toHaveLength(before + 2);
    state = network.getSnapshot();
    expect(state.answeredVersion).toBe(state.drawingVersion);
    expect(state.activations?.layers[0].values[0]).toBe(before + 2);
    stop();
  });

  it('an answer that lands after a newer one is not shown, and the input in flight is not asked twice', async () => {
    const drawing = new StrokeStore();
    const asked: Float32Array[] = [];
    const pending: ReturnType<typeof deferred<Result<Activations & { modelId: string }>>>[] = [];
    const network = new NetworkStore(
      drawing,
      {
        activations: (pixels) => {
          asked.push(pixels);
          const d = deferred<Result<Activations & { modelId: string }>>();
          pending.push(d);
          return d.promise;
        },
        parameters: async (layer, id) => ({
          ok: true,
          value: { modelId: id, index: layer, kind: 'dense', inputShape: [784], tensors: [] },
        }),
        onModelsChanged: () => () => undefined,
      },
      { minIntervalMs: 0 },
    );
    const stop = network.start();
    pending[0].resolve(answer('m1', 0));
    await network.idle();
    drawing.beginStroke([10, 10], 12);
    drawing.extendStroke([30, 60]);
    await new Promise((r) => setTimeout(r, 0));
    expect(asked).toHaveLength(2);
    drawing.extendStroke([60, 60]);
    // The pen lifts while the stroke's first points are asked about: the whole stroke is asked at once.
    drawing.endStroke();
    expect(asked).toHaveLength(3);
    pending[2].resolve(answer('m1', 2));
    await new Promise((r) => setTimeout(r, 0));
    pending[1].resolve(answer('m1', 1));
    await network.idle();
    let state = network.getSnapshot();
    expect(state.activations?.layers[0].values[0]).toBe(2);
    expect(state.answeredVersion).toBe(state.drawingVersion);
    // Undo asks about the blank canvas; redo, before that answer, has the stroke's answer shown already.
    drawing.undo();
    expect(asked).toHaveLength(4);
    drawing.redo();
    await new Promise((r) => setTimeout(r, 0));
    expect(asked).toHaveLength(4);
    state = network.getSnapshot();
    expect(state.answeredVersion).toBe(state.drawingVersion);
    expect(state.activations?.layers[0].values[0]).toBe(2);
    // Undo again: the blank canvas is in flight already, and its answer serves this drawing.
    drawing.undo();
    await new Promise((r) => setTimeout(r, 0));
    expect(asked).toHaveLength(4);
    pending[3].resolve(answer('m1', 0));
    await network.idle();
    state = network.getSnapshot();
    expect(state.activations?.layers[0].values[0]).toBe(0);
    expect(state.answeredVersion).toBe(state.drawingVersion);
    stop();
  });
});
