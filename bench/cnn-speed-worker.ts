/**
 * One implementation of the CNN speed bench, in its own process:
 * `tsx bench/cnn-speed-worker.ts <tegaki|tfjs-wasm> [repetitions] [steps] [small-cnn|cnn]`.
 *
 * Trains the fixed small CNN (conv 8 5x5 'same' ReLU, max pool 2, conv 16 5x5 'same'
 * ReLU, max pool 2, dense 10; He init, Adam 1e-3, batch 64, float32) for `steps`
 * mini-batches of MNIST, `repetitions` times from fresh weights, timing every step
 * including batch assembly, and sends a `CnnSpeedResult` to the parent (or prints it).
 * After the timed steps each repetition's loss on the first LOSS_IMAGES training images
 * is measured the same way on both sides, so a wrong gradient cannot hide behind a
 * fast step. Tegaki can also train the `cnn` preset's layers this way (`cnn`, for the
 * torch bench); TF.js only builds the small CNN.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Dataset } from '../src/engine/data/dataset';
import { sliceDataset } from '../src/engine/data/dataset';
import { loadMnist } from '../src/digits/data/mnist';
import { describeKernels } from '../src/engine/kernels';
import { Random } from '../src/engine/random';
import { describeArchitecture, modelSpecFor } from '../src/engine/training/architecture';
import { evaluate } from '../src/engine/training/evaluate';
import { train } from '../src/engine/training/trainer';
import type { Hyperparameters } from '../src/shared/hyperparameters';
import { preset } from '../src/shared/presets';
import { referenceHyperparameters } from './speed-worker';
import { describeWasmBackend } from './shared';

export type CnnImplementation = 'tegaki' | 'tfjs-wasm';

export interface CnnSpeedResult {
  implementation: CnnImplementation;
  detail: string;
  /** Samples per second of each repetition. */
  samplesPerSecond: number[];
  /** Each repetition's mean cross-entropy on the first LOSS_IMAGES training images after its timed steps. */
  losses: number[];
  steps: number;
  peakRssBytes: number;
  /** TF.js only: the kernels one training step runs, by how the wasm backend implements them. */
  kernels?: TfjsKernelUse;
}

export interface TfjsKernelUse {
  /** C++ compiled to WebAssembly (the kernel has a wasm setup function). */
  native: string[];
  /** JavaScript in the wasm backend: data movement, or the cpu backend's loops. */
  javascript: string[];
  /** Registered by this bench because the wasm backend lacks them. */
  standIns: string[];
}

export const LOSS_IMAGES = 1000;

/**
 * The small CNN: the reference MLP's training (bench/speed-worker.ts: Adam 1e-3 in
 * batches of 64) through two conv blocks straight into the classes.
 */
export const smallCnn: Hyperparameters = {
  ...referenceHyperparameters,
  convBlocks: [
    { filters: 8, kernelSize: 5, padding: 'same', activation: 'relu', batchNorm: false, pool: 2 },
    { filters: 16, kernelSize: 5, padding: 'same', activation: 'relu', batchNorm: false, pool: 2 },
  ],
  hiddenLayers: [],
  epochs: undefined,
  iterations: 1,
};
/** What the TF.js peer trains with: the same batch and learning rate. */
const { batchSize: BATCH, learningRate: LEARNING_RATE } = smallCnn;

export const smallCnnDescription = describeArchitecture(modelSpecFor(smallCnn));

/**
 * The `cnn` preset's layers (dropout included), initialisation, optimiser, learning rate
 * and batch, for a fixed number of steps on all 60,000 images: without its augmentation
 * and its per-epoch learning-rate decay, which a speed comparison leaves out.
 */
export function cnnPresetLayers(): Hyperparameters {
  const { augmentation: _, learningRateDecay: __, epochs: ___, validationSize: ____, ...layers } = preset('cnn');
  return { ...layers, iterations: 1, trainSize: 60_000 };
}

export type CnnNetwork = 'small-cnn' | 'cnn';

export const cnnNetworks: Record<CnnNetwork, () => Hyperparameters> = {
  'small-cnn': () => smallCnn,
  cnn: cnnPresetLayers,
};

async function benchTegaki(
  data: { train: Dataset; test: Dataset },
  repetitions: number,
  steps: number,
  network: Hyperparameters,
  threads: number,
) {
  const rates: number[] = [];
  const losses: number[] = [];
  // The trainer evaluates after its last step; a 500-image test set keeps that short (it is not timed anyway).
  const small = { train: data.train, test: sliceDataset(data.test, 0, 500) };
  const lossImages = sliceDataset(data.train, 0, LOSS_IMAGES);
  for (let rep = 0; rep < repetitions; rep++) {
    const result = await train({ ...network, iterations: steps, seed: rep + 1 }, small, {
      trainEvalSize: 500,
      threads,
    });
    rates.push(result.samplesPerSecond);
    losses.push(evaluate(result.model, lossImages).loss);
  }
  return { detail: `kernels: ${describeKernels()}`, rates, losses };
}

type Tf = typeof import('@tensorflow/tfjs');

/**
 * TF.js's wasm backend has no Conv2DBackpropFilter kernel, so a conv net cannot train
 * on it as shipped. A 2-D convolution is a 3-D one of depth 1, and the backend does
 * have Conv3DBackpropFilterV2 (native code), so we register the 2-D kernel as that
 * one on reshaped views. This is the backend's own fastest path, not a JS fallback.
 */
function registerConv2DBackpropFilter(tf: Tf): Map<string, string> {
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm')) return new Map();
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
  return new Map([['Conv2DBackpropFilter', 'Conv2DBackpropFilter (as the native Conv3DBackpropFilterV2 at depth 1)']]);
}

/**
 * Sorts the kernels `names` by how TF.js's wasm backend runs them: a kernel with a
 * setup function binds a C++ function of the backend's WebAssembly module; one without
 * is JavaScript (reshapes and fills, or the cpu backend's loops it borrows).
 */
function kernelUse(tf: Tf, names: string[], standIns: Map<string, string>): TfjsKernelUse {
  const use: TfjsKernelUse = { native: [], javascript: [], standIns: [] };
  for (const name of [...new Set(names)].sort()) {
    const standIn = standIns.get(name);
    if (standIn) {
      use.standIns.push(standIn);
      continue;
    }
    // The profile also names composite ops with their own gradient (fusedMatMul__op): not kernels.
    const kernel = tf.getKernel(name, 'wasm');
    if (kernel) (kernel.setupFunc ? use.native : use.javascript).push(name);
  }
  return use;
}

/** The loss of a TF.js model on the first LOSS_IMAGES training images, as Tegaki's evaluate computes it. */
function tfjsLoss(tf: Tf, model: import('@tensorflow/tfjs').Sequential, train: Dataset): number {
  const size = train.rows * train.cols;
  const xs = new Float32Array(LOSS_IMAGES * size);
  for (let i = 0; i < xs.length; i++) xs[i] = train.images[i] / 255;
  const ys = new Float32Array(LOSS_IMAGES * 10);
  for (let r = 0; r < LOSS_IMAGES; r++) ys[r * 10 + train.labels[r]] = 1;
  return tf.tidy(() => {
    const x = tf.tensor4d(xs, [LOSS_IMAGES, train.rows, train.cols, 1]);
    const logits = model.predict(x) as import('@tensorflow/tfjs').Tensor2D;
    return tf.losses.softmaxCrossEntropy(tf.tensor2d(ys, [LOSS_IMAGES, 10]), logits).dataSync()[0];
  });
}

async function benchTfjsWasm(data: { train: Dataset; test: Dataset }, repetitions: number, steps: number) {
  const tf = await import('@tensorflow/tfjs');
  await import('@tensorflow/tfjs-backend-wasm');
  await tf.setBackend('wasm');
  await tf.ready();
  const standIns = registerConv2DBackpropFilter(tf);
  const size = data.train.rows * data.train.cols;
  const rates: number[] = [];
  const losses: number[] = [];
  let kernels: TfjsKernelUse | undefined;
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
    const trainStep = () =>
      tf.tidy(() => {
        const x = tf.tensor4d(xs, [BATCH, data.train.rows, data.train.cols, 1]);
        const y = tf.tensor2d(ys, [BATCH, 10]);
        const cost = optimizer.minimize(
          () => tf.losses.softmaxCrossEntropy(y, model.apply(x) as import('@tensorflow/tfjs').Tensor2D) as never,
          true,
        );
        cost?.dataSync();
      });
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
      trainStep();
      trainingMs += performance.now() - start;
    }
    rates.push(((steps * BATCH) / trainingMs) * 1000);
    losses.push(tfjsLoss(tf, model, data.train));
    // One more step, untimed and after the loss, lists the kernels a training step runs.
    if (rep === 0) kernels = kernelUse(tf, (await tf.profile(trainStep)).kernelNames, standIns);
    optimizer.dispose();
    model.dispose();
  }
  return { detail: `TF.js ${tf.version.tfjs}, ${await describeWasmBackend(tf)}`, rates, losses, kernels };
}

async function main(): Promise<void> {
  const implementation = process.argv[2] as CnnImplementation;
  const repetitions = Number(process.argv[3] ?? 3);
  const steps = Number(process.argv[4] ?? 200);
  const network = (process.argv[5] ?? 'small-cnn') as CnnNetwork;
  const threads = Number(process.argv[6] ?? 1);
  if (!(network in cnnNetworks)) throw new Error(`unknown network ${network}`);
  const data = await loadMnist();
  let run: { detail: string; rates: number[]; losses: number[]; kernels?: TfjsKernelUse };
  if (implementation === 'tegaki') run = await benchTegaki(data, repetitions, steps, cnnNetworks[network](), threads);
  else if (network !== 'small-cnn') throw new Error('the TF.js side builds only the small CNN');
  else if (implementation === 'tfjs-wasm') run = await benchTfjsWasm(data, repetitions, steps);
  else throw new Error(`unknown implementation ${implementation}`);
  const result: CnnSpeedResult = {
    implementation,
    detail: run.detail,
    samplesPerSecond: run.rates,
    losses: run.losses,
    kernels: run.kernels,
    steps,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
  if (process.send) process.send(result);
  else console.log(JSON.stringify(result, null, 2));
}

// Run as a worker (bench/shared.ts forks this file), not when another file imports it; the
// module's URL is the real path, argv[1] the path as given.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
