import { existsSync } from 'node:fs';
import { mkdir, readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { EVALUATION_FILE_VERSION, readEvaluationFile } from '../../../src/backend/services/evaluation-file';
import { align4, sealDigest } from '../../../src/digits/io/signed-bytes';
import { checkedModelDigest, encodeModelFile, modelDigest } from '../../../src/digits/io/model-file';
import { saveModel } from '../../../src/digits/io/saved-model';
import { Sequential } from '../../../src/engine/model/sequential';
import { fakeTrainedModel, useRealBackend } from '../fixtures';

// A model's evaluation on the test set is saved beside it and read back when its report
// opens again, against real folders and a real engine child process. A "reopened"
// backend is a new one on the same folders, as after a restart; they share one engine
// process, whose evaluate jobs are counted.

/** Small enough to be quick, large enough for the two models below to differ. */
const testSize = 300;
const env = useRealBackend();
const { call, reopen } = env;
let engineEvaluations: ReturnType<typeof vi.spyOn>;

beforeEach(() => {
  engineEvaluations = vi.spyOn(env.engineHost, 'evaluate');
});

/** What a fresh engine evaluation of the file at `path` answers, with the id the backend adds. */
async function freshEvaluation(path: string, modelId: string) {
  return { modelId, ...(await env.engineHost.evaluate(path, testSize).result) };
}

describe('a saved evaluation', () => {
  it('opens the report again without running the engine, after a restart too, and equals a fresh evaluation', async () => {
    const first = await call('evaluate', { id: 'default', testSize });
    expect(engineEvaluations).toHaveBeenCalledTimes(1);
    const saved = await readEvaluationFile(env.backend.models.evaluationPathOf('default'));
    expect(saved.key).toEqual({
      modelDigest: modelDigest(await readFile(join(env.resources, 'default-model.tgk'))),
      testSize,
    });

    await reopen();
    const second = await call('evaluate', { id: 'default', testSize });
    expect(engineEvaluations).toHaveBeenCalledTimes(1);
    expect(second).toEqual(first);
    expect(second).toEqual(await freshEvaluation(join(env.resources, 'default-model.tgk'), 'default'));
  });

  it('is keyed by the test size: another size is evaluated, not served the saved one', async () => {
    await call('evaluate', { id: 'default', testSize });
    await reopen();
    const other = await call('evaluate', { id: 'default', testSize: testSize - 1 });
    expect(other.count).toBe(testSize - 1);
    expect(engineEvaluations).toHaveBeenCalledTimes(2);
  });

  it('cut short, corrupted, replaced by garbage or emptied, is evaluated afresh and saved again, never shown', async () => {
    const first = await call('evaluate', { id: 'default', testSize });
    const { modelId: _, ...evaluation } = first;
    const path = env.backend.models.evaluationPathOf('default');
    const size = (await readFile(path)).length;
    const damages: [string, () => Promise<void>][] = [
      ['cut short', () => truncate(path, size - 100)],
      [
        'one byte changed',
        async () => {
          const bytes = await readFile(path);
          bytes[size - 200] ^= 0xff;
          await writeFile(path, bytes);
        },
      ],
      ['garbage', () => writeFile(path, 'not an evaluation')],
      ['empty', () => writeFile(path, '')],
    ];
    for (const [index, [damage, apply]] of damages.entries()) {
      await apply();
      await reopen();
      expect(await call('evaluate', { id: 'default', testSize }), damage).toEqual(first);
      expect(engineEvaluations, damage).toHaveBeenCalledTimes(2 + index);
      expect((await readEvaluationFile(path)).evaluation, `${damage}: saved again`).toEqual(evaluation);
    }
    expect(env.logged.filter((line) => line.includes('ignored'))).toHaveLength(damages.length);
  });

  it('saved by an older version, before the drawn-digit figures, is evaluated afresh and saved at this version', async () => {
    const first = await call('evaluate', { id: 'default', testSize });
    const path = env.backend.models.evaluationPathOf('default');
    const { key, evaluation } = await readEvaluationFile(path);
    await writeFile(path, versionOneFile(key, evaluation));

    await reopen();
    expect(await call('evaluate', { id: 'default', testSize })).toEqual(first);
    expect(engineEvaluations).toHaveBeenCalledTimes(2);
    expect(env.logged.some((line) => line.includes(`version 1, not ${EVALUATION_FILE_VERSION}`))).toBe(true);
    const resaved = await readFile(path);
    expect(new DataView(resaved.buffer, resaved.byteOffset).getUint32(4, true)).toBe(EVALUATION_FILE_VERSION);
    expect((await readEvaluationFile(path)).evaluation.drawn).toEqual(first.drawn);
  });

  it("of a model file since replaced is not served: the new file's is evaluated and saved", async () => {
    const old = await call('evaluate', { id: 'default', testSize });
    const modelPath = join(env.resources, 'default-model.tgk');
    const other = fakeTrainedModel(7);
    await saveModel(modelPath, Sequential.fromWeights(other.spec, other.tensors), { name: 'another default' });

    await reopen();
    const replaced = await call('evaluate', { id: 'default', testSize });
    expect(engineEvaluations).toHaveBeenCalledTimes(2);
    expect(replaced.probabilities).not.toEqual(old.probabilities);
    expect(replaced).toEqual(await freshEvaluation(modelPath, 'default'));
    const saved = await readEvaluationFile(env.backend.models.evaluationPathOf('default'));
    expect(saved.key.modelDigest).toBe(checkedModelDigest(await readFile(modelPath)));
  });

  it('goes when its model is deleted, and one of no listed model goes at start-up', async () => {
    const trained = fakeTrainedModel(3);
    const bytes = encodeModelFile({ spec: trained.spec, metadata: { name: 'mine' }, tensors: trained.tensors });
    const { model } = await call('models:import', { fileName: 'mine.tgk', bytes });
    await call('evaluate', { id: model!.id, testSize });
    const path = env.backend.models.evaluationPathOf(model!.id);
    expect(existsSync(path)).toBe(true);
    await call('models:delete', { id: model!.id });
    expect(existsSync(path)).toBe(false);

    const orphan = env.backend.models.evaluationPathOf('m-gone-00000000');
    await writeFile(orphan, 'left behind by a crash mid-delete');
    await call('evaluate', { id: 'default', testSize });
    await reopen();
    expect(existsSync(orphan)).toBe(false);
    expect(existsSync(env.backend.models.evaluationPathOf('default'))).toBe(true);
  });

  it('that cannot be written loses nothing: the report still comes, and the next open evaluates again', async () => {
    // A folder where the file should go: every write of it fails, as on a full disk.
    await mkdir(env.backend.models.evaluationPathOf('default'), { recursive: true });
    const first = await call('evaluate', { id: 'default', testSize });
    expect(first.count).toBe(testSize);
    expect(env.logged.some((line) => line.includes('was not saved'))).toBe(true);
    await reopen();
    expect(await call('evaluate', { id: 'default', testSize })).toEqual(first);
    expect(engineEvaluations).toHaveBeenCalledTimes(2);
  });
});

/**
 * A saved evaluation as version 1 wrote it: the same layout, its header without the
 * drawn-digit and "not a digit" figures, which that version did not have.
 */
function versionOneFile(
  key: Awaited<ReturnType<typeof readEvaluationFile>>['key'],
  evaluation: Awaited<ReturnType<typeof readEvaluationFile>>['evaluation'],
): Uint8Array {
  const { count, labels, predictions, probabilities, accuracy, loss, confusion, report, calibration } = evaluation;
  const classes = confusion.length;
  const header = new TextEncoder().encode(
    JSON.stringify({ ...key, count, classes, accuracy, loss, confusion, report, calibration }),
  );
  const labelsAt = align4(12 + header.length);
  const probabilitiesAt = align4(labelsAt + 2 * count);
  const bytes = new Uint8Array(probabilitiesAt + 4 * count * classes + 32);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode('TGKE'), 0);
  view.setUint32(4, 1, true);
  view.setUint32(8, header.length, true);
  bytes.set(header, 12);
  bytes.set(labels, labelsAt);
  bytes.set(predictions, labelsAt + count);
  probabilities.forEach((p, i) => view.setFloat32(probabilitiesAt + i * 4, p, true));
  sealDigest(bytes);
  return bytes;
}
