import { afterAll, describe, expect, it } from 'vitest';
import { Sequential } from '../../../src/engine/model/sequential';
import { modelSpecFor } from '../../../src/engine/training/architecture';
import { evaluate, forwardRows } from '../../../src/engine/training/evaluate';
import { ForwardPool, evaluateOnThreads } from '../../../src/engine/training/parallel-forward';
import { syntheticDigits, syntheticHyperparameters as hyper } from './synthetic';

const data = syntheticDigits(203, 4);
const cnn = modelSpecFor(
  hyper({
    convBlocks: [{ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', batchNorm: true, pool: 2 }],
    hiddenLayers: [{ units: 16, activation: 'relu' }],
    dropout: 0.2,
  }),
  36,
);
const mlp = modelSpecFor(hyper({ hiddenLayers: [{ units: 12, activation: 'tanh' }] }), 36);
const pools: ForwardPool[] = [];
const poolOf = (threads: number): ForwardPool => {
  const pool = new ForwardPool(threads);
  pools.push(pool);
  return pool;
};
afterAll(() => Promise.all(pools.map((pool) => pool.close())));

/** A model whose batch norm has running statistics other than the initial 0 and 1. */
function trainedLooking(spec: typeof cnn, seed: number): Sequential {
  const model = new Sequential(spec, { seed });
  for (const s of model.state()) for (let i = 0; i < s.value.length; i++) s.value[i] = 0.5 + ((i * 7) % 5) / 10;
  return model;
}

describe('forward passes on several threads', () => {
  it('gives one thread’s outputs bit for bit, for a CNN with batch norm and an MLP, on 2 and 3 threads', async () => {
    for (const spec of [cnn, mlp]) {
      const model = trainedLooking(spec, 5);
      const one = forwardRows(model, data);
      expect(one.width).toBe(10);
      expect(one.outputs.length).toBe(203 * 10);
      for (const threads of [2, 3]) {
        const many = await poolOf(threads).forward(model, data);
        expect(many.width).toBe(one.width);
        expect(Array.from(many.outputs)).toEqual(Array.from(one.outputs));
      }
    }
  });

  it('stops after the first `layers` layers (a fine-tune’s frozen features)', async () => {
    const model = trainedLooking(cnn, 6);
    const flatten = cnn.layers.findIndex((layer) => layer.type === 'flatten') + 1;
    const one = forwardRows(model, data, { layers: flatten });
    const many = await poolOf(2).forward(model, data, { layers: flatten });
    expect(many.width).toBe(one.width);
    expect(many.width).toBeGreaterThan(10);
    expect(Array.from(many.outputs)).toEqual(Array.from(one.outputs));
  });

  it('evaluates as evaluate() does, every figure bit for bit', async () => {
    const model = trainedLooking(cnn, 11);
    model.temperature = 1.3;
    const options = { keepLogits: true, keepProbabilities: true };
    expect(await evaluateOnThreads(poolOf(2), model, data, options)).toEqual(evaluate(model, data, options));
  });

  it('takes each call’s weights: a second model of the same shape is not answered with the first’s', async () => {
    const pool = poolOf(2);
    const a = trainedLooking(cnn, 7);
    const b = trainedLooking(cnn, 8);
    await pool.forward(a, data);
    const fromB = await pool.forward(b, data);
    expect(Array.from(fromB.outputs)).toEqual(Array.from(forwardRows(b, data).outputs));
    expect(Array.from(fromB.outputs)).not.toEqual(Array.from(forwardRows(a, data).outputs));
  });

  it('handles fewer images than threads, and none', async () => {
    const model = trainedLooking(mlp, 9);
    const pool = poolOf(3);
    const two = { ...data, images: data.images.subarray(0, 2 * 36), labels: data.labels.subarray(0, 2), count: 2 };
    expect(Array.from((await pool.forward(model, two)).outputs)).toEqual(Array.from(forwardRows(model, two).outputs));
    const none = { ...data, images: new Uint8Array(0), labels: new Uint8Array(0), count: 0 };
    expect((await pool.forward(model, none)).outputs.length).toBe(0);
  });

  it('rejects a call whose worker dies, with its error, and answers the next call with fresh workers', async () => {
    const crashing = new URL('./fixtures/crashing-forward-worker.ts', import.meta.url);
    const pool = new ForwardPool(2, crashing);
    pools.push(pool);
    const model = trainedLooking(mlp, 10);
    const expected = Array.from(forwardRows(model, data).outputs);
    expect(Array.from((await pool.forward(model, data)).outputs)).toEqual(expected);
    await expect(pool.forward(model, data)).rejects.toThrow(/inference thread 1 stopped unexpectedly \(exit code 3\)/);
    expect(Array.from((await pool.forward(model, data)).outputs)).toEqual(expected);
  });
});
