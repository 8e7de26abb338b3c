import { describe, expect, it } from 'vitest';
import { FineTunePreparer, PREPARE_FINE_TUNE_AT } from '../../../src/backend/services/fine-tune-preparer';
import type { FineTuneRequest } from '../../../src/engine-process/protocol';

/** A preparer over a fake engine that records each request and answers as told. */
function preparerWith(answer: () => Promise<{ prepared: boolean }>) {
  const asked: FineTuneRequest[] = [];
  const logged: string[] = [];
  let active = '/models/a.tgk';
  const preparer = new FineTunePreparer({
    engineHost: {
      prepareFineTune: (fineTune) => {
        asked.push(fineTune);
        return { jobId: `job${asked.length}`, result: answer() };
      },
    },
    // Only the path of the active model is read.
    activeModel: { get: async () => ({ path: active }) as never },
    featureCachePath: '/user/fine-tune-features.tgkf',
    log: (line) => logged.push(line),
  });
  return { preparer, asked, logged, activate: (path: string) => (active = path) };
}

describe('preparing the first fine-tune ahead of the click', () => {
  it(`asks the engine once the person has ${PREPARE_FINE_TUNE_AT} corrected drawings, once per model file`, async () => {
    const { preparer, asked, activate } = preparerWith(async () => ({ prepared: true }));
    for (let n = 1; n < PREPARE_FINE_TUNE_AT; n++) await preparer.samplesChanged(n);
    expect(asked).toEqual([]);
    await preparer.samplesChanged(PREPARE_FINE_TUNE_AT);
    expect(asked).toEqual([{ modelPath: '/models/a.tgk', featureCachePath: '/user/fine-tune-features.tgkf' }]);
    await preparer.samplesChanged(PREPARE_FINE_TUNE_AT + 1);
    expect(asked).toHaveLength(1);
    activate('/models/b.tgk');
    await preparer.samplesChanged(PREPARE_FINE_TUNE_AT + 2);
    expect(asked.map((r) => r.modelPath)).toEqual(['/models/a.tgk', '/models/b.tgk']);
  });

  it('logs a failed preparation, never throws, and tries again on the next change', async () => {
    let fail = true;
    const { preparer, asked, logged } = preparerWith(async () => {
      if (fail) throw new Error('engine crashed');
      return { prepared: true };
    });
    await expect(preparer.samplesChanged(PREPARE_FINE_TUNE_AT)).resolves.toBeUndefined();
    expect(logged.join('\n')).toMatch(/preparing \/models\/a\.tgk failed: engine crashed/);
    fail = false;
    await preparer.samplesChanged(PREPARE_FINE_TUNE_AT);
    expect(asked).toHaveLength(2);
    await preparer.samplesChanged(PREPARE_FINE_TUNE_AT);
    expect(asked).toHaveLength(2);
  });
});
