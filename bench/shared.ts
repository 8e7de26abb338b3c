/**
 * What the benchmarks share: running one implementation in a child process of its own
 * (so its peak RSS is its alone) and formatting the figures they print.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Runs `bench/<worker>` under tsx with `args` and resolves with the one result it sends
 * over IPC; rejects if it exits without sending one.
 */
export function runWorker<T>(worker: string, name: string, args: string[]): Promise<T> {
  const file = fileURLToPath(new URL(`./${worker}`, import.meta.url));
  return new Promise((resolve, reject) => {
    const child = fork(file, args, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let result: T | undefined;
    child.on('message', (message) => (result = message as T));
    child.on('error', reject);
    child.on('exit', (code) =>
      result ? resolve(result) : reject(new Error(`${name} worker exited with code ${code}`)),
    );
  });
}

/** Whether TF.js's wasm backend runs its SIMD build and its threaded build, as TF.js reports them. */
export async function describeWasmBackend(tf: typeof import('@tensorflow/tfjs')): Promise<string> {
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  return `wasm backend, SIMD ${simd ? 'on' : 'off'}, threads ${threads ? 'on' : 'off'}`;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Samples per second as "138,208". */
export const rate = (x: number): string => Math.round(x).toLocaleString('en-US');
export const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
