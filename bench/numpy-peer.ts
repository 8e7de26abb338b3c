/**
 * The speed bench's numpy peer: bench/numpy_mlp.py (the same MLP, batch and epoch) run
 * by the system's Python in its own process, with one BLAS thread as Tegaki has one.
 *
 * OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are removed from that process's environment:
 * some machines set them for old OpenBLAS builds that misdetect the processor, and a
 * current numpy should pick its kernel itself. When the OpenBLAS at hand does not know
 * the processor either, it falls back to its generic Prescott (SSE3) kernel; the peer
 * then runs a second time with the kernel this processor's AVX level supports named,
 * so that Tegaki is compared with what numpy can do here, and both figures are printed.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { locateMnistDir } from '../src/digits/data/mnist';
import type { Repetition } from './speed-worker';

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./numpy_mlp.py', import.meta.url));

export interface NumpyResult {
  numpy: string;
  blas: { library: string; kernel?: string };
  repetitions: Repetition[];
  peakRssBytes: number;
  /** How the BLAS kernel was chosen: by OpenBLAS itself, or named in OPENBLAS_CORETYPE. */
  kernelChoice: string;
}

/** Why the peer could not run, to print instead of its figures. */
export interface NumpyMissing {
  missing: string;
}

function runScript(args: string[], coreType?: string): Promise<NumpyResult | NumpyMissing> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    OPENBLAS_NUM_THREADS: '1',
    OMP_NUM_THREADS: '1',
    MKL_NUM_THREADS: '1',
  };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  if (coreType) env.OPENBLAS_CORETYPE = coreType;
  return new Promise((resolve, reject) => {
    execFile(PYTHON, [SCRIPT, ...args], { env, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error && 'code' in error && error.code === 'ENOENT') {
        resolve({ missing: `${PYTHON} not found (apt-get install python3-numpy)` });
      } else if (/No module named '?numpy/.test(stderr)) {
        resolve({
          missing: `${PYTHON} has no numpy (apt-get install python3-numpy; python3-threadpoolctl names its BLAS kernel)`,
        });
      } else if (error) {
        reject(new Error(`bench/numpy_mlp.py failed: ${stderr || error.message}`));
      } else {
        const result = JSON.parse(stdout) as Omit<NumpyResult, 'kernelChoice'>;
        resolve({
          ...result,
          kernelChoice: coreType
            ? `OPENBLAS_CORETYPE=${coreType}`
            : 'chosen by OpenBLAS, OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset',
        });
      }
    });
  });
}

/** The OpenBLAS kernel for this processor's widest vectors, from /proc/cpuinfo (Linux only). */
function kernelForThisProcessor(): string | undefined {
  let flags: string;
  try {
    flags = readFileSync('/proc/cpuinfo', 'utf8').match(/^flags\s*:(.*)$/m)?.[1] ?? '';
  } catch {
    return undefined;
  }
  const has = (flag: string) => flags.split(' ').includes(flag);
  if (has('avx512f') && has('avx512bw') && has('avx512vl')) return 'SkylakeX';
  if (has('avx2') && has('fma')) return 'Haswell';
  return undefined;
}

/**
 * Runs the numpy peer: once with OpenBLAS's own choice of kernel, and again with the
 * processor's kernel named if OpenBLAS fell back to its generic one. Resolves with the
 * runs made, or with why numpy could not run.
 */
export async function runNumpyPeer(
  repetitions: number,
  fraction: number,
  testSize: number,
): Promise<NumpyResult[] | NumpyMissing> {
  const args = [locateMnistDir(), String(repetitions), String(fraction), String(testSize)];
  const own = await runScript(args);
  if ('missing' in own) return own;
  const better = kernelForThisProcessor();
  if (own.blas.kernel !== 'Prescott' || !better) return [own];
  const named = await runScript(args, better);
  return 'missing' in named ? [own] : [own, named];
}
