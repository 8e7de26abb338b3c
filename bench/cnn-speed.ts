/**
 * The CNN speed bench (issue 7): a fixed small CNN trained for the same number of
 * steps by Tegaki and by TF.js wasm with the same architecture, each in its own child
 * process (bench/cnn-speed-worker.ts). Prints median samples/s and the ratio against
 * the 5x bar; returns the number of bars missed.
 */
import type { CnnImplementation, CnnSpeedResult } from './cnn-speed-worker';
import { smallCnnDescription } from './cnn-speed-worker';
import { median, mib, rate, runWorker } from './shared';

const REPETITIONS = 3;
/** TF.js wasm trains this net at ~600 samples/s, so 200 steps of 64 take ~20 s a repetition. */
const STEPS = 200;
const RATIO_BAR = 5;

const runCnnWorker = (implementation: CnnImplementation): Promise<CnnSpeedResult> =>
  runWorker('cnn-speed-worker.ts', implementation, [implementation, String(REPETITIONS), String(STEPS)]);

export async function runCnnSpeedBench(): Promise<number> {
  console.log(
    `CNN speed: ${smallCnnDescription} (conv 8 5x5 same, pool 2, conv 16 5x5 same, pool 2, dense 10), He init, Adam 1e-3, batch 64, float32`,
  );
  console.log(
    `${STEPS} steps of MNIST, each implementation in its own process, ${REPETITIONS} repetitions from fresh weights; samples/s is the median`,
  );
  console.log('');
  const tegaki = await runCnnWorker('tegaki');
  const wasm = await runCnnWorker('tfjs-wasm');
  for (const r of [tegaki, wasm]) {
    console.log(
      `${r.implementation.padEnd(10)} ${rate(median(r.samplesPerSecond)).padStart(7)} samples/s` +
        ` (runs: ${r.samplesPerSecond.map(rate).join(', ')}) | peak RSS ${mib(r.peakRssBytes)} | ${r.detail}`,
    );
  }
  const ratio = median(tegaki.samplesPerSecond) / median(wasm.samplesPerSecond);
  const passed = ratio >= RATIO_BAR;
  console.log('');
  console.log(`${passed ? 'PASS' : 'FAIL'}  Tegaki ≥ ${RATIO_BAR}x TF.js wasm on the small CNN (${ratio.toFixed(1)}x)`);
  return passed ? 0 : 1;
}
