/**
 * The torch bench (issue 16): the reference MLP, the small CNN and the `cnn` preset's
 * layers trained by Tegaki (bench/speed-worker.ts, bench/cnn-speed-worker.ts) and by
 * Debian's PyTorch (bench/torch-peer.ts) in the same run, PyTorch at one thread and at
 * all cores. Tegaki trains on one thread, so its one-thread figure stands beside both.
 * No bars: figures to read. Where PyTorch is missing it prints how to install it and
 * skips the part.
 */
import { cpus } from 'node:os';
import { locateMnistDir } from '../src/digits/data/mnist';
import { describeArchitecture } from '../src/engine/training/architecture';
import type { CnnNetwork, CnnSpeedResult } from './cnn-speed-worker';
import { cnnNetworks } from './cnn-speed-worker';
import { runCnnWorker } from './cnn-speed';
import { median, rate } from './shared';
import { runSpeedWorker } from './speed';
import { referenceHyperparameters } from './speed-worker';
import type { TorchRequest, TorchResult } from './torch-peer';
import { runTorchPeer, torchNetwork } from './torch-peer';

interface TorchSizes {
  repetitions: number;
  warmupSteps: number;
  /** The MLP's steps: one epoch of 60,000 at batch 64, as the speed bench times it. */
  mlpSteps: number;
  /** The CNNs' timed steps, as the CNN speed bench times the small one. */
  cnnSteps: Record<CnnNetwork, number>;
  testSize: number;
  timeoutMs: number;
}

const BATCH = referenceHyperparameters.batchSize;
const fullSizes: TorchSizes = {
  repetitions: 3,
  warmupSteps: 5,
  mlpSteps: Math.ceil(60_000 / BATCH),
  cnnSteps: { 'small-cnn': 200, cnn: 100 },
  testSize: 10_000,
  timeoutMs: 30 * 60_000,
};
/** `--smoke`: every path once on a few batches; the figures mean nothing. */
const smokeSizes: TorchSizes = {
  repetitions: 1,
  warmupSteps: 1,
  mlpSteps: 3,
  cnnSteps: { 'small-cnn': 2, cnn: 2 },
  testSize: 500,
  timeoutMs: 5 * 60_000,
};

const cnnNames = Object.keys(cnnNetworks) as CnnNetwork[];

/** What the peer is asked to train at `threads`: the networks Tegaki trains, as Tegaki builds them. */
export function torchRequest(sizes: TorchSizes, threads: number, mnistDir: string): TorchRequest {
  return {
    mnistDir,
    threads,
    repetitions: sizes.repetitions,
    warmupSteps: sizes.warmupSteps,
    networks: [
      torchNetwork('mlp', referenceHyperparameters, sizes.mlpSteps),
      ...cnnNames.map((name) => torchNetwork(name, cnnNetworks[name](), sizes.cnnSteps[name])),
    ],
  };
}

export const torchSizes = { full: fullSizes, smoke: smokeSizes };

const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}x`;

export async function runTorchBench(smoke = false): Promise<number> {
  const sizes = smoke ? smokeSizes : fullSizes;
  const allCores = cpus().length;
  const mnistDir = locateMnistDir();
  console.log(
    "PyTorch CPU: the reference MLP, the small CNN and the cnn preset's layers (no augmentation), He init, Adam 1e-3, batch 64, float32",
  );
  console.log(
    `each in its own process, ${sizes.repetitions} ${sizes.repetitions === 1 ? 'repetition' : 'repetitions'} from fresh weights; samples/s is the median;` +
      ` PyTorch runs ${sizes.warmupSteps} untimed warm-up ${sizes.warmupSteps === 1 ? 'step' : 'steps'} first`,
  );
  if (smoke) console.log('smoke run: a few batches each, figures mean nothing');

  const threadCounts = allCores > 1 ? [1, allCores] : [1];
  const torch: TorchResult[] = [];
  for (const threads of threadCounts) {
    const result = await runTorchPeer(torchRequest(sizes, threads, mnistDir), sizes.timeoutMs);
    if ('missing' in result) {
      console.log(`pytorch    not run: ${result.missing}`);
      return 0;
    }
    torch.push(result);
  }
  console.log(
    `PyTorch ${torch[0].torch} (${torch[0].parallelBackend}), torch.set_num_threads(${threadCounts.join(') and (')}) of ${allCores} cores` +
      ` | peak RSS ${torch.map((t) => `${(t.peakRssBytes / 2 ** 20).toFixed(0)} MiB at ${t.threads}`).join(', ')}`,
  );
  console.log(
    'Tegaki trains on one thread today: its 1-thread figure stands beside PyTorch at 1 thread and at all cores.',
  );
  console.log('');

  const mlpFraction = Math.min(1, (sizes.mlpSteps * BATCH) / 60_000);
  const mlp = await runSpeedWorker(
    'tegaki',
    { repetitions: sizes.repetitions, fraction: mlpFraction, cpuFraction: 0, testSize: sizes.testSize },
    mlpFraction,
  );
  const cnns: Record<string, CnnSpeedResult> = {};
  for (const name of cnnNames)
    cnns[name] = await runCnnWorker('tegaki', { repetitions: sizes.repetitions, steps: sizes.cnnSteps[name] }, name);

  const request = torchRequest(sizes, 1, mnistDir);
  const tegakiRate: Record<string, number> = {
    mlp: median(mlp.repetitions.map((r) => r.samplesPerSecond)),
    ...Object.fromEntries(cnnNames.map((name) => [name, median(cnns[name].samplesPerSecond)])),
  };
  const torchRate = (t: TorchResult, name: string) => median(t.networks.find((n) => n.name === name)!.samplesPerSecond);
  const all = torch[torch.length - 1];
  const header = [
    'network'.padEnd(62),
    'steps'.padStart(5),
    'Tegaki 1 thread'.padStart(16),
    'PyTorch 1 thread'.padStart(17),
    `PyTorch ${all.threads} threads`.padStart(18),
    'Tegaki/PyTorch 1'.padStart(17),
    `Tegaki/PyTorch ${all.threads}`.padStart(17),
  ];
  console.log(header.join(' '));
  for (const network of request.networks) {
    const tegaki = tegakiRate[network.name];
    const one = torchRate(torch[0], network.name);
    const many = torchRate(all, network.name);
    console.log(
      [
        `${network.name}: ${describeArchitecture(network.spec)}`.padEnd(62),
        String(network.steps).padStart(5),
        rate(tegaki).padStart(16),
        rate(one).padStart(17),
        rate(many).padStart(18),
        ratio(tegaki, one).padStart(17),
        ratio(tegaki, many).padStart(17),
      ].join(' '),
    );
  }
  console.log('samples/s (median); a ratio above 1x means Tegaki is faster');
  const tegakiRuns: Record<string, number[]> = {
    mlp: mlp.repetitions.map((r) => r.samplesPerSecond),
    ...Object.fromEntries(cnnNames.map((name) => [name, cnns[name].samplesPerSecond])),
  };
  for (const network of request.networks) {
    const runs = (xs: number[]) => xs.map(rate).join(', ');
    console.log(
      `runs, ${network.name}: Tegaki ${runs(tegakiRuns[network.name])}` +
        torch
          .map(
            (t) =>
              ` | PyTorch ${t.threads} ${t.threads === 1 ? 'thread' : 'threads'} ${runs(t.networks.find((n) => n.name === network.name)!.samplesPerSecond)}`,
          )
          .join(''),
    );
  }
  for (const name of cnnNames) {
    const losses = (xs: number[]) => xs.map((x) => x.toFixed(3)).join(', ');
    console.log(
      `loss after the timed steps (first 1,000 training images), ${name}: Tegaki ${losses(cnns[name].losses)}` +
        ` | PyTorch ${torch.map((t) => `${t.threads} thread${t.threads === 1 ? '' : 's'} ${losses(t.networks.find((n) => n.name === name)!.losses)}`).join(' | ')}`,
    );
  }
  console.log(
    `MLP test accuracy after the timed steps: Tegaki ${(median(mlp.repetitions.map((r) => r.testAccuracy)) * 100).toFixed(2)}%` +
      ` | PyTorch loss ${torch.map((t) => t.networks[0].losses.map((x) => x.toFixed(3)).join(', ')).join(' | ')}`,
  );
  console.log('');
  return 0;
}
