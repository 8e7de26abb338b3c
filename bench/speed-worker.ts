/**
 * One implementation of the speed bench, in its own process so that its peak RSS is
 * its own: `tsx bench/speed-worker.ts <tegaki|tfjs-wasm|tfjs-cpu> [repetitions] [fraction] [testSize]`.
 *
 * Trains the reference model (784-128-10, ReLU, He init, Adam 1e-3, batch 64, float32)
 * on `fraction` of one epoch of MNIST, `repetitions` times from fresh weights, tests it
 * on the first `testSize` test images, and sends a `SpeedResult` to the parent (or
 * prints it as JSON when run by hand).
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadMnist } from '../src/digits/data/mnist';
import type { Dataset } from '../src/engine/data/dataset';
import { describeKernels, kernels } from '../src/engine/kernels';
import { Random } from '../src/engine/random';
import { describeWasmBackend, median } from './shared';
import { allocate } from '../src/engine/tensor';
import { BatchAssembler } from '../src/engine/training/batches';
import { evaluate } from '../src/engine/training/evaluate';
import { train } from '../src/engine/training/trainer';
import type { Hyperparameters } from '../src/shared/hyperparameters';

export type Implementation = 'tegaki' | 'tfjs-wasm' | 'tfjs-cpu';

export interface Repetition {
  samplesPerSecond: number;
  /** Test accuracy after this repetition's training, in 0..1. */
  testAccuracy: number;
  samples: number;
}

export interface SpeedResult {
  implementation: Implementation;
  detail: string;
  repetitions: Repetition[];
  peakRssBytes: number;
  /** Tegaki only. */
  inference?: { medianMs: number; p99Ms: number; calls: number };
  evaluateTestSetMs?: number;
  gflops?: {
    dense: number;
    mnistBatch: number;
    /** The fraction of the MNIST batch's pixels that are zero, which the kernel skips. */
    mnistBatchZeros: number;
  };
}

const HIDDEN = 128;
const BATCH = 64;
const LEARNING_RATE = 1e-3;

export const referenceHyperparameters: Hyperparameters = {
  hiddenLayers: [{ units: HIDDEN, activation: 'relu' }],
  init: 'he',
  loss: 'softmax-cross-entropy',
  optimizer: 'adam',
  learningRate: LEARNING_RATE,
  batchSize: BATCH,
  epochs: 1,
  sampling: 'shuffle',
  weightDecay: 0,
  l1: 0,
  dropout: 0,
  seed: 1,
  trainSize: 60_000,
};

async function benchTegaki(
  data: { train: Dataset; test: Dataset },
  repetitions: number,
  fraction: number,
  threads: number,
): Promise<SpeedResult> {
  const runs: Repetition[] = [];
  let model;
  for (let rep = 0; rep < repetitions; rep++) {
    const h: Hyperparameters = { ...referenceHyperparameters, seed: rep + 1 };
    if (fraction < 1) {
      delete h.epochs;
      h.iterations = Math.ceil((fraction * data.train.count) / BATCH);
    }
    const result = await train(h, data, { threads });
    runs.push({
      samplesPerSecond: result.samplesPerSecond,
      testAccuracy: result.test.accuracy,
      samples: Math.round(result.samplesPerSecond * result.trainingSeconds),
    });
    model = result.model;
  }
  if (!model) throw new Error('no repetitions');

  // Single-image inference, as the app's predict request runs it.
  const size = data.test.rows * data.test.cols;
  const pixels = new Float32Array(size);
  const latencies: number[] = [];
  const calls = 10_000;
  for (let i = 0; i < calls + 200; i++) {
    const image = i % data.test.count;
    for (let j = 0; j < size; j++) pixels[j] = data.test.images[image * size + j] / 255;
    const start = performance.now();
    model.predictOne(pixels);
    const ms = performance.now() - start;
    if (i >= 200) latencies.push(ms); // the first calls warm the JIT up
  }
  latencies.sort((a, b) => a - b);

  const evaluations: number[] = [];
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    evaluate(model, data.test);
    evaluations.push(performance.now() - start);
  }

  const dense = matmulGflops();
  const mnistBatch = matmulGflops(data.train);
  return {
    implementation: 'tegaki',
    detail: `kernels: ${describeKernels()}`,
    repetitions: runs,
    peakRssBytes: 0,
    inference: { medianMs: median(latencies), p99Ms: latencies[Math.floor(0.99 * latencies.length)], calls },
    evaluateTestSetMs: median(evaluations),
    gflops: { dense: dense.gflops, mnistBatch: mnistBatch.gflops, mnistBatchZeros: mnistBatch.zeros },
  };
}

/**
 * GFLOPS of the forward matrix multiply (64x784)·(784x128), counting 2·m·k·n flops:
 * on dense random inputs, and on real MNIST batches (mostly zeros, which the kernel
 * skips, so this "effective" figure counts flops it did not have to do), with the
 * fraction of A's entries that are zero.
 */
function matmulGflops(images?: Dataset): { gflops: number; zeros: number } {
  const m = BATCH;
  const k = 784;
  const n = HIDDEN;
  const random = new Random(7);
  const a = allocate('float32', m * k, 'kernel');
  const b = allocate('float32', k * n, 'kernel');
  const c = allocate('float32', m * n, 'kernel');
  for (let i = 0; i < b.length; i++) b[i] = random.gaussian() * 0.05;
  if (images) a.set(new BatchAssembler(images).assemble(Array.from({ length: m }, (_, i) => i)).inputs.data);
  else for (let i = 0; i < a.length; i++) a[i] = random.uniform(-1, 1);
  const k0 = kernels();
  for (let i = 0; i < 50; i++) k0.matmul(a, b, c, m, k, n);
  let iterations = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < 1000) {
    for (let i = 0; i < 50; i++) k0.matmul(a, b, c, m, k, n);
    iterations += 50;
    elapsed = performance.now() - start;
  }
  let zeros = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === 0) zeros++;
  return { gflops: (2 * m * k * n * iterations) / (elapsed / 1000) / 1e9, zeros: zeros / a.length };
}

async function benchTfjs(
  backend: 'wasm' | 'cpu',
  data: { train: Dataset; test: Dataset },
  repetitions: number,
  fraction: number,
): Promise<SpeedResult> {
  const tf = await import('@tensorflow/tfjs');
  if (backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  await tf.setBackend(backend);
  await tf.ready();
  const size = data.train.rows * data.train.cols;

  const runs: Repetition[] = [];
  for (let rep = 0; rep < repetitions; rep++) {
    const seed = rep + 1;
    const model = tf.sequential({
      layers: [
        tf.layers.dense({
          inputShape: [size],
          units: HIDDEN,
          activation: 'relu',
          kernelInitializer: tf.initializers.heNormal({ seed }),
        }),
        tf.layers.dense({ units: 10, kernelInitializer: tf.initializers.heNormal({ seed: seed + 100 }) }),
      ],
    });
    const optimizer = tf.train.adam(LEARNING_RATE);
    const order = Uint32Array.from({ length: data.train.count }, (_, i) => i);
    new Random(seed).shuffle(order);
    const steps = Math.ceil((fraction * data.train.count) / BATCH);
    const xs = new Float32Array(BATCH * size);
    const ys = new Float32Array(BATCH * 10);
    let samples = 0;
    let trainingMs = 0;
    for (let step = 0; step < steps; step++) {
      const batch = order.subarray(step * BATCH, Math.min((step + 1) * BATCH, order.length));
      const start = performance.now();
      // Batch assembly is timed, as Tegaki's trainer times its own.
      ys.fill(0);
      for (let r = 0; r < batch.length; r++) {
        const src = batch[r] * size;
        for (let j = 0; j < size; j++) xs[r * size + j] = data.train.images[src + j] / 255;
        ys[r * 10 + data.train.labels[batch[r]]] = 1;
      }
      tf.tidy(() => {
        const x = tf.tensor2d(xs.subarray(0, batch.length * size), [batch.length, size]);
        const y = tf.tensor2d(ys.subarray(0, batch.length * 10), [batch.length, 10]);
        const cost = optimizer.minimize(
          () =>
            tf.losses.softmaxCrossEntropy(
              y,
              model.apply(x) as import('@tensorflow/tfjs').Tensor2D,
            ) as import('@tensorflow/tfjs').Scalar,
          true,
        );
        cost?.dataSync();
      });
      trainingMs += performance.now() - start;
      samples += batch.length;
    }
    runs.push({
      samplesPerSecond: (samples / trainingMs) * 1000,
      testAccuracy: tfjsAccuracy(tf, model, data.test),
      samples,
    });
    optimizer.dispose();
    model.dispose();
  }
  return {
    implementation: backend === 'wasm' ? 'tfjs-wasm' : 'tfjs-cpu',
    detail: `TF.js ${tf.version.tfjs}, ${backend === 'wasm' ? await describeWasmBackend(tf) : 'cpu backend (plain JavaScript loops)'}`,
    repetitions: runs,
    peakRssBytes: 0,
  };
}

function tfjsAccuracy(
  tf: typeof import('@tensorflow/tfjs'),
  model: import('@tensorflow/tfjs').Sequential,
  test: Dataset,
): number {
  const size = test.rows * test.cols;
  let correct = 0;
  const chunk = 1000;
  for (let start = 0; start < test.count; start += chunk) {
    const end = Math.min(start + chunk, test.count);
    const xs = new Float32Array((end - start) * size);
    for (let i = 0; i < xs.length; i++) xs[i] = test.images[start * size + i] / 255;
    const predicted = tf.tidy(() =>
      (model.predict(tf.tensor2d(xs, [end - start, size])) as import('@tensorflow/tfjs').Tensor2D).argMax(1).dataSync(),
    );
    for (let r = 0; r < end - start; r++) if (predicted[r] === test.labels[start + r]) correct++;
  }
  return correct / test.count;
}

async function main(): Promise<void> {
  const implementation = process.argv[2] as Implementation;
  const repetitions = Number(process.argv[3] ?? 3);
  const fraction = Number(process.argv[4] ?? 1);
  const testSize = Number(process.argv[5] ?? 10_000);
  const threads = Number(process.argv[6] ?? 1);
  const data = await loadMnist({ testSize });
  let result: SpeedResult;
  if (implementation === 'tegaki') result = await benchTegaki(data, repetitions, fraction, threads);
  else if (implementation === 'tfjs-wasm') result = await benchTfjs('wasm', data, repetitions, fraction);
  else if (implementation === 'tfjs-cpu') result = await benchTfjs('cpu', data, repetitions, fraction);
  else throw new Error(`unknown implementation ${implementation}`);
  result.peakRssBytes = process.resourceUsage().maxRSS * 1024;
  if (process.send) process.send(result);
  else console.log(JSON.stringify(result, null, 2));
}

// Run as a worker (bench/shared.ts forks this file), not when another file imports it; the
// module's URL is the real path, argv[1] the path as given.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
