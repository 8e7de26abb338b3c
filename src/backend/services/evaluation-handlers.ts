import { loadMnist } from '../../digits/data/mnist';
import type { Dataset } from '../../engine/data/dataset';
import type { ParsedRequestOf, ResponseOf } from '../../shared/ipc/contract';
import type { EngineHost } from '../engine/engine-host';
import { ServiceError } from './errors';
import type { ModelStore } from './model-store';

type EvaluationChannel = 'evaluate' | 'evaluate:cancel' | 'mnist:testImages';
export type EvaluationHandlers = { [C in EvaluationChannel]: (request: ParsedRequestOf<C>) => Promise<ResponseOf<C>> };

export interface EvaluationDeps {
  engineHost: EngineHost;
  models: ModelStore;
  /** MNIST's folder for the gallery's test images (the engine gets it as TEGAKI_MNIST_DIR). */
  mnistDir?: string;
}

/**
 * A model on MNIST's test set, run by the engine, and the test images the report's
 * gallery shows. The last evaluation is kept, since the report screen asks again each
 * time it opens; a change to the models (a model replaced or deleted) drops it, and so
 * does its failing (a timeout, a cancel, a crash), so the next request tries again.
 */
export function createEvaluationHandlers({ engineHost, models, mnistDir }: EvaluationDeps): EvaluationHandlers {
  let lastEvaluation: { modelId: string; key: string; result: Promise<ResponseOf<'evaluate'>> } | undefined;
  models.onChanged(() => (lastEvaluation = undefined));
  /** Evaluations on their way, for 'evaluate:cancel': engine job ids by model id. */
  const inFlight = new Map<string, Set<string>>();

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
      const path = models.pathOf(id);
      const key = `${id}:${testSize ?? 'all'}`;
      if (lastEvaluation?.key === key) return lastEvaluation.result;
      const job = engineHost.evaluate(path, testSize);
      const jobs = inFlight.get(id) ?? new Set<string>();
      inFlight.set(id, jobs.add(job.jobId));
      const result = job.result.then((r) => ({ modelId: id, ...r }));
      lastEvaluation = { modelId: id, key, result };
      result
        .catch(() => {
          if (lastEvaluation?.result === result) lastEvaluation = undefined;
        })
        .finally(() => {
          jobs.delete(job.jobId);
          if (jobs.size === 0 && inFlight.get(id) === jobs) inFlight.delete(id);
        });
      return result;
    },
    'evaluate:cancel': async ({ id }) => {
      // At once, not when the job has stopped: an 'evaluate' right after must start afresh.
      if (lastEvaluation?.modelId === id) lastEvaluation = undefined;
      const jobs = [...(inFlight.get(id) ?? [])];
      return { cancelled: jobs.map((jobId) => engineHost.cancel(jobId)).some(Boolean) };
    },
    'mnist:testImages': async ({ indices }) => {
      const test = await mnistTest();
      const size = test.rows * test.cols;
      const pixels = new Uint8Array(indices.length * size);
      const labels = new Uint8Array(indices.length);
      indices.forEach((index, i) => {
        if (index >= test.count) throw new ServiceError('not-found', `the test set has ${test.count} images; there is no image ${index}`);
        pixels.set(test.images.subarray(index * size, (index + 1) * size), i * size);
        labels[i] = test.labels[index];
      });
      return { pixels, labels };
    },
  };
}
