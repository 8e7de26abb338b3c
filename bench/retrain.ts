/**
 * The retrain bench: the app's engine process trains model after model (retraining with
 * new hyperparameters, fine-tuning), and each run's buffers should find room in the
 * kernels' memory (kernels/wasm/memory.ts) however many runs came before; a buffer that
 * does not falls back to ordinary memory and is copied through scratch on every kernel
 * call. Trains the cnn preset for a few steps run after run in this process and prints
 * each run's samples/s, then the arrays refused and the full collections asked for. The
 * bar: none refused. Returns the number of bars missed.
 */
import { loadMnist } from '../src/digits/data/mnist';
import { sliceDataset } from '../src/engine/data/dataset';
import { kernelArrays } from '../src/engine/kernels/wasm/memory';
import { train } from '../src/engine/training/trainer';
import { preset } from '../src/shared/presets';
import { rate } from './shared';

/** Runs of the cnn preset: each leaves ~25 MiB of dead buffers, so 12 fill the 192-MiB arena more than once. */
const RUNS = 12;
const STEPS = 20;

export async function runRetrainBench(smoke = false): Promise<number> {
  const runs = smoke ? 2 : RUNS;
  const steps = smoke ? 2 : STEPS;
  const data = await loadMnist({ testSize: 500 });
  const small = { train: data.train, test: sliceDataset(data.test, 0, 500) };
  console.log(`Retrain: the cnn preset for ${steps} steps, ${runs} runs one after another in this process, 1 thread`);
  if (!kernelArrays) {
    console.log('  no WebAssembly SIMD here: the reference kernels run, with no kernel memory to measure');
    return 0;
  }
  // The counters are the process's: an earlier part of `npm run bench` may have moved them.
  const before = { refused: kernelArrays.refused, collections: kernelArrays.collections };
  const rates: number[] = [];
  for (let run = 0; run < runs; run++) {
    const h = { ...preset('cnn'), epochs: undefined, iterations: steps, seed: run + 1 };
    rates.push((await train(h, small, { threads: 1, trainEvalSize: 500 })).samplesPerSecond);
  }
  console.log(`  samples/s by run: ${rates.map(rate).join(', ')}`);
  const refused = kernelArrays.refused - before.refused;
  const collections = kernelArrays.collections - before.collections;
  const met = refused === 0;
  console.log(
    `  kernel memory: ${refused} ${refused === 1 ? 'array' : 'arrays'} refused (fell back to ordinary memory), ` +
      `${collections} full ${collections === 1 ? 'collection' : 'collections'} asked for` +
      (smoke ? '' : ` (bar: none refused) ${met ? 'PASS' : 'MISS'}`),
  );
  return smoke || met ? 0 : 1;
}
