/**
 * The conv layer kernels alone, on a training run's own operands, by CPU time:
 * `tsx bench/conv-kernels.ts [small-cnn|cnn] [repeats]`.
 *
 * Trains 50 steps (so the inputs have ReLU's and pooling's zeros and dY max pooling's),
 * keeps each conv layer's input, dY and weights from the last step, then runs each of
 * conv2d, conv2dFilterGradient and conv2dInputGradient `repeats` times on them and
 * prints the CPU milliseconds per call (the median of 5 rounds).
 */
import { loadMnist } from '../src/digits/data/mnist';
import { kernels } from '../src/engine/kernels';
import { Conv2D } from '../src/engine/layers/conv2d';
import type { ConvGeometry } from '../src/engine/kernels/reference/conv';
import { allocate } from '../src/engine/tensor';
import { startRun, trainStep } from '../src/engine/training/trainer';
import type { CnnNetwork } from './cnn-speed-worker';
import { cnnNetworks } from './cnn-speed-worker';

const network = (process.argv[2] ?? 'cnn') as CnnNetwork;
const repeats = Number(process.argv[3] ?? 10);

const cpu = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

const data = await loadMnist({ testSize: 1 });
const run = startRun({ ...cnnNetworks[network](), iterations: 100 }, data.train);
const captured = new Map<number, { x?: Float32Array; dy?: Float32Array; rows: number }>();
const copy = (m: {
  data: ArrayLike<number> & { subarray(a: number, b: number): ArrayLike<number> };
  rows: number;
  cols: number;
}) => Float32Array.from(m.data.subarray(0, m.rows * m.cols));
for (let step = 0; step < 50; step++) {
  const last = step === 49;
  const { inputs } = trainStep(
    run,
    last
      ? {
          onOutput: (i, m) => {
            const next = run.model.layers[i + 1];
            if (next instanceof Conv2D) captured.set(i + 1, { ...captured.get(i + 1), x: copy(m), rows: m.rows });
          },
          onOutputGradient: (i, m) => {
            if (run.model.layers[i] instanceof Conv2D)
              captured.set(i, { ...captured.get(i), dy: copy(m), rows: m.rows });
          },
        }
      : {},
  );
  // The first layer's input is the batch itself (no layer before it to watch).
  if (last) captured.set(0, { ...captured.get(0), x: copy(inputs), rows: inputs.rows });
}

const k = kernels();
const density = (a: Float32Array) => a.reduce((n, v) => n + (v !== 0 ? 1 : 0), 0) / a.length;
const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const [index, { x: xHeap, dy: dyHeap, rows }] of [...captured].sort((a, b) => a[0] - b[0])) {
  const layer = run.model.layers[index] as Conv2D;
  const g = (layer as unknown as { geometry: ConvGeometry }).geometry;
  const F = layer.spec.filters;
  const inKernel = (a: Float32Array) => {
    const b = allocate('float32', a.length, 'kernel') as Float32Array;
    b.set(a);
    return b;
  };
  const x = inKernel(xHeap!);
  const dy = inKernel(dyHeap!);
  const w = layer.weights.value as Float32Array;
  const y = allocate('float32', rows * g.outHeight * g.outWidth * F, 'kernel');
  const dw = allocate('float32', w.length, 'kernel');
  const dx = allocate('float32', x.length, 'kernel');
  const time = (call: () => void) => {
    const rounds: number[] = [];
    for (let r = 0; r < 5; r++) {
      const start = cpu();
      for (let i = 0; i < repeats; i++) call();
      rounds.push((cpu() - start) / repeats);
    }
    return median(rounds).toFixed(3).padStart(7);
  };
  console.log(
    `layer ${index}: ${rows} x ${g.height}x${g.width}x${g.channels} -> ${F} filters ${g.kernel}x${g.kernel}` +
      ` | x ${(100 * density(xHeap!)).toFixed(0)}% non-zero, dY ${(100 * density(dyHeap!)).toFixed(0)}%` +
      ` | ms per call: forward ${time(() => k.conv2d(x, rows, g, F, w, layer.bias.value, y))}` +
      `, filter gradient ${time(() => k.conv2dFilterGradient(x, dy, rows, g, F, dw))}` +
      `, input gradient ${time(() => k.conv2dInputGradient(dy, w, rows, g, F, dx))}`,
  );
}
