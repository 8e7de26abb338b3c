import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  decodeEvaluationFile,
  encodeEvaluationFile,
  EVALUATION_FILE_MAX_BYTES,
  EvaluationFileError,
  readEvaluationFile,
  saveEvaluationFile,
} from '../../../src/backend/services/evaluation-file';
import type { EvaluationKey } from '../../../src/backend/services/evaluation-file';
import { evaluationOf, probs } from '../../fixtures/evaluations';
import { removeDirs, tempDir } from '../fixtures';

const key: EvaluationKey = { modelDigest: 'ab'.repeat(32), testSize: null };
const evaluation = () =>
  evaluationOf([
    [3, 3, probs(3, 0.9)],
    [7, 1, probs(1, 0.6, [7, 0.3])],
    [0, 0, probs(0, 0.999)],
  ]);

/** The same bytes with a new SHA-256 at the end, as a file written on purpose would carry. */
function resigned(bytes: Uint8Array): Uint8Array {
  const body = bytes.subarray(0, bytes.length - 32);
  return Uint8Array.from([...body, ...createHash('sha256').update(body).digest()]);
}

/** An encoded file whose JSON header is replaced by `edit` of it, digest recomputed. */
function withHeader(edit: (header: Record<string, unknown>) => unknown): Uint8Array {
  const bytes = encodeEvaluationFile(key, evaluation());
  const view = new DataView(bytes.buffer);
  const length = view.getUint32(8, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + length)));
  const edited = new TextEncoder().encode(JSON.stringify(edit(header)).padEnd(length, ' '));
  if (edited.length !== length) throw new Error('the test edit must not lengthen the header');
  bytes.set(edited, 12);
  return resigned(bytes);
}

const dirs: string[] = [];
afterEach(() => removeDirs(dirs));

describe('the evaluation file', () => {
  it('gives back exactly what was saved, and the key it was saved under', async () => {
    const dir = await tempDir('evaluation-file');
    dirs.push(dir);
    const path = join(dir, 'm.evaluation');
    saveEvaluationFile(path, { modelDigest: key.modelDigest, testSize: 3 }, evaluation());
    expect(await readEvaluationFile(path)).toEqual({
      key: { modelDigest: key.modelDigest, testSize: 3 },
      evaluation: evaluation(),
    });
  });

  it('holds 10,000 test images in under half a megabyte', () => {
    const rows = Array.from({ length: 10_000 }, (_, i): [number, number, number[]] => [
      i % 10,
      (i * 7) % 10,
      probs((i * 7) % 10, 0.8),
    ]);
    const bytes = encodeEvaluationFile(key, evaluationOf(rows));
    expect(bytes.length).toBeLessThan(EVALUATION_FILE_MAX_BYTES);
    expect(bytes.length).toBeLessThan(512 * 1024);
    expect(decodeEvaluationFile(bytes).evaluation).toEqual(evaluationOf(rows));
  });

  it('refuses a file cut short at any length', () => {
    const bytes = encodeEvaluationFile(key, evaluation());
    for (let length = 0; length < bytes.length; length++) {
      expect(() => decodeEvaluationFile(bytes.subarray(0, length)), `${length} bytes`).toThrow(EvaluationFileError);
    }
  });

  it('refuses a file with any one byte changed', () => {
    const bytes = encodeEvaluationFile(key, evaluation());
    for (let at = 0; at < bytes.length; at++) {
      const changed = bytes.slice();
      changed[at] ^= 0x10;
      expect(() => decodeEvaluationFile(changed), `byte ${at}`).toThrow(EvaluationFileError);
    }
  });

  it('refuses a well-signed file whose content does not hold together', () => {
    expect(() => decodeEvaluationFile(withHeader((h) => ({ ...h, count: 4 })))).toThrow(/bytes where 4 images/);
    expect(() => decodeEvaluationFile(withHeader((h) => ({ ...h, classes: 9 })))).toThrow(EvaluationFileError);
    expect(() => decodeEvaluationFile(withHeader((h) => ({ ...h, modelDigest: 'not hex' })))).toThrow(/schema/);
    expect(() => decodeEvaluationFile(withHeader((h) => ({ ...h, confusion: [[1]] })))).toThrow(/confusion matrix/);
    expect(() => decodeEvaluationFile(resigned(new TextEncoder().encode(`TGKE${'x'.repeat(100)}`)))).toThrow(
      EvaluationFileError,
    );
    const bytes = encodeEvaluationFile(key, evaluation());
    const labelsAt = (12 + new DataView(bytes.buffer).getUint32(8, true) + 3) & ~3;
    bytes[labelsAt] = 10;
    expect(() => decodeEvaluationFile(resigned(bytes))).toThrow(/a class outside/);
  });

  it('refuses unread a file larger than any evaluation takes', async () => {
    const dir = await tempDir('evaluation-file');
    dirs.push(dir);
    const path = join(dir, 'huge.evaluation');
    await writeFile(path, new Uint8Array(EVALUATION_FILE_MAX_BYTES + 1));
    await expect(readEvaluationFile(path)).rejects.toThrow(/more than any evaluation takes/);
    await expect(readEvaluationFile(join(dir, 'none.evaluation'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
