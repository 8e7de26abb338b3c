import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { loadMnist } from '../../digits/data/mnist';
import { checkedModelDigest, readModelFileBytes } from '../../digits/io/model-file';
import type { Dataset } from '../../engine/data/dataset';
import type { EvaluationResult } from '../../engine-process/protocol';
import type { ParsedRequestOf, ResponseOf } from '../../shared/ipc/contract';
import type { EngineHost } from '../engine/engine-host';
import { EngineJobError } from '../engine/engine-host';
import { ServiceError } from './errors';
import type { EvaluationKey } from './evaluation-file';
import { readEvaluationFile, saveEvaluationFile } from './evaluation-file';
import type { ModelStore } from './model-store';
import { reasonOf } from './model-store';

type EvaluationChannel = 'evaluate' | 'evaluate:cancel' | 'mnist:testImages';
export type EvaluationHandlers = { [C in EvaluationChannel]: (request: ParsedRequestOf<C>) => Promise<ResponseOf<C>> };

export interface EvaluationDeps {
  engineHost: EngineHost;
  models: ModelStore;
  /** MNIST's folder for the gallery's test images (the engine gets it as TEGAKI_MNIST_DIR). */
  mnistDir?: string;
  log?: (line: string) => void;
}

/** An evaluation on its way: its engine job once it has one, and whether it was cancelled before then. */
interface Pending {
  jobId?: string;
  cancelled: boolean;
}

/**
 * A model on MNIST's test set, and the test images the report's gallery shows. A model
 * file never changes its evaluation, so the engine runs it once per model file and test
 * size: the result is saved beside the model (evaluation-file.ts, keyed by the file's
 * digest), and opening the report again, after a restart too, reads it back. A saved
 * evaluation that is missing, another file's, or not exactly right is evaluated afresh
 * and saved again; one that cannot be saved is still answered. The last answer is also
 * kept in memory; a change to the models (a model replaced or deleted) drops it, and so
 * does its failing (a timeout, a cancel, a crash), so the next request tries again.
 */
export function createEvaluationHandlers({
  engineHost,
  models,
  mnistDir,
  log = () => undefined,
}: EvaluationDeps): EvaluationHandlers {
  let lastEvaluation: { modelId: string; key: string; result: Promise<ResponseOf<'evaluate'>> } | undefined;
  models.onChanged(() => (lastEvaluation = undefined));
  /** Evaluations on their way, for 'evaluate:cancel', by model id. */
  const inFlight = new Map<string, Set<Pending>>();

  /** The model file's digest, checked; undefined if it cannot be read or is corrupted (the engine then says why). */
  const digestOf = async (path: string): Promise<string | undefined> => {
    try {
      return checkedModelDigest(await readModelFileBytes(path));
    } catch {
      return undefined;
    }
  };

  /** The evaluation saved at `path` if it is `key`'s; a file there that cannot be used is said in the log and replaced later. */
  const savedEvaluation = async (path: string, key: EvaluationKey): Promise<EvaluationResult | undefined> => {
    try {
      const saved = await readEvaluationFile(path);
      return saved.key.modelDigest === key.modelDigest && saved.key.testSize === key.testSize
        ? saved.evaluation
        : undefined;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') log(`[evaluation] ignored ${path}: ${reasonOf(error)}`);
      return undefined;
    }
  };

  const save = async (path: string, key: EvaluationKey, evaluation: EvaluationResult): Promise<void> => {
    try {
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      saveEvaluationFile(path, key, evaluation);
    } catch (error) {
      log(`[evaluation] the evaluation was not saved (it will be computed again next time): ${reasonOf(error)}`);
    }
  };

  const savedOrFresh = async (
    modelPath: string,
    savedPath: string,
    testSize: number | undefined,
    pending: Pending,
  ): Promise<EvaluationResult> => {
    const modelDigest = await digestOf(modelPath);
    const key = modelDigest === undefined ? undefined : { modelDigest, testSize: testSize ?? null };
    const saved = key && (await savedEvaluation(savedPath, key));
    if (pending.cancelled) throw new EngineJobError('cancelled', 'evaluate cancelled');
    if (saved) return saved;
    const job = engineHost.evaluate(modelPath, testSize);
    pending.jobId = job.jobId;
    const evaluation = await job.result;
    // Saved only if the file is still the one whose digest keys it.
    if (key && (await digestOf(modelPath)) === key.modelDigest) await save(savedPath, key, evaluation);
    return evaluation;
  };

  let testSet: Promise<Dataset> | undefined;
  const mnistTest = (): Promise<Dataset> => {
    if (testSet) return testSet;
    const loading = loadMnist({ dir: mnistDir, trainSize: 0 }).then((data) => data.test);
    loading.catch(() => (testSet = undefined));
    testSet = loading;
    return loading;
  };

  return {
    evaluate: ({ id, testSize }) => {
      const modelPath = models.pathOf(id);
      const key = `${id}:${testSize ?? 'all'}`;
      if (lastEvaluation?.key === key) return lastEvaluation.result;
      const pending: Pending = { cancelled: false };
      const running = inFlight.get(id) ?? new Set<Pending>();
      inFlight.set(id, running.add(pending));
      const result = savedOrFresh(modelPath, models.evaluationPathOf(id), testSize, pending).then((r) => ({
        modelId: id,
        ...r,
      }));
      lastEvaluation = { modelId: id, key, result };
      result
        .catch(() => {
          if (lastEvaluation?.result === result) lastEvaluation = undefined;
        })
        .finally(() => {
          running.delete(pending);
          if (running.size === 0 && inFlight.get(id) === running) inFlight.delete(id);
        });
      return result;
    },
    'evaluate:cancel': async ({ id }) => {
      // At once, not when the job has stopped: an 'evaluate' right after must start afresh.
      if (lastEvaluation?.modelId === id) lastEvaluation = undefined;
      const cancelled = [...(inFlight.get(id) ?? [])].map((pending) => {
        if (pending.jobId !== undefined) return engineHost.cancel(pending.jobId);
        // Still looking for its saved evaluation: it will answer 'cancelled' and start no engine job.
        pending.cancelled = true;
        return true;
      });
      return { cancelled: cancelled.some(Boolean) };
    },
    'mnist:testImages': async ({ indices }) => {
      const test = await mnistTest();
      const size = test.rows * test.cols;
      const pixels = new Uint8Array(indices.length * size);
      const labels = new Uint8Array(indices.length);
      indices.forEach((index, i) => {
        if (index >= test.count)
          throw new ServiceError('not-found', `the test set has ${test.count} images; there is no image ${index}`);
        pixels.set(test.images.subarray(index * size, (index + 1) * size), i * size);
        labels[i] = test.labels[index];
      });
      return { pixels, labels };
    },
  };
}
