/**
 * Where a CNN training step spends its time, by CPU time (process.cpuUsage, so other
 * load on a shared machine counts less than with a wall clock):
 * `tsx bench/conv-profile.ts [small-cnn|cnn|mlp|PRESET] [steps] [warmup]` (mlp: the speed
 * bench's reference 784-128-10 MLP; a preset's name: that preset as it trains, its
 * augmentation included, without the synthesised drawings).
 *
 * Trains `warmup` steps (so ReLU and pooling have the sparsity of a training run),
 * then `steps` more, timing each layer's forward and backward, the loss and the
 * optimiser, and each kernel call (the kernel table's entries wrapped). Prints
 * milliseconds per step and the share of the step. One thread.
 */
import { loadMnist } from '../src/digits/data/mnist';
import { kernels } from '../src/engine/kernels';
import type { Kernels } from '../src/engine/kernels';
import { describeArchitecture } from '../src/engine/training/architecture';
import { startRun } from '../src/engine/training/trainer';
import type { CnnNetwork } from './cnn-speed-worker';
import { cnnNetworks } from './cnn-speed-worker';
import { referenceHyperparameters } from './speed-worker';
import { isPresetName, preset } from '../src/shared/presets';
import type { PresetName } from '../src/shared/presets';

const network = (process.argv[2] ?? 'small-cnn') as CnnNetwork | 'mlp' | PresetName;
const steps = Number(process.argv[3] ?? 60);
const warmup = Number(process.argv[4] ?? 30);

const cpu = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

const kernelMs = new Map<string, number>();
const table = kernels() as unknown as Record<string, (...args: unknown[]) => unknown>;
let counting = false;
for (const name of Object.keys(table)) {
  const original = table[name];
  table[name] = (...args: unknown[]) => {
    if (!counting) return original(...args);
    const start = cpu();
    const result = original(...args);
    // Conv and pooling kernels are told apart by their input's channels.
    const g = args.find((a): a is { channels: number } => typeof a === 'object' && a !== null && 'channels' in a);
    const key = g ? `${name} C=${g.channels}` : name;
    kernelMs.set(key, (kernelMs.get(key) ?? 0) + cpu() - start);
    return result;
  };
}
void (table as unknown as Kernels);

const data = await loadMnist({ testSize: 1 });
const h = {
  ...(network === 'mlp'
    ? { ...referenceHyperparameters, epochs: undefined }
    : isPresetName(network)
      ? { ...preset(network), epochs: undefined }
      : cnnNetworks[network]()),
  iterations: warmup + steps,
};
const run = startRun(h, data.train);
const { model, loss, optimizer, params } = run;
console.log(`${network}: ${describeArchitecture(run.spec)}, batch ${h.batchSize}, ${steps} steps after ${warmup}`);

const layerMs = new Map<string, number>();
const add = (key: string, ms: number) => layerMs.set(key, (layerMs.get(key) ?? 0) + ms);
let total = 0;
for (let step = 0; step < warmup + steps; step++) {
  const timed = step >= warmup;
  counting = timed;
  const stepStart = cpu();
  let t = cpu();
  const { inputs, labels } = run.batches.next();
  if (timed) add('batch', cpu() - t);
  let x = inputs;
  model.layers.forEach((layer, i) => {
    t = cpu();
    x = layer.forward(x, true);
    if (timed) add(`${i} ${layer.constructor.name} forward`, cpu() - t);
  });
  t = cpu();
  loss.forward(x, labels);
  let g = loss.backward();
  if (timed) add('loss', cpu() - t);
  for (let i = model.layers.length - 1; i >= 0; i--) {
    t = cpu();
    g = model.layers[i].backward(g, i > 0);
    if (timed) add(`${i} ${model.layers[i].constructor.name} backward`, cpu() - t);
  }
  t = cpu();
  optimizer.step(params);
  if (timed) add('optimizer', cpu() - t);
  if (timed) total += cpu() - stepStart;
}
counting = false;

const show = (title: string, entries: Map<string, number>) => {
  console.log(title);
  for (const [key, ms] of entries)
    console.log(
      `  ${key.padEnd(34)} ${(ms / steps).toFixed(3).padStart(8)} ms/step ${((100 * ms) / total).toFixed(1).padStart(5)}%`,
    );
};
show('layers', layerMs);
show('kernels', new Map([...kernelMs].sort((a, b) => b[1] - a[1])));
// Subnormal floats in the optimiser's state: each one costs a slow microcode path on x86.
const state = (optimizer as unknown as { state: Map<unknown, Float32Array[]> }).state;
let subnormal = 0;
let stateFloats = 0;
for (const buffers of state.values())
  for (const b of buffers) {
    stateFloats += b.length;
    for (const x of b) if (x !== 0 && Math.abs(x) < 2 ** -126) subnormal++;
  }
console.log(`optimizer state: ${subnormal} of ${stateFloats} floats subnormal`);
console.log(
  `step ${(total / steps).toFixed(3)} ms CPU, ${((1000 * total) / (h.batchSize * steps)).toFixed(2)} µs per sample, ${((h.batchSize * steps * 1000) / total).toFixed(0)} samples per CPU second`,
);
