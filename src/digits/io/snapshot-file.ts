import { open } from 'node:fs/promises';
import { z } from 'zod';
import type { TrainingSnapshot } from '../../engine/training/snapshots';
import { MAX_SNAPSHOTS, SNAPSHOT_BUDGET_BYTES } from '../../engine/training/snapshots';
import { writeFileAtomicSync } from './atomic-write';
import { DIGEST_BYTES, PREAMBLE_BYTES, align4, digestHolds, sealDigest } from './signed-bytes';

/**
 * A model's training timeline (engine/training/snapshots.ts), kept beside its model file
 * in the models folder (ModelStore.snapshotsPathOf) rather than inside it: the model file
 * stays the size of one set of weights, exports and imports elsewhere as it always did,
 * and deleting the timeline is deleting this file.
 *
 *   "TGKS" | u32 version | u32 header bytes | JSON header | zero pad to 4 |
 *   float32 tensors (little-endian) of snapshot 0, then snapshot 1, ... | SHA-256 of all of the above
 *
 * The header names the model file it belongs to (its digest), the tensors every snapshot
 * holds (names and shapes, in the model's order) and each snapshot's step and epoch.
 * A file that is not exactly right (truncated, corrupted, beyond the limits) is refused
 * whole, and one larger than any timeline may be is refused unread.
 */
export const SNAPSHOT_FILE_MAGIC = 'TGKS';
export const SNAPSHOT_FILE_VERSION = 1;
export const SNAPSHOT_FILE_EXTENSION = '.snapshots';

/** What a snapshot file may hold: the trainer's own bounds, and a header far larger than one needs. */
export const SNAPSHOT_FILE_LIMITS = {
  snapshots: MAX_SNAPSHOTS,
  weightBytes: SNAPSHOT_BUDGET_BYTES,
  headerBytes: 1024 * 1024,
  tensors: 256,
} as const;

/** The most bytes a file within SNAPSHOT_FILE_LIMITS takes. */
export const SNAPSHOT_FILE_MAX_BYTES =
  align4(PREAMBLE_BYTES + SNAPSHOT_FILE_LIMITS.headerBytes) + SNAPSHOT_FILE_LIMITS.weightBytes + DIGEST_BYTES;

export interface SnapshotFileContent {
  /** The hex SHA-256 of the model file (modelDigest) these snapshots led to. */
  modelDigest: string;
  snapshots: TrainingSnapshot[];
}

const headerSchema = z
  .object({
    modelDigest: z.string().regex(/^[0-9a-f]{64}$/),
    tensors: z
      .array(z.object({ name: z.string().max(200), shape: z.array(z.number().int().min(0)).max(8) }).strict())
      .max(SNAPSHOT_FILE_LIMITS.tensors),
    snapshots: z
      .array(z.object({ step: z.number().int().min(0), epoch: z.number().min(0) }).strict())
      .min(1)
      .max(SNAPSHOT_FILE_LIMITS.snapshots),
  })
  .strict();

export class SnapshotFileError extends Error {
  constructor(detail: string) {
    super(`not a usable training timeline: ${detail}`);
    this.name = 'SnapshotFileError';
  }
}

const product = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

export function encodeSnapshotFile({ modelDigest, snapshots }: SnapshotFileContent): Uint8Array {
  const first = snapshots[0];
  if (!first) throw new RangeError('cannot save a timeline of no snapshots');
  const tensors = first.tensors.map((t) => ({ name: t.name, shape: [...t.shape] }));
  const perSnapshot = tensors.reduce((n, t) => n + product(t.shape), 0);
  for (const s of snapshots) {
    const same = s.tensors.length === tensors.length && s.tensors.every((t, i) => t.name === tensors[i].name && t.data.length === product(tensors[i].shape));
    if (!same) throw new RangeError(`snapshot at step ${s.step} does not hold the tensors the first one does`);
  }
  const header = new TextEncoder().encode(
    JSON.stringify({ modelDigest, tensors, snapshots: snapshots.map(({ step, epoch }) => ({ step, epoch })) }),
  );
  const weightBytes = 4 * perSnapshot * snapshots.length;
  if (header.length > SNAPSHOT_FILE_LIMITS.headerBytes || weightBytes > SNAPSHOT_FILE_LIMITS.weightBytes || snapshots.length > SNAPSHOT_FILE_LIMITS.snapshots) {
    throw new RangeError(`cannot save ${snapshots.length} snapshots of ${perSnapshot} values: beyond SNAPSHOT_FILE_LIMITS`);
  }
  const dataStart = align4(PREAMBLE_BYTES + header.length);
  const bytes = new Uint8Array(dataStart + weightBytes + DIGEST_BYTES);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode(SNAPSHOT_FILE_MAGIC), 0);
  view.setUint32(4, SNAPSHOT_FILE_VERSION, true);
  view.setUint32(8, header.length, true);
  bytes.set(header, PREAMBLE_BYTES);
  let at = dataStart;
  for (const s of snapshots) {
    for (const t of s.tensors) {
      for (let j = 0; j < t.data.length; j++, at += 4) view.setFloat32(at, t.data[j], true);
    }
  }
  sealDigest(bytes);
  return bytes;
}

export function decodeSnapshotFile(bytes: Uint8Array): SnapshotFileContent {
  if (bytes.length < PREAMBLE_BYTES + DIGEST_BYTES) throw new SnapshotFileError(`only ${bytes.length} bytes`);
  if (new TextDecoder().decode(bytes.subarray(0, 4)) !== SNAPSHOT_FILE_MAGIC) {
    throw new SnapshotFileError(`it does not start with "${SNAPSHOT_FILE_MAGIC}"`);
  }
  if (bytes.length > SNAPSHOT_FILE_MAX_BYTES) throw new SnapshotFileError(`${bytes.length} bytes is more than any timeline takes`);
  if (!digestHolds(bytes)) throw new SnapshotFileError('its SHA-256 digest does not match its content (truncated or corrupted)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== SNAPSHOT_FILE_VERSION) throw new SnapshotFileError(`version ${version}, not ${SNAPSHOT_FILE_VERSION}`);
  const headerLength = view.getUint32(8, true);
  if (headerLength > SNAPSHOT_FILE_LIMITS.headerBytes || PREAMBLE_BYTES + headerLength > bytes.length - DIGEST_BYTES) {
    throw new SnapshotFileError(`a header of ${headerLength} bytes`);
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + headerLength)));
  } catch {
    throw new SnapshotFileError('its header is not valid JSON');
  }
  const parsed = headerSchema.safeParse(json);
  if (!parsed.success) throw new SnapshotFileError(`its header does not fit the schema (${parsed.error.issues[0]?.message})`);
  const { modelDigest, tensors, snapshots } = parsed.data;
  const perSnapshot = tensors.reduce((n, t) => n + product(t.shape), 0);
  const weightBytes = 4 * perSnapshot * snapshots.length;
  if (weightBytes > SNAPSHOT_FILE_LIMITS.weightBytes) throw new SnapshotFileError(`${weightBytes} bytes of weights; a timeline holds at most ${SNAPSHOT_FILE_LIMITS.weightBytes}`);
  const dataStart = align4(PREAMBLE_BYTES + headerLength);
  const total = dataStart + weightBytes + DIGEST_BYTES;
  if (bytes.length !== total) throw new SnapshotFileError(`${bytes.length} bytes where ${snapshots.length} snapshots of ${perSnapshot} values take ${total}`);
  let at = dataStart;
  return {
    modelDigest,
    snapshots: snapshots.map(({ step, epoch }) => ({
      step,
      epoch,
      tensors: tensors.map(({ name, shape }) => {
        const data = new Float32Array(product(shape));
        for (let j = 0; j < data.length; j++, at += 4) data[j] = view.getFloat32(at, true);
        return { name, shape: [...shape], data };
      }),
    })),
  };
}

/** Reads and decodes the file at `path`, refusing unread one larger than any timeline takes. Throws ENOENT's error when there is none. */
export async function readSnapshotFile(path: string): Promise<SnapshotFileContent> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    if (size > SNAPSHOT_FILE_MAX_BYTES) throw new SnapshotFileError(`${size} bytes is more than any timeline takes`);
    return decodeSnapshotFile(new Uint8Array(await file.readFile()));
  } finally {
    await file.close();
  }
}

/** Writes atomically (atomic-write.ts): a failure leaves whatever was there before. */
export function saveSnapshotFile(path: string, content: SnapshotFileContent): void {
  writeFileAtomicSync(path, encodeSnapshotFile(content));
}
