/**
 * One implementation of the CNN speed bench, in its own process:
 * `tsx bench/cnn-speed-worker.ts <tegaki|tfjs-wasm> [repetitions] [steps]`.
 *
 * Trains the fixed small CNN (conv 8 5x5 'same' ReLU, max pool 2, conv 16 5x5 'same'
 * ReLU, max pool 2, dense 10; He init, Adam 1e-3, batch 64, float32) for `steps`
 * mini-batches of MNIST, `repetitions` times from fresh weights, timing every step
 * including batch assembly, and sends a `CnnSpeedResult` to the parent (or prints it).
 */
import type { Dataset } from '../src/engine/data/dataset';
import { sliceDataset } from '../src/engine/data/dataset';
import { loadMnist } from '../src/digits/data/mnist';
import { describeKernels } from '../src/engine/kernels';
import { Random } from '../src/engine/random';
import { describeArchitecture, modelSpecFor } from '../src/engine/training/architecture';
import { train } from '../src/engine/training/trainer';
import type { Hyperparameters } from '../src/shared/hyperparameters';

export type CnnImplementation = 'tegaki' | 'tfjs-wasm';

export interface CnnSpeedResult {
  implementation: CnnImplementation;
  detail: string;
  /** Samples per second of each repetition. */
  samplesPerSecond: number[];
  steps: number;
  peakRssBytes: number;
}

const BATCH = 64;
const LEARNING_RATE = 1e-3;

export const smallCnn: Hyperparameters = {
  convBlocks: [
    { filters: 8, kernelSize: 5, padding: 'same', activation: 'relu', batchNorm: false, pool: 2 },
    { filters: 16, kernelSize: 5, padding: 'same', activation: 'relu', batchNorm: false, pool: 2 },
  ],
  hiddenLayers: [],
  init: 'he',
  loss: 'softmax-cross-entropy',
  optimizer: 'adam',
  learningRate: LEARNING_RATE,
  batchSize: BATCH,
  iterations: 1,
  sampling: 'shuffle',
  weightDecay: 0,
  l1: 0,
  dropout: 0,
  seed: 1,
  trainSize: 60_000,
};

export const smallCnnDescription = describeArchitecture(modelSpecFor(smallCnn));

async function benchTegaki(data: { train: Dataset; test: Dataset }, repetitions: number, steps: number) {
  const rates: number[] = [];
  // The trainer evaluates after its last step; a 500-image test set keeps that short (it is not timed anyway).
  const small = { train: data.train, test: sliceDataset(data.test, 0, 500) };
  for (let rep = 0; rep < repetitions; rep++) {
    const result = await train({ ...smallCnn, iterations: steps, seed: rep + 1 }, small, { trainEvalSize: 500 });
    rates.push(result.samplesPerSecond);
  }
  return { detail: `kernels: ${describeKernels()}`, rates };
}

type Tf = typeof import('@tensorflow/tfjs');

/**
 * TF.js's wasm backend has no Conv2DBackpropFilter kernel, so a conv net cannot train
 * on it as shipped. A 2-D convolution is a 3-D one of depth 1, and the backend does
 * have Conv3DBackpropFilterV2 (native code), so we register the 2-D kernel as that
 * one on reshaped views. This is the backend's own fastest path, not a JS fallback.
 */
function registerConv2DBackpropFilter(tf: Tf): void {
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm')) return;
  const conv3d = tf.getKernel('Conv3DBackpropFilterV2', 'wasm');
  if (!conv3d) throw new Error('TF.js wasm has neither Conv2DBackpropFilter nor Conv3DBackpropFilterV2');
  type Info = { dataId: object; dtype: string; shape: number[] };
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as unknown as { x: Info; dy: Info };
      const { strides, pad, filterShape } = attrs as unknown as {
        strides: [number, number];
        pad: unknown;
        filterShape: number[];
      };
      const depth1 = (t: Info): Info => ({ ...t, shape: [t.shape[0], 1, ...t.shape.slice(1)] });
      const out = conv3d.kernelFunc({
        inputs: { x: depth1(x), dy: depth1(dy) } as never,
        backend,
        attrs: { strides: [1, ...strides], pad, filterShape: [1, ...filterShape] } as never,
      }) as Info;
      return { ...out, shape: filterShape } as never;
    },
  });
}

async function benchTfjsWasm(data: { train: Dataset; test: Dataset }, repetitions: number, steps: number) {
  const tf = await import('@tensorflow/tfjs');
  await import('@tensorflow/tfjs-backend-wasm');
  await tf.setBackend('wasm');
  await tf.ready();
  registerConv2DBackpropFilter(tf);
  const size = data.train.rows * data.train.cols;
  const rates: number[] = [];
  for (let rep = 0; rep < repetitions; rep++) {
    const seed = rep + 1;
    const init = (offset: number) => tf.initializers.heNormal({ seed: seed + offset });
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({
          inputShape: [data.train.rows, data.train.cols, 1],
          filters: 8,
          kernelSize: 5,
          padding: 'same',
          activation: 'relu',
          kernelInitializer: init(0),
        }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.conv2d({
          filters: 16,
          kernelSize: 5,
          padding: 'same',
          activation: 'relu',
          kernelInitializer: init(1),
        }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 10, kernelInitializer: init(2) }),
      ],
    });
    const optimizer = tf.train.adam(LEARNING_RATE);
    const order = Uint32Array.from({ length: data.train.count }, (_, i) => i);
    new Random(seed).shuffle(order);
    const xs = new Float32Array(BATCH * size);
    const ys = new Float32Array(BATCH * 10);
    let trainingMs = 0;
    for (let step = 0; step < steps; step++) {
      const batch = order.subarray(step * BATCH, (step + 1) * BATCH);
      const start = performance.now();
      ys.fill(0);
      for (let r = 0; r < BATCH; r++) {
        const src = batch[r] * size;
        for (let j = 0; j < size; j++) xs[r * size + j] = data.train.images[src + j] / 255;
        ys[r * 10 + data.train.labels[batch[r]]] = 1;
      }
      tf.tidy(() => {
        const x = tf.tensor4d(xs, [BATCH, data.train.rows, data.train.cols, 1]);
        const y = tf.tensor2d(ys, [BATCH, 10]);
        const cost = optimizer.minimize(
          () => tf.losses.softmaxCrossEntropy(y, model.apply(x) as import('@tensorflow/tfjs').Tensor2D) as never,
          true,
        );
        cost?.dataSync();
      });
      trainingMs += performance.now() - start;
    }
    rates.push(((steps * BATCH) / trainingMs) * 1000);
    optimizer.dispose();
    model.dispose();
  }
  return { detail: `TF.js ${tf.version.tfjs}, wasm backend`, rates };
}

async function main(): Promise<void> {
  const implementation = process.argv[2] as CnnImplementation;
  const repetitions = Number(process.argv[3] ?? 3);
  const steps = Number(process.argv[4] ?? 200);
  const data = await loadMnist();
  let run: { detail: string; rates: number[] };
  if (implementation === 'tegaki') run = await benchTegaki(data, repetitions, steps);
  else if (implementation === 'tfjs-wasm') run = await benchTfjsWasm(data, repetitions, steps);
  else throw new Error(`unknown implementation ${implementation}`);
  const result: CnnSpeedResult = {
    implementation,
    detail: run.detail,
    samplesPerSecond: run.rates,
    steps,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
  if (process.send) process.send(result);
  else console.log(JSON.stringify(result, null, 2));
}

if (process.argv[1]?.endsWith('cnn-speed-worker.ts')) await main();
