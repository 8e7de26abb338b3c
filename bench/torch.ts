/**
 * The torch bench (issue 16): the reference MLP, the small CNN and the `cnn` preset's
 * layers trained by Tegaki (bench/speed-worker.ts, bench/cnn-speed-worker.ts) and by
 * Debian's PyTorch (bench/torch-peer.ts) in the same run, both at one thread and at all
 * cores (Tegaki's threads share each batch, data-parallel.ts; PyTorch's its operators).
 * The issue's bars, counted as failures when missed: the two CNNs at least as fast as
 * PyTorch at each thread count, and the MLP at least 10x. Where PyTorch is missing it
 * prints how to install it and skips the part.
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
/** Issue 16's bars, at each thread count: the CNNs at least PyTorch's speed, the MLP at least 10 times it. */
const CNN_BAR = 1;
const MLP_BAR = 10;

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
  console.log('');

  const mlpFraction = Math.min(1, (sizes.mlpSteps * BATCH) / 60_000);
  /** Tegaki's runs at each thread count, by network: samples/s of each repetition, and the CNNs' losses. */
  const tegaki = new Map<
    number,
    { runs: Record<string, number[]>; mlpAccuracy: number; losses: Record<string, number[]> }
  >();
  for (const threads of threadCounts) {
    const mlp = await runSpeedWorker(
      'tegaki',
      { repetitions: sizes.repetitions, fraction: mlpFraction, cpuFraction: 0, testSize: sizes.testSize },
      mlpFraction,
      threads,
    );
    const cnns: Record<string, CnnSpeedResult> = {};
    for (const name of cnnNames)
      cnns[name] = await runCnnWorker(
        'tegaki',
        { repetitions: sizes.repetitions, steps: sizes.cnnSteps[name] },
        name,
        threads,
      );
    tegaki.set(threads, {
      runs: {
        mlp: mlp.repetitions.map((r) => r.samplesPerSecond),
        ...Object.fromEntries(cnnNames.map((name) => [name, cnns[name].samplesPerSecond])),
      },
      mlpAccuracy: median(mlp.repetitions.map((r) => r.testAccuracy)),
      losses: Object.fromEntries(cnnNames.map((name) => [name, cnns[name].losses])),
    });
  }

  const request = torchRequest(sizes, 1, mnistDir);
  const torchRuns = (t: TorchResult, name: string) => t.networks.find((n) => n.name === name)!.samplesPerSecond;
  const header = ['network'.padEnd(62), 'steps'.padStart(5)];
  for (const threads of threadCounts) {
    const at = `${threads} ${threads === 1 ? 'thread' : 'threads'}`;
    header.push(`Tegaki ${at}`.padStart(17), `PyTorch ${at}`.padStart(18), `ratio ${at}`.padStart(16));
  }
  console.log(header.join(' '));
  let failures = 0;
  const verdicts: string[] = [];
  for (const network of request.networks) {
    const row = [
      `${network.name}: ${describeArchitecture(network.spec)}`.padEnd(62),
      String(network.steps).padStart(5),
    ];
    threadCounts.forEach((threads, i) => {
      const ours = median(tegaki.get(threads)!.runs[network.name]);
      const theirs = median(torchRuns(torch[i], network.name));
      row.push(rate(ours).padStart(17), rate(theirs).padStart(18), ratio(ours, theirs).padStart(16));
      const bar = network.name === 'mlp' ? MLP_BAR : CNN_BAR;
      const met = ours / theirs >= bar;
      if (!smoke && !met) failures++;
      verdicts.push(
        `${met ? 'PASS' : 'MISS'}  ${network.name} at ${threads} ${threads === 1 ? 'thread' : 'threads'}: Tegaki ≥ ${bar}x PyTorch (${ratio(ours, theirs)})`,
      );
    });
    console.log(row.join(' '));
  }
  console.log('samples/s (median); a ratio above 1x means Tegaki is faster');
  for (const network of request.networks) {
    const runs = (xs: number[]) => xs.map(rate).join(', ');
    console.log(
      `runs, ${network.name}:` +
        threadCounts
          .map(
            (threads, i) =>
              ` Tegaki ${threads} ${threads === 1 ? 'thread' : 'threads'} ${runs(tegaki.get(threads)!.runs[network.name])}` +
              ` | PyTorch ${runs(torchRuns(torch[i], network.name))}`,
          )
          .join(' |'),
    );
  }
  const losses = (xs: number[]) => xs.map((x) => x.toFixed(3)).join(', ');
  const atCount = (threads: number) => `${threads} thread${threads === 1 ? '' : 's'}`;
  for (const name of cnnNames) {
    console.log(
      `loss after the timed steps (first 1,000 training images), ${name}:` +
        threadCounts
          .map((threads) => ` Tegaki ${atCount(threads)} ${losses(tegaki.get(threads)!.losses[name])}`)
          .join(' |') +
        torch
          .map((t) => ` | PyTorch ${atCount(t.threads)} ${losses(t.networks.find((n) => n.name === name)!.losses)}`)
          .join(''),
    );
  }
  console.log(
    'MLP test accuracy after the timed steps:' +
      threadCounts
        .map((threads) => ` Tegaki ${atCount(threads)} ${(tegaki.get(threads)!.mlpAccuracy * 100).toFixed(2)}%`)
        .join(' |') +
      ` | PyTorch loss ${torch.map((t) => t.networks[0].losses.map((x) => x.toFixed(3)).join(', ')).join(' | ')}`,
  );
  console.log('');
  if (smoke) console.log('smoke run: bars not checked');
  else for (const line of verdicts) console.log(line);
  console.log('');
  return failures;
}
