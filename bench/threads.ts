/**
 * The threads bench (issue 16): the reference MLP of bench/speed-worker.ts and the small
 * CNN of bench/cnn-speed-worker.ts trained for a fixed number of steps on 1 thread and on
 * every core (data-parallel.ts), in this process, the thread counts alternating so that a
 * load that comes and goes on the machine falls on both. Prints the median samples/s (wall
 * clock over the timed steps, the trainer's own figure), the process's CPU time per
 * sample (all threads, training and its final evaluation) and the speed-up against the
 * bars; returns the number of bars missed.
 */
import { availableParallelism } from 'node:os';
import { loadMnist } from '../src/digits/data/mnist';
import { sliceDataset } from '../src/engine/data/dataset';
import { describeArchitecture, modelSpecFor } from '../src/engine/training/architecture';
import { train } from '../src/engine/training/trainer';
import type { Hyperparameters } from '../src/shared/hyperparameters';
import { smallCnn } from './cnn-speed-worker';
import { median, rate } from './shared';
import { referenceHyperparameters } from './speed-worker';

interface Network {
  name: string;
  h: Hyperparameters;
  steps: number;
  /** The least all-core speed-up over 1 thread the issue accepts on 2 cores. */
  bar: number;
}

const networks: Network[] = [
  // Three epochs of the reference MLP: its step is half a millisecond, and 600 steps (0.3 s)
  // timed mostly the worker threads' JIT warm-up; a run is epochs long.
  { name: 'MLP', h: referenceHyperparameters, steps: 2811, bar: 1.5 },
  { name: 'small CNN', h: smallCnn, steps: 120, bar: 1.7 },
];
const REPETITIONS = 5;
/**
 * Untimed runs on each thread count before the timed ones. The first runs on several
 * threads start the workers and compile their code (two runs of the MLP: 175k samples/s,
 * then 215k), as the first on one thread compiles the calling thread's; later runs reuse
 * both (data-parallel.ts keeps a closed pool's workers), so the timed runs are warm on
 * either side, as an engine process's runs are once it has trained twice.
 */
const WARM_UP_RUNS = 2;

export async function runThreadsBench(smoke = false): Promise<number> {
  const cores = availableParallelism();
  const counts = [...new Set([1, Math.max(2, cores)])];
  const repetitions = smoke ? 1 : REPETITIONS;
  const data = await loadMnist({ testSize: 500 });
  const small = { train: data.train, test: sliceDataset(data.test, 0, 500) };
  console.log(
    `Threads: data-parallel training on ${counts.join(' and ')} threads (${cores} cores), batch 64, Adam;` +
      ` ${repetitions} ${repetitions === 1 ? 'repetition' : 'repetitions'} per count, alternating, after` +
      ` ${smoke ? 'no' : WARM_UP_RUNS} untimed warm-up runs per count; medians`,
  );
  if (smoke) console.log('smoke run: bars not checked');
  let failures = 0;
  for (const network of networks) {
    const steps = smoke ? 4 : network.steps;
    const rates = new Map<number, number[]>(counts.map((n) => [n, []]));
    const cpu = new Map<number, number[]>(counts.map((n) => [n, []]));
    for (let rep = -(smoke ? 0 : WARM_UP_RUNS); rep < repetitions; rep++) {
      for (const threads of counts) {
        const h = { ...network.h, epochs: undefined, iterations: steps, seed: Math.abs(rep) + 1 };
        const before = process.cpuUsage();
        const result = await train(h, small, { threads, trainEvalSize: 500 });
        const used = process.cpuUsage(before);
        if (rep < 0) continue;
        rates.get(threads)!.push(result.samplesPerSecond);
        cpu.get(threads)!.push((used.user + used.system) / (steps * h.batchSize));
      }
    }
    console.log(`${network.name} (${describeArchitecture(modelSpecFor(network.h))}), ${steps} steps:`);
    for (const threads of counts) {
      console.log(
        `  ${threads} ${threads === 1 ? 'thread ' : 'threads'} ${rate(median(rates.get(threads)!)).padStart(8)} samples/s` +
          ` (runs: ${rates.get(threads)!.map(rate).join(', ')})` +
          ` | CPU ${median(cpu.get(threads)!).toFixed(1)} µs per sample, all threads`,
      );
    }
    const speedUp = median(rates.get(counts.at(-1)!)!) / median(rates.get(1)!);
    const met = counts.length > 1 && speedUp >= network.bar;
    if (!smoke && counts.length > 1 && !met) failures++;
    console.log(
      `  speed-up ${speedUp.toFixed(2)}x on ${counts.at(-1)} threads` +
        (smoke ? '' : ` (bar: ${network.bar}x on 2 cores) ${met ? 'PASS' : 'MISS'}`),
    );
  }
  return failures;
}
