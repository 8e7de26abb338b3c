/**
 * The speed bench (issue 3): the reference model trained by Tegaki, TF.js wasm and
 * TF.js cpu in the same run, each in its own child process (bench/speed-worker.ts) so
 * each peak RSS is that implementation's alone. Prints the figures and whether each
 * bar passes; returns the number of bars missed.
 */
import { median, mib, rate, runWorker } from './shared';
import type { Implementation, SpeedResult } from './speed-worker';

const REPETITIONS = 3;
/** TF.js cpu runs ~550 samples/s (~110 s an epoch): it is timed on this fraction of one. */
const CPU_FRACTION = 0.1;

const bars = {
  samplesPerSecond: 40_000,
  numpy: 56_000,
  ratioToWasm: 15,
  accuracyPoints: 0.5,
  inferenceP99Ms: 1,
  peakRssBytes: 300 * 2 ** 20,
};

const percent = (x: number): string => `${(x * 100).toFixed(2)}%`;
const verdict = (passed: boolean): string => (passed ? 'PASS' : 'FAIL');

const runSpeedWorker = (implementation: Implementation, repetitions: number, fraction: number): Promise<SpeedResult> =>
  runWorker('speed-worker.ts', implementation, [implementation, String(repetitions), String(fraction)]);

export async function runSpeedBench(): Promise<number> {
  console.log(`Speed: 784-128-10 ReLU, He init, Adam 1e-3, batch 64, float32, one epoch of 60,000 MNIST images`);
  console.log(
    `each implementation in its own process, ${REPETITIONS} repetitions from fresh weights; samples/s is the median`,
  );
  console.log('');

  const tegaki = await runSpeedWorker('tegaki', REPETITIONS, 1);
  const wasm = await runSpeedWorker('tfjs-wasm', REPETITIONS, 1);
  const cpu = await runSpeedWorker('tfjs-cpu', REPETITIONS, CPU_FRACTION);

  const speed = (r: SpeedResult) => median(r.repetitions.map((x) => x.samplesPerSecond));
  const accuracy = (r: SpeedResult) => median(r.repetitions.map((x) => x.testAccuracy));
  for (const r of [tegaki, wasm, cpu]) {
    const runs = r.repetitions.map((x) => rate(x.samplesPerSecond)).join(', ');
    const scope =
      r === cpu ? `${CPU_FRACTION * 100}% of an epoch (${rate(r.repetitions[0].samples)} images)` : 'full epoch';
    console.log(
      `${r.implementation.padEnd(10)} ${rate(speed(r)).padStart(7)} samples/s (runs: ${runs}) | test accuracy ${percent(accuracy(r))} after ${scope}` +
        ` | peak RSS ${mib(r.peakRssBytes)} | ${r.detail}`,
    );
  }
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
  console.log(`evaluate the 10,000-image test set: ${tegaki.evaluateTestSetMs!.toFixed(1)} ms`);
  console.log(
    `matmul (64x784)x(784x128): ${tegaki.gflops!.dense.toFixed(1)} GFLOPS on dense random inputs;` +
      ` ${tegaki.gflops!.mnistBatch.toFixed(1)} effective GFLOPS on an MNIST batch (its zero pixels are skipped)`,
  );
  console.log('');

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
  const beatsNumpy = speed(tegaki) >= bars.numpy;
  console.log(
    `${beatsNumpy ? 'YES ' : 'NO  '}  beats numpy + OpenBLAS's ~${rate(bars.numpy)} samples/s (the real goal)`,
  );
  return failures;
}
