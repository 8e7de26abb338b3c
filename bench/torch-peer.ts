/**
 * The torch bench's PyTorch peer: bench/torch_peer.py run by Debian's Python
 * (python3-torch) in its own process, once per thread count, with the networks Tegaki
 * measures passed as their model specs (modelSpecFor), so both sides build the same
 * layers. Its JSON answer is checked here, where trust changes; a Python without torch
 * gives the install hint instead of figures. The bench installs nothing itself.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { ModelSpec } from '../src/engine/model/spec';
import { modelSpecFor } from '../src/engine/training/architecture';
import type { Hyperparameters } from '../src/shared/hyperparameters';

export const TORCH_PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./torch_peer.py', import.meta.url));
/** The answer is a few hundred bytes; anything near this is not the peer's. */
const MAX_OUTPUT_BYTES = 64 * 1024;

export const TORCH_MISSING =
  'PyTorch not installed: `sudo apt-get install python3-torch` (Debian), then run with /usr/bin/python3';

/** One network for the peer: its layers exactly as Tegaki builds them, and how it trains. */
export interface TorchNetwork {
  name: string;
  spec: ModelSpec;
  optimizer: Hyperparameters['optimizer'];
  learningRate: number;
  batchSize: number;
  steps: number;
}

export interface TorchRequest {
  mnistDir: string;
  threads: number;
  repetitions: number;
  warmupSteps: number;
  networks: TorchNetwork[];
}

/** The network Tegaki trains from these hyperparameters, for `steps` batches. */
export function torchNetwork(name: string, h: Hyperparameters, steps: number): TorchNetwork {
  return {
    name,
    spec: modelSpecFor(h),
    optimizer: h.optimizer,
    learningRate: h.learningRate,
    batchSize: h.batchSize,
    steps,
  };
}

const finitePositive = z.number().finite().positive();

export const torchResultSchema = z.strictObject({
  torch: z.string().max(100),
  threads: z.number().int().min(1).max(1024),
  parallelBackend: z.string().max(100),
  networks: z
    .array(
      z.strictObject({
        name: z.string().max(100),
        samplesPerSecond: z.array(finitePositive).min(1).max(100),
        losses: z.array(z.number().finite().nonnegative()).min(1).max(100),
        steps: z.number().int().min(1),
      }),
    )
    .min(1)
    .max(10),
  peakRssBytes: finitePositive,
});

export type TorchResult = z.infer<typeof torchResultSchema>;

/** Why the peer did not run, to print instead of its figures. */
export interface TorchMissing {
  missing: string;
}

/**
 * The peer's stdout as a result for `request`, or an error saying what is wrong with it:
 * not JSON, not the schema's shape, or not the networks, repetitions and threads asked for.
 */
export function parseTorchOutput(stdout: string, request: TorchRequest): TorchResult {
  if (stdout.length > MAX_OUTPUT_BYTES) throw new Error(`bench/torch_peer.py printed ${stdout.length} bytes`);
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch {
    throw new Error(`bench/torch_peer.py printed no JSON: ${stdout.slice(0, 200)}`);
  }
  const parsed = torchResultSchema.safeParse(json);
  if (!parsed.success) throw new Error(`bench/torch_peer.py's answer is malformed: ${z.prettifyError(parsed.error)}`);
  const result = parsed.data;
  const asked = request.networks.map((n) => n.name).join(',');
  if (result.networks.map((n) => n.name).join(',') !== asked)
    throw new Error(`bench/torch_peer.py answered for ${result.networks.map((n) => n.name).join(',')}, not ${asked}`);
  for (const n of result.networks) {
    if (n.samplesPerSecond.length !== request.repetitions || n.losses.length !== request.repetitions)
      throw new Error(
        `bench/torch_peer.py ran ${n.name} ${n.samplesPerSecond.length} times, not ${request.repetitions}`,
      );
  }
  if (result.threads !== request.threads)
    throw new Error(`bench/torch_peer.py ran on ${result.threads} threads, not ${request.threads}`);
  return result;
}

/**
 * Runs the peer for `request` with `python` (Debian's by default), killed after
 * `timeoutMs`. Resolves with its checked result, or with the install hint when that
 * Python has no torch (or does not exist); rejects on any other failure.
 */
export function runTorchPeer(
  request: TorchRequest,
  timeoutMs: number,
  python = TORCH_PYTHON,
): Promise<TorchResult | TorchMissing> {
  // torch.set_num_threads sets the count for PyTorch's own operators; OpenMP and BLAS
  // underneath get the same, or "1 thread" still spent about twice the CPU time per sample
  // of a run with OMP_NUM_THREADS=1 (their pools started at every core before the call).
  const threads = String(request.threads);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    OMP_NUM_THREADS: threads,
    MKL_NUM_THREADS: threads,
    OPENBLAS_NUM_THREADS: threads,
  };
  return new Promise((resolve, reject) => {
    execFile(
      python,
      [SCRIPT, JSON.stringify(request)],
      { env, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: MAX_OUTPUT_BYTES },
      (error, stdout, stderr) => {
        if (error && 'code' in error && error.code === 'ENOENT')
          resolve({ missing: `${python} not found. ${TORCH_MISSING}` });
        else if (/No module named '?torch/.test(stderr)) resolve({ missing: TORCH_MISSING });
        else if (error?.killed) reject(new Error(`bench/torch_peer.py took longer than ${timeoutMs / 1000} s`));
        else if (error) reject(new Error(`bench/torch_peer.py failed: ${stderr.slice(-2000) || error.message}`));
        else {
          try {
            resolve(parseTorchOutput(stdout, request));
          } catch (invalid) {
            reject(invalid as Error);
          }
        }
      },
    );
  });
}
