import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { createLoss } from '../../../src/engine/losses';
import { Sequential } from '../../../src/engine/model/sequential';
import { matrix } from '../../../src/engine/tensor';
import {
  DataParallel,
  KEPT_WORKER_IDLE_MS,
  claimChunk,
  keptWorkerCount,
  releaseKeptWorkers,
  shardBounds,
} from '../../../src/engine/training/data-parallel';
import { createOptimizer } from '../../../src/engine/optimizers';
import { applyWeightDecay, weightDecayPenalty } from '../../../src/engine/training/regularisation';
import { modelSpecFor } from '../../../src/engine/training/architecture';
import { train } from '../../../src/engine/training/trainer';
import { evaluate, forwardRows } from '../../../src/engine/training/evaluate';
import { Augmenter } from '../../../src/engine/training/augmentation';
import { Random } from '../../../src/engine/random';
import { sliceDataset } from '../../../src/engine/data/dataset';
import { syntheticDigits, syntheticHyperparameters as hyper } from './synthetic';

const data = { train: syntheticDigits(600, 1), test: syntheticDigits(200, 2) };
const weights = (r: { model: Sequential }) => r.model.exportWeights().map((t) => Array.from(t.data));
const smallCnn = {
  convBlocks: [
    { filters: 4, kernelSize: 3, padding: 'same' as const, activation: 'relu' as const, batchNorm: true, pool: 2 },
  ],
  hiddenLayers: [{ units: 16, activation: 'relu' as const }],
  dropout: 0.2,
};

describe('data-parallel training', () => {
  it('splits a batch into contiguous shards, the first never empty', () => {
    expect(shardBounds(64, 2)).toEqual([0, 32, 64]);
    expect(shardBounds(7, 3)).toEqual([0, 3, 5, 7]);
    expect(shardBounds(1, 2)).toEqual([0, 1, 1]);
  });

  it('threads: 1 gives bit for bit the weights of a run without the option', async () => {
    const h = hyper({ dropout: 0.3, epochs: 2 });
    const plain = await train(h, data);
    const one = await train(h, data, { threads: 1 });
    expect(weights(one)).toEqual(weights(plain));
    expect(one.threads).toBe(1);
  });

  // A batch of 3 rows on 5 threads leaves shards 2 and 4 empty: their stale gradients must
  // not count. A batch outside the kernels' memory reaches the workers as a copy.
  it.each([
    { threads: 3, rows: 45, placement: 'kernel' as const },
    { threads: 5, rows: 45, placement: 'kernel' as const },
    { threads: 5, rows: 3, placement: 'kernel' as const },
    { threads: 3, rows: 45, placement: 'heap' as const },
    // 8 workers' regions of 256 MiB: the last lies past 2 GiB, where offsets need 32 unsigned bits.
    { threads: 9, rows: 45, placement: 'kernel' as const },
  ])(
    "sums the shards' gradients to the whole batch's, up to float32 summation order, label smoothing included ($threads threads, $rows rows, batch in $placement memory)",
    async ({ threads, rows, placement }) => {
      const h = hyper({ hiddenLayers: [{ units: 16, activation: 'relu' }] });
      const spec = modelSpecFor(h, 36);
      const whole = new Sequential(spec, { seed: 3 });
      const sharded = Sequential.fromWeights(spec, whole.exportWeights(), { seed: 3 });
      const batch = matrix(rows, 36, 'float32', placement);
      for (let i = 0; i < batch.data.length; i++) batch.data[i] = data.train.images[i] / 255;
      const labels = data.train.labels.slice(0, rows);

      const loss = createLoss(spec.loss, 'float32', 0.1);
      const wholeLoss = loss.forward(whole.forward(batch, true), labels);
      whole.backward(loss.backward());
      const pool = await DataParallel.start(sharded, createLoss(spec.loss, 'float32', 0.1), {
        threads,
        seed: 3,
        maxRows: 64,
        labelSmoothing: 0.1,
      });
      try {
        const shardedLoss = await pool.step(batch, labels);
        expect(shardedLoss).toBeCloseTo(wholeLoss, 5);
        const expected = whole.params();
        sharded.params().forEach((p, i) => {
          const scale = Math.max(...expected[i].grad.map(Math.abs));
          expect(scale).toBeGreaterThan(0);
          p.grad.forEach((g, j) => expect(Math.abs(g - expected[i].grad[j])).toBeLessThan(1e-5 * scale + 1e-7));
        });
      } finally {
        await pool.close();
      }
    },
  );

  // Each worker distorts its own rows from the distortions the calling thread drew: the
  // gradient is the distorted batch's, as if the calling thread had distorted every row.
  it("applies a batch's drawn distortions on each thread: the gradient of the whole distorted batch", async () => {
    // Elastic too, so the fields travel to the workers with the rest.
    const settings = { shift: 1, rotation: 15, scale: 0.15, elastic: 1 };
    const h = hyper({ hiddenLayers: [{ units: 16, activation: 'relu' }] });
    const spec = modelSpecFor(h, 36);
    const whole = new Sequential(spec, { seed: 5 });
    const sharded = Sequential.fromWeights(spec, whole.exportWeights(), { seed: 5 });
    const rows = 30;
    const raw = matrix(rows, 36, 'float32', 'kernel');
    for (let i = 0; i < raw.data.length; i++) raw.data[i] = data.train.images[i] / 255;
    const labels = data.train.labels.slice(0, rows);
    const drawer = new Augmenter(settings, 6, 6, new Random(8));
    const drawn = drawer.drawnFor(rows);
    drawer.drawRows(drawn, rows);

    const distorted = matrix(rows, 36, 'float32', 'kernel');
    distorted.data.set(raw.data);
    const applier = new Augmenter(settings, 6, 6);
    applier.applyDrawnRows(distorted.data, drawn, 0, rows);
    expect(Array.from(distorted.data)).not.toEqual(Array.from(raw.data));
    const loss = createLoss(spec.loss);
    const wholeLoss = loss.forward(whole.forward(distorted, true), labels);
    whole.backward(loss.backward());

    const pool = await DataParallel.start(sharded, createLoss(spec.loss), {
      threads: 3,
      seed: 5,
      maxRows: 64,
      augmentation: { settings, rows: 6, cols: 6 },
    });
    try {
      expect(await pool.step(raw, labels, { drawn })).toBeCloseTo(wholeLoss, 5);
      // Shard 0's rows were distorted in place, on this thread.
      expect(Array.from(raw.data.subarray(0, 10 * 36))).toEqual(Array.from(distorted.data.subarray(0, 10 * 36)));
      const expected = whole.params();
      sharded.params().forEach((p, i) => {
        const scale = Math.max(...expected[i].grad.map(Math.abs));
        p.grad.forEach((g, j) => expect(Math.abs(g - expected[i].grad[j])).toBeLessThan(1e-5 * scale + 1e-7));
      });
    } finally {
      await pool.close();
    }
  });

  it('threads: 2 with distortions gives the same weights twice', async () => {
    const h = hyper({ ...smallCnn, epochs: 1, augmentation: { shift: 1, rotation: 10, scale: 0.1 } });
    const a = await train(h, data, { threads: 2 });
    const b = await train(h, data, { threads: 2 });
    expect(weights(a)).toEqual(weights(b));
  });

  it('threads: 2 gives the same weights twice, dropout and batch norm included', async () => {
    const h = hyper({ ...smallCnn, epochs: 2 });
    const a = await train(h, data, { threads: 2 });
    const b = await train(h, data, { threads: 2 });
    const one = await train(h, data, { threads: 1 });
    expect(weights(a)).toEqual(weights(b));
    expect(weights(a)).not.toEqual(weights(one));
    expect(a.threads).toBe(2);
  });

  // More threads than this machine's cores: what is checked is the fixed order of the sums, not speed.
  it('threads: 4 gives the same weights twice', async () => {
    const h = hyper({ ...smallCnn, epochs: 1 });
    const a = await train(h, data, { threads: 4 });
    const b = await train(h, data, { threads: 4 });
    expect(weights(a)).toEqual(weights(b));
    expect(a.threads).toBe(4);
  });

  // Dropout's masks differ between thread counts, and on 600 tiny images a run with them
  // swings by several points from one stream to another; without them the runs differ
  // only by summation order and batch norm's per-shard statistics.
  it('ends within a small tolerance of one thread, for an MLP and a CNN with batch norm', async () => {
    for (const h of [hyper(), hyper({ ...smallCnn, dropout: 0 })]) {
      const one = await train(h, data, { threads: 1 });
      const two = await train(h, data, { threads: 2 });
      expect(Math.abs(two.test.accuracy - one.test.accuracy)).toBeLessThan(0.03);
      expect(two.test.accuracy).toBeGreaterThan(0.75);
    }
  });

  // Each thread sums and updates the chunks it takes (runChunks): the weights must be what
  // the calling thread's optimiser gives from the summed gradient, whoever took which chunk.
  it("updates the weights as one thread's optimiser does from the summed gradient: bit for bit, weight decay included", async () => {
    const h = hyper({ ...smallCnn, dropout: 0 });
    const spec = modelSpecFor(h, 36);
    const [summed, updated] = [0, 1].map(() => new Sequential(spec, { seed: 6 }));
    const [optimizer, mirrored] = [0, 1].map(() => createOptimizer({ kind: 'adam', learningRate: 0.01 }));
    const [l2, l1] = [1e-3, 1e-4];
    const batch = matrix(40, 36, 'float32', 'kernel');
    const pools = await Promise.all([
      DataParallel.start(summed, createLoss(spec.loss), { threads: 3, seed: 6, maxRows: 64 }),
      DataParallel.start(updated, createLoss(spec.loss), {
        threads: 3,
        seed: 6,
        maxRows: 64,
        update: { optimizer: mirrored, l2, l1 },
      }),
    ]);
    try {
      for (let step = 0; step < 4; step++) {
        for (let i = 0; i < batch.data.length; i++) batch.data[i] = data.train.images[step * 1440 + i] / 255;
        const labels = data.train.labels.slice(step * 40, step * 40 + 40);
        const lossSummed = await pools[0].step(batch, labels);
        const expectedLoss = lossSummed + weightDecayPenalty(summed.params(), l2, l1);
        applyWeightDecay(summed.params(), l2, l1);
        optimizer.step(summed.params());
        let seen = Number.NaN;
        const loss = await pools[1].step(batch, labels, {
          prepare: (batchLoss) => (seen = batchLoss + weightDecayPenalty(updated.params(), l2, l1)),
        });
        expect(seen).toBe(expectedLoss);
        expect(loss).toBe(expectedLoss);
        expect(weights({ model: updated })).toEqual(weights({ model: summed }));
      }
      expect(mirrored.steps).toBe(4);
    } finally {
      await Promise.all(pools.map((pool) => pool.close()));
    }
  });

  it('moves no weight when the step is stopped before its update (a loss that is not a number), and steps on after', async () => {
    const spec = modelSpecFor(hyper(), 36);
    const model = new Sequential(spec, { seed: 2 });
    const optimizer = createOptimizer({ kind: 'adam', learningRate: 0.01 });
    const pool = await DataParallel.start(model, createLoss(spec.loss), {
      threads: 2,
      seed: 2,
      maxRows: 16,
      update: { optimizer, l2: 0, l1: 0 },
    });
    try {
      const batch = matrix(16, 36, 'float32', 'kernel');
      for (let i = 0; i < batch.data.length; i++) batch.data[i] = data.train.images[i] / 255;
      const labels = data.train.labels.slice(0, 16);
      const before = weights({ model });
      const stop = () => {
        throw new Error('diverged');
      };
      await expect(pool.step(batch, labels, { prepare: stop })).rejects.toThrow('diverged');
      expect(weights({ model })).toEqual(before);
      expect(optimizer.steps).toBe(0);
      await pool.step(batch, labels, { prepare: (loss) => loss });
      expect(weights({ model })).not.toEqual(before);
      expect(optimizer.steps).toBe(1);
    } finally {
      await pool.close();
    }
  });

  it('runs two pools at once in separate regions of the memory: each gives the weights it gives alone', async () => {
    const h = hyper({ ...smallCnn, epochs: 1 });
    const other = hyper({ epochs: 1, seed: 9 });
    const alone = [await train(h, data, { threads: 2 }), await train(other, data, { threads: 3 })];
    const together = await Promise.all([train(h, data, { threads: 2 }), train(other, data, { threads: 3 })]);
    expect(weights(together[0])).toEqual(weights(alone[0]));
    expect(weights(together[1])).toEqual(weights(alone[1]));
  });

  it('hands each chunk to one thread: the calling thread takes them from the first, the workers from the last', () => {
    const control = new Int32Array(new SharedArrayBuffer(4 * 16));
    const taken: number[] = [];
    const ends = [false, true, true, false, true];
    for (let i = 0; ; i++) {
      const c = claimChunk(control, 7, ends[i % ends.length]);
      if (c < 0) break;
      taken.push(c);
    }
    expect(taken).toEqual([0, 6, 5, 1, 4, 2, 3]);
    expect(claimChunk(control, 7, false)).toBe(-1);
    expect(claimChunk(control, 7, true)).toBe(-1);
  });

  it('computes inference logits on the same threads, bit for bit as one thread does, after training steps', async () => {
    const spec = modelSpecFor(hyper(smallCnn), 36);
    const model = new Sequential(spec, { seed: 4 });
    const pool = await DataParallel.start(model, createLoss(spec.loss), { threads: 3, seed: 4, maxRows: 16 });
    try {
      const batch = matrix(16, 36, 'float32', 'kernel');
      for (let i = 0; i < batch.data.length; i++) batch.data[i] = data.train.images[i] / 255;
      // A step changes the workers' batch norm state; the logits must use the model's own.
      await pool.step(batch, data.train.labels.slice(0, 16));
      for (const s of model.state()) for (let i = 0; i < s.value.length; i++) s.value[i] = 0.5 + (i % 3) / 4;
      const images = sliceDataset(data.test, 0, 45); // two full batches of 16 and one of 13
      const logits = await pool.logitsOf(images);
      expect(Array.from(logits)).toEqual(Array.from(forwardRows(model, images).outputs));
    } finally {
      await pool.close();
    }
  });

  it('evaluates between epochs on its threads: the final figures are those of evaluate() on the final model', async () => {
    const h = hyper({ ...smallCnn, epochs: 2, validationSize: 100, trainSize: 500 });
    const result = await train(h, data, { threads: 2 });
    const onTest = evaluate(result.model, data.test);
    expect(result.test.accuracy).toBe(onTest.accuracy);
    expect(result.test.loss).toBe(onTest.loss);
    expect(result.history.at(-1)!.testAccuracy).toBe(onTest.accuracy);
    expect(result.validation!.accuracy).toBe(evaluate(result.model, sliceDataset(data.train, 500, 600)).accuracy);
  });

  it('fails the run with the error of a worker that dies, instead of hanging', async () => {
    const crashing = fileURLToPath(new URL('./fixtures/crashing-gradient-worker.ts', import.meta.url));
    const previous = process.env.TEGAKI_GRADIENT_WORKER;
    process.env.TEGAKI_GRADIENT_WORKER = crashing;
    try {
      await expect(train(hyper(), data, { threads: 2 })).rejects.toThrow(/training thread 1 failed: out of cheese/);
    } finally {
      if (previous === undefined) delete process.env.TEGAKI_GRADIENT_WORKER;
      else process.env.TEGAKI_GRADIENT_WORKER = previous;
    }
  });

  // On 4 threads shard 3's sum goes to shard 2, a worker, which must not wait for it forever.
  it.each([
    { threads: 2, stopped: 1 },
    { threads: 4, stopped: 3 },
  ])(
    'fails a step when a worker is stopped from outside ($threads threads, shard $stopped)',
    async ({ threads, stopped }) => {
      const spec = modelSpecFor(hyper(), 36);
      const model = new Sequential(spec, { seed: 1 });
      const pool = await DataParallel.start(model, createLoss(spec.loss), { threads, seed: 1, maxRows: 8 });
      try {
        await pool.workerThreads[stopped - 1].terminate();
        const batch = matrix(8, 36, 'float32', 'kernel');
        await expect(pool.step(batch, new Uint8Array(8))).rejects.toThrow(
          new RegExp(`training thread ${stopped} stopped unexpectedly`),
        );
      } finally {
        await pool.close();
      }
    },
  );
});

describe('workers kept between pools', () => {
  const spec = modelSpecFor(hyper(), 36);
  const startPool = (threads: number) =>
    DataParallel.start(new Sequential(spec, { seed: 1 }), createLoss(spec.loss), { threads, seed: 1, maxRows: 8 });
  const threadIds = (pool: DataParallel) => pool.workerThreads.map((w) => w.threadId).sort((a, b) => a - b);

  it("keeps a cleanly closed pool's workers for the next pool, which gives the weights fresh workers give", async () => {
    await releaseKeptWorkers();
    const h = hyper({ ...smallCnn, epochs: 1 });
    const fresh = await train(h, data, { threads: 3 });
    expect(keptWorkerCount()).toBe(2);
    // Another network in between, on the same workers: nothing of its replica may stay behind.
    await train(hyper({ epochs: 1, seed: 4 }), data, { threads: 3 });
    const kept = await train(h, data, { threads: 3 });
    expect(weights(kept)).toEqual(weights(fresh));

    const first = await startPool(3);
    const ids = threadIds(first);
    await first.close();
    const second = await startPool(3);
    try {
      expect(threadIds(second)).toEqual(ids);
      expect(keptWorkerCount()).toBe(0);
    } finally {
      await second.close();
    }
  });

  it('stops all the workers of a pool one of whose workers failed, and keeps none', async () => {
    await releaseKeptWorkers();
    const pool = await startPool(3);
    const [stopped, other] = pool.workerThreads;
    const otherExits = new Promise((resolve) => other.once('exit', resolve));
    await stopped.terminate();
    await expect(pool.step(matrix(8, 36, 'float32', 'kernel'), new Uint8Array(8))).rejects.toThrow(
      /stopped unexpectedly/,
    );
    await pool.close();
    await otherExits;
    expect(keptWorkerCount()).toBe(0);
  });

  it('lets a kept worker that fails go, without an uncaught error, and starts a fresh one for the next pool', async () => {
    await releaseKeptWorkers();
    const pool = await startPool(2);
    const [worker] = pool.workerThreads;
    const id = worker.threadId;
    await pool.close();
    expect(keptWorkerCount()).toBe(1);
    const exits = new Promise((resolve) => worker.once('exit', resolve));
    worker.postMessage({ spec: 'not a model' }); // its next pool's setup, malformed: it throws
    await exits;
    expect(keptWorkerCount()).toBe(0);
    const next = await startPool(2);
    try {
      expect(next.workerThreads[0].threadId).not.toBe(id);
    } finally {
      await next.close();
    }
  });

  it('stops a kept worker once it has waited KEPT_WORKER_IDLE_MS for another pool', async () => {
    await releaseKeptWorkers();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const pool = await startPool(2);
      const [worker] = pool.workerThreads;
      const exits = new Promise((resolve) => worker.once('exit', resolve));
      await pool.close();
      vi.advanceTimersByTime(KEPT_WORKER_IDLE_MS - 1);
      expect(keptWorkerCount()).toBe(1);
      vi.advanceTimersByTime(1);
      await exits;
      expect(keptWorkerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
