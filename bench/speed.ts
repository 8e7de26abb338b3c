/**
 * The speed bench (issue 3): the reference model trained by Tegaki, TF.js wasm, TF.js
 * cpu and numpy in the same run, each in its own child process (bench/speed-worker.ts,
 * bench/numpy-peer.ts) so each peak RSS is that implementation's alone. Prints the
 * figures and whether each bar passes; returns the number of bars missed.
 */
import type { NumpyResult } from './numpy-peer';
import { runNumpyPeer } from './numpy-peer';
import { median, mib, rate, runWorker } from './shared';
import type { Implementation, SpeedResult } from './speed-worker';

export interface SpeedSizes {
  repetitions: number;
  /** The fraction of an epoch Tegaki, TF.js wasm and numpy train on. */
  fraction: number;
  /** TF.js cpu runs ~550-1,000 samples/s (~60-110 s an epoch): it is timed on this fraction of one. */
  cpuFraction: number;
  testSize: number;
}

const fullSizes: SpeedSizes = { repetitions: 3, fraction: 1, cpuFraction: 0.1, testSize: 10_000 };
/** `--smoke`: every path once, on a few batches; the figures mean nothing and no bar is checked. */
const smokeSizes: SpeedSizes = { repetitions: 1, fraction: 0.005, cpuFraction: 0.002, testSize: 500 };

const bars = {
  samplesPerSecond: 40_000,
  ratioToWasm: 15,
  /** Issue 16: against numpy with OpenBLAS (the faster of its two kernels), one thread each, in the same run. */
  ratioToNumpy: 1.3,
  accuracyPoints: 0.5,
  inferenceP99Ms: 1,
  peakRssBytes: 300 * 2 ** 20,
};

const percent = (x: number): string => `${(x * 100).toFixed(2)}%`;
const verdict = (passed: boolean): string => (passed ? 'PASS' : 'FAIL');

/** `threads`: how many threads Tegaki trains on (data-parallel.ts); the TF.js sides ignore it. */
export const runSpeedWorker = (
  implementation: Implementation,
  sizes: SpeedSizes,
  fraction: number,
  threads = 1,
): Promise<SpeedResult> =>
  runWorker('speed-worker.ts', implementation, [
    implementation,
    String(sizes.repetitions),
    String(fraction),
    String(sizes.testSize),
    String(threads),
  ]);

const speed = (r: { repetitions: { samplesPerSecond: number }[] }) =>
  median(r.repetitions.map((x) => x.samplesPerSecond));
const accuracy = (r: { repetitions: { testAccuracy: number }[] }) => median(r.repetitions.map((x) => x.testAccuracy));
const scope = (fraction: number, samples: number) =>
  fraction === 1 ? 'full epoch' : `${+(fraction * 100).toFixed(1)}% of an epoch (${rate(samples)} images)`;

export async function runSpeedBench(smoke = false): Promise<number> {
  const sizes = smoke ? smokeSizes : fullSizes;
  console.log(`Speed: 784-128-10 ReLU, He init, Adam 1e-3, batch 64, float32, one epoch of 60,000 MNIST images`);
  console.log(
    `each implementation in its own process, ${sizes.repetitions} ${sizes.repetitions === 1 ? 'repetition' : 'repetitions'} from fresh weights; samples/s is the median`,
  );
  if (smoke) console.log('smoke run: a few batches each, bars not checked');
  console.log('');

  const tegaki = await runSpeedWorker('tegaki', sizes, sizes.fraction);
  const wasm = await runSpeedWorker('tfjs-wasm', sizes, sizes.fraction);
  const cpu = await runSpeedWorker('tfjs-cpu', sizes, sizes.cpuFraction);
  const numpy = await runNumpyPeer(sizes.repetitions, sizes.fraction, sizes.testSize);

  const line = (name: string, r: SpeedResult | NumpyResult, fraction: number, detail: string) =>
    console.log(
      `${name.padEnd(10)} ${rate(speed(r)).padStart(7)} samples/s (runs: ${r.repetitions.map((x) => rate(x.samplesPerSecond)).join(', ')})` +
        ` | test accuracy ${percent(accuracy(r))} after ${scope(fraction, r.repetitions[0].samples)}` +
        ` | peak RSS ${mib(r.peakRssBytes)} | ${detail}`,
    );
  for (const r of [tegaki, wasm, cpu])
    line(r.implementation, r, r === cpu ? sizes.cpuFraction : sizes.fraction, r.detail);
  if ('missing' in numpy) console.log(`numpy      not run: ${numpy.missing}`);
  else
    for (const r of numpy)
      line(
        'numpy',
        r,
        sizes.fraction,
        `numpy ${r.numpy}, ${r.blas.library}, ${r.blas.kernel ?? 'unknown'} kernel (${r.kernelChoice})`,
      );
  console.log('');

  const ratio = speed(tegaki) / speed(wasm);
  const accuracyGap = Math.abs(accuracy(tegaki) - accuracy(wasm)) * 100;
  const inference = tegaki.inference!;
  console.log(
    `Tegaki / TF.js wasm: ${ratio.toFixed(1)}x   Tegaki / TF.js cpu: ${(speed(tegaki) / speed(cpu)).toFixed(0)}x`,
  );
  console.log(
    `single-image inference (predictOne, ${inference.calls.toLocaleString('en-US')} calls): median ${(inference.medianMs * 1000).toFixed(1)} µs, p99 ${(inference.p99Ms * 1000).toFixed(1)} µs`,
  );
  console.log(`evaluate the ${rate(sizes.testSize)}-image test set: ${tegaki.evaluateTestSetMs!.toFixed(1)} ms`);
  const gflops = tegaki.gflops!;
  console.log(
    `matmul (64x784)x(784x128): ${gflops.dense.toFixed(1)} GFLOPS on dense random inputs;` +
      ` ${gflops.mnistBatch.toFixed(1)} effective GFLOPS on an MNIST batch` +
      ` (${percent(gflops.mnistBatchZeros)} of its pixels are zero and skipped)`,
  );
  console.log('');
  if (smoke) return 0;

  const checks: [string, boolean][] = [
    [
      `Tegaki ≥ ${rate(bars.samplesPerSecond)} samples/s (median ${rate(speed(tegaki))})`,
      speed(tegaki) >= bars.samplesPerSecond,
    ],
    [`Tegaki ≥ ${bars.ratioToWasm}x TF.js wasm (${ratio.toFixed(1)}x)`, ratio >= bars.ratioToWasm],
    [
      `accuracy within ${bars.accuracyPoints} points of TF.js wasm (gap ${accuracyGap.toFixed(2)} points)`,
      accuracyGap <= bars.accuracyPoints,
    ],
    [
      `single-image inference p99 < ${bars.inferenceP99Ms} ms (${(inference.p99Ms * 1000).toFixed(1)} µs)`,
      inference.p99Ms < bars.inferenceP99Ms,
    ],
    [
      `Tegaki peak RSS < ${mib(bars.peakRssBytes)} (${mib(tegaki.peakRssBytes)})`,
      tegaki.peakRssBytes < bars.peakRssBytes,
    ],
  ];
  let failures = 0;
  for (const [name, passed] of checks) {
    if (!passed) failures++;
    console.log(`${verdict(passed)}  ${name}`);
  }
  if ('missing' in numpy) {
    console.log(`--    Tegaki ≥ ${bars.ratioToNumpy}x numpy + OpenBLAS: not measured, ${numpy.missing}`);
  } else {
    const best = numpy.reduce((a, b) => (speed(b) > speed(a) ? b : a));
    const passed = speed(tegaki) >= bars.ratioToNumpy * speed(best);
    if (!passed) failures++;
    console.log(
      `${verdict(passed)}  Tegaki ≥ ${bars.ratioToNumpy}x numpy + OpenBLAS, one thread each:` +
        ` ${(speed(tegaki) / speed(best)).toFixed(2)}x numpy's ${rate(speed(best))} samples/s with its ${best.blas.kernel ?? 'unknown'} kernel`,
    );
  }
  return failures;
}
