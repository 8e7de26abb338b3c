/**
 * The CNN speed bench (issue 7): a fixed small CNN trained for the same number of
 * steps by Tegaki and by TF.js wasm with the same architecture, each in its own child
 * process (bench/cnn-speed-worker.ts). Prints median samples/s, each side's loss after
 * the timed steps, which TF.js kernels ran natively, and the ratio against the 5x bar.
 * Then Tegaki trains the `cnn` preset's layers the same way in a process of its own,
 * whose peak RSS (MNIST loaded, three fresh models trained, each evaluated) is held to
 * the 300 MiB bar of issue 16. Returns the number of bars missed.
 */
import type { CnnImplementation, CnnNetwork, CnnSpeedResult } from './cnn-speed-worker';
import { describeArchitecture, modelSpecFor } from '../src/engine/training/architecture';
import { cnnPresetLayers, LOSS_IMAGES, smallCnnDescription } from './cnn-speed-worker';
import { median, mib, rate, runWorker } from './shared';

export interface CnnSizes {
  repetitions: number;
  steps: number;
}

/** TF.js wasm trains this net at ~600 samples/s, so 200 steps of 64 take ~20 s a repetition. */
const fullSizes: CnnSizes = { repetitions: 3, steps: 200 };
/** `--smoke`: every path once; the figures mean nothing and the bar is not checked. */
const smokeSizes: CnnSizes = { repetitions: 1, steps: 2 };
const RATIO_BAR = 5;
/** Issue 16: training the `cnn` preset's layers peaks at this resident size or less. */
const CNN_PRESET_PEAK_RSS_BAR = 300 * 2 ** 20;

/** `threads`: how many threads Tegaki trains on (data-parallel.ts); the TF.js side ignores it. */
export const runCnnWorker = (
  implementation: CnnImplementation,
  sizes: CnnSizes,
  network: CnnNetwork = 'small-cnn',
  threads = 1,
): Promise<CnnSpeedResult> =>
  runWorker('cnn-speed-worker.ts', implementation, [
    implementation,
    String(sizes.repetitions),
    String(sizes.steps),
    network,
    String(threads),
  ]);

export async function runCnnSpeedBench(smoke = false): Promise<number> {
  const sizes = smoke ? smokeSizes : fullSizes;
  console.log(
    `CNN speed: ${smallCnnDescription} (conv 8 5x5 same, pool 2, conv 16 5x5 same, pool 2, dense 10), He init, Adam 1e-3, batch 64, float32`,
  );
  console.log(
    `${sizes.steps} steps of MNIST, each implementation in its own process, ${sizes.repetitions} ${sizes.repetitions === 1 ? 'repetition' : 'repetitions'} from fresh weights; samples/s is the median`,
  );
  if (smoke) console.log('smoke run: bar not checked');
  console.log('');
  const tegaki = await runCnnWorker('tegaki', sizes);
  const wasm = await runCnnWorker('tfjs-wasm', sizes);
  for (const r of [tegaki, wasm]) {
    console.log(
      `${r.implementation.padEnd(10)} ${rate(median(r.samplesPerSecond)).padStart(7)} samples/s` +
        ` (runs: ${r.samplesPerSecond.map(rate).join(', ')}) | loss ${r.losses.map((x) => x.toFixed(3)).join(', ')}` +
        ` | peak RSS ${mib(r.peakRssBytes)} | ${r.detail}`,
    );
  }
  console.log(
    `loss: mean cross-entropy on the first ${rate(LOSS_IMAGES)} training images after each repetition's timed steps;` +
      ' the two sides should be close',
  );
  const kernels = wasm.kernels;
  if (kernels) {
    console.log(`TF.js wasm kernels in a training step, native (C++ compiled to wasm): ${kernels.native.join(', ')}`);
    console.log(`  JavaScript, no call into wasm: ${kernels.javascript.join(', ') || 'none'}`);
    console.log(`  registered by this bench: ${kernels.standIns.join(', ') || 'none'}`);
  }
  const preset = await runCnnWorker('tegaki', sizes, 'cnn');
  console.log(
    `the cnn preset's layers (${describeArchitecture(modelSpecFor(cnnPresetLayers()))}, no augmentation), Tegaki:` +
      ` ${rate(median(preset.samplesPerSecond))} samples/s (runs: ${preset.samplesPerSecond.map(rate).join(', ')})` +
      ` | loss ${preset.losses.map((x) => x.toFixed(3)).join(', ')} | peak RSS ${mib(preset.peakRssBytes)}`,
  );
  const ratio = median(tegaki.samplesPerSecond) / median(wasm.samplesPerSecond);
  console.log('');
  if (smoke) return 0;
  const passed = ratio >= RATIO_BAR;
  console.log(`${passed ? 'PASS' : 'FAIL'}  Tegaki ≥ ${RATIO_BAR}x TF.js wasm on the small CNN (${ratio.toFixed(1)}x)`);
  const lean = preset.peakRssBytes <= CNN_PRESET_PEAK_RSS_BAR;
  console.log(
    `${lean ? 'PASS' : 'FAIL'}  peak RSS training the cnn preset's layers ≤ ${mib(CNN_PRESET_PEAK_RSS_BAR)} (${mib(preset.peakRssBytes)})`,
  );
  return (passed ? 0 : 1) + (lean ? 0 : 1);
}
