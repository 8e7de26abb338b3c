/**
 * `npm run bench -- --only report`: how long the built-in model's report takes to open,
 * through the backend's 'evaluate' as the app asks it, with a real engine process (the
 * app's child process, started before the clock runs). The first open evaluates the model
 * on MNIST's test set in the engine (reading MNIST too, as the engine's first job after
 * start-up does) and saves the evaluation beside the model; a fresh evaluation is the same
 * with MNIST already read and no saved evaluation; a cached open is a new backend on the
 * same folders, as after a restart, which reads the saved evaluation back. Figures, not bars.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineHost } from '../src/backend/engine/engine-host';
import { engineSourceEntry, nodeSpawn } from '../src/backend/engine/node-spawn';
import { createBackend } from '../src/backend/services/backend';
import { loadModel } from '../src/digits/io/saved-model';
import { describeArchitecture } from '../src/engine/training/architecture';
import { median } from './shared';

const CACHED_OPENS = 5;

export async function runReportOpenBench(smoke: boolean): Promise<void> {
  const resourcesDir = join(import.meta.dirname, '..', 'resources');
  const { model } = await loadModel(join(resourcesDir, 'default-model.tgk'));
  const testSize = smoke ? 500 : undefined;
  const userDataDir = await mkdtemp(join(tmpdir(), 'tegaki-bench-report-'));
  const engineHost = new EngineHost({ spawn: nodeSpawn, entryPath: engineSourceEntry, log: () => undefined });
  const open = () => createBackend({ userDataDir, resourcesDir, engineHost, log: () => undefined });
  let evaluations = 0;
  const evaluate = engineHost.evaluate.bind(engineHost);
  engineHost.evaluate = (modelPath, size) => {
    evaluations++;
    return evaluate(modelPath, size);
  };
  /** Milliseconds from asking `backend`, just opened, for the report's evaluation to having it. */
  const timedOpen = async (backend = open()): Promise<number> => {
    await backend.ready;
    const started = performance.now();
    const result = await backend.handle('evaluate', { id: 'default', testSize });
    const ms = performance.now() - started;
    if (!result.ok) throw new Error(`evaluate failed: ${result.error.message}`);
    return ms;
  };
  try {
    await engineHost.ping();
    const backend = open();
    const first = await timedOpen(backend);
    const savedPath = backend.models.evaluationPathOf('default');
    const { size } = await stat(savedPath);
    await rm(savedPath);
    const fresh = await timedOpen();
    const before = evaluations;
    const cached: number[] = [];
    for (let i = 0; i < CACHED_OPENS; i++) cached.push(await timedOpen());
    if (evaluations !== before) throw new Error('a cached open ran the engine');
    const images = (testSize ?? 10_000).toLocaleString('en-US');
    console.log(`Report open: the built-in model (${describeArchitecture(model.spec)}) on ${images} test images`);
    console.log(
      `  first open ${first.toFixed(0)} ms (engine evaluates, reading MNIST first) | ` +
        `fresh evaluation ${fresh.toFixed(0)} ms (MNIST read) | ` +
        `cached open ${median(cached).toFixed(1)} ms (median of ${CACHED_OPENS} restarts, ` +
        `${Math.min(...cached).toFixed(1)}-${Math.max(...cached).toFixed(1)}; no engine job) | ` +
        `saved evaluation ${(size / 1024).toFixed(0)} KiB`,
    );
  } finally {
    await engineHost.dispose();
    await rm(userDataDir, { recursive: true, force: true });
  }
}
