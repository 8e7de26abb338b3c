import { open } from 'node:fs/promises';
import { z } from 'zod';
import { writeFileAtomicSync } from '../../digits/io/atomic-write';
import type { EvaluationResult } from '../../engine-process/protocol';
import { drawnDigitsFiguresSchema, notADigitFiguresSchema } from '../../shared/drawn-evaluation';
import { calibrationMeasureSchema, classificationReportSchema } from '../../shared/model-metadata';
import { DIGEST_BYTES, PREAMBLE_BYTES, align4, digestHolds, sealDigest } from '../../digits/io/signed-bytes';

/**
 * A saved model's evaluation on MNIST's test set, kept beside it in the models folder
 * (ModelStore.evaluationPathOf) so that its report opens without evaluating again:
 *
 *   "TGKE" | u32 version | u32 header bytes | JSON header | zero pad to 4 |
 *   labels (count bytes) | predictions (count bytes) | zero pad to 4 |
 *   probabilities (count x classes float32, little-endian) | SHA-256 of all of the above
 *
 * The header says what it is the evaluation of (EvaluationKey: the model file's digest
 * and the test-set size asked for) and holds the rest of the engine's EvaluationResult,
 * the drawn-digit and "not a digit" figures too. A file of another version (version 1
 * had no drawn figures) is refused, so the report evaluates afresh.
 * It is only ever a copy of what the engine can compute again, so a file that is not
 * exactly right (truncated, corrupted, another model's, too large) is refused whole
 * and the caller evaluates afresh.
 */
export const EVALUATION_FILE_MAGIC = 'TGKE';
export const EVALUATION_FILE_VERSION = 2;
export const EVALUATION_FILE_EXTENSION = '.evaluation';

/** What an evaluation file may hold: MNIST's test set of digits, and a header far larger than one needs. */
export const EVALUATION_FILE_LIMITS = { count: 10_000, classes: 10, headerBytes: 64 * 1024 } as const;

/** The most bytes a file within EVALUATION_FILE_LIMITS takes: larger ones are refused unread. */
export const EVALUATION_FILE_MAX_BYTES = layout(
  EVALUATION_FILE_LIMITS.headerBytes,
  EVALUATION_FILE_LIMITS.count,
  EVALUATION_FILE_LIMITS.classes,
).total;

/** Which evaluation a file holds: of the model file with this digest (modelDigest), on the first `testSize` test images (null: all). */
export interface EvaluationKey {
  modelDigest: string;
  testSize: number | null;
}

const headerSchema = z
  .object({
    modelDigest: z.string().regex(/^[0-9a-f]{64}$/),
    testSize: z.number().int().min(1).nullable(),
    count: z.number().int().min(0).max(EVALUATION_FILE_LIMITS.count),
    classes: z.number().int().min(1).max(EVALUATION_FILE_LIMITS.classes),
    accuracy: z.number(),
    loss: z.number(),
    confusion: z.array(z.array(z.number())),
    report: classificationReportSchema,
    calibration: calibrationMeasureSchema,
    drawn: drawnDigitsFiguresSchema,
    notADigit: notADigitFiguresSchema.nullable(),
  })
  .strict();

export class EvaluationFileError extends Error {
  constructor(detail: string) {
    super(`not a usable saved evaluation: ${detail}`);
    this.name = 'EvaluationFileError';
  }
}

export function encodeEvaluationFile(key: EvaluationKey, evaluation: EvaluationResult): Uint8Array {
  const { count, labels, predictions, probabilities, accuracy, loss, confusion, report, calibration, drawn, notADigit } =
    evaluation;
  // The engine's confusion matrix is classes x classes (confusionMatrix), even for no images.
  const classes = confusion.length;
  const header = new TextEncoder().encode(
    JSON.stringify({ ...key, count, classes, accuracy, loss, confusion, report, calibration, drawn, notADigit }),
  );
  const shapeProblem = layoutProblem(
    header.length,
    count,
    classes,
    labels.length,
    predictions.length,
    probabilities.length,
  );
  if (shapeProblem) throw new RangeError(`cannot save this evaluation: ${shapeProblem}`);
  const { labelsAt, probabilitiesAt, total } = layout(header.length, count, classes);
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode(EVALUATION_FILE_MAGIC), 0);
  view.setUint32(4, EVALUATION_FILE_VERSION, true);
  view.setUint32(8, header.length, true);
  bytes.set(header, PREAMBLE_BYTES);
  bytes.set(labels, labelsAt);
  bytes.set(predictions, labelsAt + count);
  for (let i = 0; i < probabilities.length; i++) view.setFloat32(probabilitiesAt + i * 4, probabilities[i], true);
  sealDigest(bytes);
  return bytes;
}

export function decodeEvaluationFile(bytes: Uint8Array): { key: EvaluationKey; evaluation: EvaluationResult } {
  if (bytes.length < PREAMBLE_BYTES + DIGEST_BYTES) throw new EvaluationFileError(`only ${bytes.length} bytes`);
  if (new TextDecoder().decode(bytes.subarray(0, 4)) !== EVALUATION_FILE_MAGIC) {
    throw new EvaluationFileError(`it does not start with "${EVALUATION_FILE_MAGIC}"`);
  }
  if (bytes.length > EVALUATION_FILE_MAX_BYTES)
    throw new EvaluationFileError(`${bytes.length} bytes is more than any evaluation takes`);
  if (!digestHolds(bytes)) {
    throw new EvaluationFileError('its SHA-256 digest does not match its content (truncated or corrupted)');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== EVALUATION_FILE_VERSION)
    throw new EvaluationFileError(`version ${version}, not ${EVALUATION_FILE_VERSION}`);
  const headerLength = view.getUint32(8, true);
  if (
    headerLength > EVALUATION_FILE_LIMITS.headerBytes ||
    PREAMBLE_BYTES + headerLength > bytes.length - DIGEST_BYTES
  ) {
    throw new EvaluationFileError(`a header of ${headerLength} bytes`);
  }
  let json: unknown;
  try {
    json = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + headerLength)),
    );
  } catch {
    throw new EvaluationFileError('its header is not valid JSON');
  }
  const parsed = headerSchema.safeParse(json);
  if (!parsed.success)
    throw new EvaluationFileError(`its header does not fit the schema (${parsed.error.issues[0]?.message})`);
  const { modelDigest, testSize, count, classes, ...rest } = parsed.data;
  const { labelsAt, probabilitiesAt, total } = layout(headerLength, count, classes);
  if (bytes.length !== total)
    throw new EvaluationFileError(`${bytes.length} bytes where ${count} images of ${classes} classes take ${total}`);
  if (rest.confusion.length !== classes || rest.confusion.some((row) => row.length !== classes)) {
    throw new EvaluationFileError(`its confusion matrix is not ${classes} x ${classes}`);
  }
  const labels = bytes.slice(labelsAt, labelsAt + count);
  const predictions = bytes.slice(labelsAt + count, labelsAt + 2 * count);
  if (labels.some((digit) => digit >= classes) || predictions.some((digit) => digit >= classes))
    throw new EvaluationFileError(`a class outside 0..${classes - 1}`);
  const probabilities = new Float32Array(count * classes);
  for (let i = 0; i < probabilities.length; i++) probabilities[i] = view.getFloat32(probabilitiesAt + i * 4, true);
  return { key: { modelDigest, testSize }, evaluation: { count, ...rest, labels, predictions, probabilities } };
}

/** Reads and decodes the file at `path`, refusing unread one larger than any evaluation takes. Throws ENOENT's error when there is none. */
export async function readEvaluationFile(path: string): Promise<{ key: EvaluationKey; evaluation: EvaluationResult }> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    if (size > EVALUATION_FILE_MAX_BYTES)
      throw new EvaluationFileError(`${size} bytes is more than any evaluation takes`);
    return decodeEvaluationFile(new Uint8Array(await file.readFile()));
  } finally {
    await file.close();
  }
}

/** Writes atomically (atomic-write.ts): a failure leaves whatever was there before. */
export function saveEvaluationFile(path: string, key: EvaluationKey, evaluation: EvaluationResult): void {
  writeFileAtomicSync(path, encodeEvaluationFile(key, evaluation));
}

function layout(
  headerLength: number,
  count: number,
  classes: number,
): { labelsAt: number; probabilitiesAt: number; total: number } {
  const labelsAt = align4(PREAMBLE_BYTES + headerLength);
  const probabilitiesAt = align4(labelsAt + 2 * count);
  return { labelsAt, probabilitiesAt, total: probabilitiesAt + 4 * count * classes + DIGEST_BYTES };
}

function layoutProblem(
  headerLength: number,
  count: number,
  classes: number,
  labels: number,
  predictions: number,
  probabilities: number,
): string | undefined {
  if (headerLength > EVALUATION_FILE_LIMITS.headerBytes) return `a header of ${headerLength} bytes`;
  if (count > EVALUATION_FILE_LIMITS.count || classes < 1 || classes > EVALUATION_FILE_LIMITS.classes) {
    return `${count} images of ${classes} classes`;
  }
  if (labels !== count || predictions !== count || probabilities !== count * classes) {
    return `${labels} labels, ${predictions} predictions and ${probabilities} probabilities for ${count} images`;
  }
  return undefined;
}
