import { describe, expect, it, vi } from 'vitest';
import type { EngineHost } from '../../../src/backend/engine/engine-host';
import { EngineJobError } from '../../../src/backend/engine/engine-host';
import type { EvaluationResult } from '../../../src/engine-process/protocol';
import { evaluationOf, probs } from '../../fixtures/evaluations';
import { createEvaluationHandlers } from '../../../src/backend/services/evaluation-handlers';
import type { ModelStore } from '../../../src/backend/services/model-store';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const result = (): EvaluationResult => evaluationOf([[3, 3, probs(3, 0.9)]]);

/** An engine whose evaluations end when the test says so; a cancel ends one as the real engine does. */
function fakeEngine() {
  const jobs = new Map<string, ReturnType<typeof deferred<EvaluationResult>>>();
  const started: string[] = [];
  let next = 0;
  const engineHost = {
    evaluate: (path: string) => {
      const jobId = `job-${++next}`;
      const job = deferred<EvaluationResult>();
      jobs.set(jobId, job);
      started.push(path);
      return { jobId, result: job.promise };
    },
    cancel: (jobId: string) => {
      jobs.get(jobId)?.reject(new EngineJobError('cancelled', 'evaluation cancelled'));
      return jobs.delete(jobId);
    },
  };
  // No model file there: the handlers find no saved evaluation and ask the engine.
  const models = {
    pathOf: (id: string) => `/models/${id}.tgk`,
    evaluationPathOf: (id: string) => `/models/${id}.evaluation`,
    onChanged: () => () => undefined,
  };
  const handlers = createEvaluationHandlers({ engineHost: engineHost as unknown as EngineHost, models: models as unknown as ModelStore });
  /** Resolves once `count` engine jobs have started: the handlers look for a saved evaluation first. */
  const startedJobs = (count: number) => vi.waitFor(() => expect(started).toHaveLength(count));
  return { handlers, jobs, started, startedJobs };
}

describe('the evaluation handlers', () => {
  it('keep an evaluation, but drop one that timed out, so the next request evaluates again', async () => {
    const { handlers, jobs, started, startedJobs } = fakeEngine();
    const first = handlers.evaluate({ id: 'a' });
    expect(handlers.evaluate({ id: 'a' })).toBe(first);
    await startedJobs(1);
    jobs.get('job-1')!.reject(new EngineJobError('timeout', 'The job (evaluate) did not finish within its time limit'));
    await expect(first).rejects.toMatchObject({ code: 'timeout' });

    const second = handlers.evaluate({ id: 'a' });
    await startedJobs(2);
    expect(started).toEqual(['/models/a.tgk', '/models/a.tgk']);
    jobs.get('job-2')!.resolve(result());
    expect(await second).toMatchObject({ modelId: 'a', accuracy: 1 });
    expect(handlers.evaluate({ id: 'a' })).toBe(second);
  });

  it("cancel a model's evaluation on its way: it answers 'cancelled' and the next request starts afresh", async () => {
    const { handlers, startedJobs } = fakeEngine();
    const evaluation = handlers.evaluate({ id: 'a' });
    await startedJobs(1);
    expect(await handlers['evaluate:cancel']({ id: 'b' })).toEqual({ cancelled: false });
    expect(await handlers['evaluate:cancel']({ id: 'a' })).toEqual({ cancelled: true });
    await expect(evaluation).rejects.toMatchObject({ code: 'cancelled' });
    void handlers.evaluate({ id: 'a' });
    await startedJobs(2);
    expect(await handlers['evaluate:cancel']({ id: 'a' })).toEqual({ cancelled: true });
  });

  it("cancel one still looking for its saved evaluation: it answers 'cancelled' and starts no engine job", async () => {
    const { handlers, started } = fakeEngine();
    const evaluation = handlers.evaluate({ id: 'a' });
    expect(await handlers['evaluate:cancel']({ id: 'a' })).toEqual({ cancelled: true });
    await expect(evaluation).rejects.toMatchObject({ code: 'cancelled' });
    expect(started).toEqual([]);
  });
});
