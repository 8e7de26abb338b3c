import { open } from 'node:fs/promises';
import { z } from 'zod';
import type { FeatureRows } from '../personal/frozen-features';
import type { ReplayFeatures } from '../personal/head-fine-tune';
import { writeFileAtomicSync } from './atomic-write';
import { DIGEST_BYTES, PREAMBLE_BYTES, align4, digestHolds, sealDigest } from './signed-bytes';

/**
 * A base model's frozen conv features of a fine-tune's replay, synthesised and test
 * images (head-fine-tune.ts), kept on disk so that the first fine-tune after a restart
 * need not compute them again. Features after ReLU and pooling are mostly zeros (about
 * 70% for the built-in CNN), so each set is stored sparse: the built-in CNN's 21,600
 * rows of 1,568 float32s take about 46 MB instead of 135.
 *
 *   "TGKF" | u32 version | u32 header bytes | JSON header | zero pad to 4 |
 *   per set (mnist, synthetic, test): labels (u8, padded to 4) | a bit per value, 1 where
 *   it is not 0 (u32 words, ceil(width / 32) per row) | the non-zero float32s in order |
 *   SHA-256 of all of the above
 *
 * The header names the model file the features are of (its digest) and the cache key
 * they answer (which images). A file that is not exactly right is refused whole, and one
 * larger than the limits allow is refused unread.
 */
export const FEATURE_FILE_MAGIC = 'TGKF';
export const FEATURE_FILE_VERSION = 1;

/** What a feature file may hold: the built-in CNN's take a third of `values` and a tenth of `bytes`. */
export const FEATURE_FILE_LIMITS = {
  /** Feature values of all sets, zeros included (what decoding allocates). */
  values: 2 ** 26,
  width: 65_536,
  headerBytes: 64 * 1024,
  bytes: 512 * 2 ** 20,
} as const;

const SET_NAMES = ['mnist', 'synthetic', 'test'] as const;

export interface FeatureFileContent {
  /** The digest of the model file whose frozen layers made these features. */
  modelDigest: string;
  /** Which images: the cache's key (engine-process/replay-features.ts). */
  key: string;
  features: ReplayFeatures;
}

const headerSchema = z
  .object({
    modelDigest: z.string().regex(/^[0-9a-f]{64}$/),
    key: z.string().max(1000),
    width: z.number().int().min(1).max(FEATURE_FILE_LIMITS.width),
    sets: z
      .array(z.object({ count: z.number().int().min(0), nonZero: z.number().int().min(0) }).strict())
      .length(SET_NAMES.length),
  })
  .strict();

export class FeatureFileError extends Error {
  constructor(detail: string) {
    super(`not a usable feature file: ${detail}`);
    this.name = 'FeatureFileError';
  }
}

const wordsPerRow = (width: number): number => Math.ceil(width / 32);
const setBytes = (count: number, width: number, nonZero: number): number =>
  align4(count) + 4 * count * wordsPerRow(width) + 4 * nonZero;

function nonZeroOf(rows: FeatureRows): number {
  let n = 0;
  for (let i = 0; i < rows.features.length; i++) if (rows.features[i] !== 0) n++;
  return n;
}

export function encodeFeatureFile({ modelDigest, key, features }: FeatureFileContent): Uint8Array {
  const sets = SET_NAMES.map((name) => features[name]);
  const width = features.mnist.width;
  if (sets.some((s) => s.width !== width || s.features.length !== s.count * width)) {
    throw new RangeError('every set of features must have the same width and count rows of it');
  }
  const counts = sets.map((s) => ({ count: s.count, nonZero: nonZeroOf(s) }));
  const values = counts.reduce((n, s) => n + s.count * width, 0);
  const header = new TextEncoder().encode(JSON.stringify({ modelDigest, key, width, sets: counts }));
  const dataBytes = counts.reduce((n, s) => n + setBytes(s.count, width, s.nonZero), 0);
  const dataStart = align4(PREAMBLE_BYTES + header.length);
  const total = dataStart + dataBytes + DIGEST_BYTES;
  if (values > FEATURE_FILE_LIMITS.values || header.length > FEATURE_FILE_LIMITS.headerBytes || total > FEATURE_FILE_LIMITS.bytes) {
    throw new RangeError(`cannot save ${values} feature values in ${total} bytes: beyond FEATURE_FILE_LIMITS`);
  }
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode(FEATURE_FILE_MAGIC), 0);
  view.setUint32(4, FEATURE_FILE_VERSION, true);
  view.setUint32(8, header.length, true);
  bytes.set(header, PREAMBLE_BYTES);
  let at = dataStart;
  const words = wordsPerRow(width);
  for (const set of sets) {
    bytes.set(set.labels.subarray(0, set.count), at);
    at += align4(set.count);
    const bitsAt = at;
    at += 4 * set.count * words;
    for (let r = 0; r < set.count; r++) {
      for (let j = 0; j < width; j++) {
        const v = set.features[r * width + j];
        if (v === 0) continue;
        const word = bitsAt + 4 * (r * words + (j >> 5));
        view.setUint32(word, (view.getUint32(word, true) | (1 << (j & 31))) >>> 0, true);
        view.setFloat32(at, v, true);
        at += 4;
      }
    }
  }
  sealDigest(bytes);
  return bytes;
}

export function decodeFeatureFile(bytes: Uint8Array): FeatureFileContent {
  if (bytes.length < PREAMBLE_BYTES + DIGEST_BYTES) throw new FeatureFileError(`only ${bytes.length} bytes`);
  if (new TextDecoder().decode(bytes.subarray(0, 4)) !== FEATURE_FILE_MAGIC) {
    throw new FeatureFileError(`it does not start with "${FEATURE_FILE_MAGIC}"`);
  }
  if (bytes.length > FEATURE_FILE_LIMITS.bytes) throw new FeatureFileError(`${bytes.length} bytes is more than a feature file may take`);
  if (!digestHolds(bytes)) throw new FeatureFileError('its SHA-256 digest does not match its content (truncated or corrupted)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== FEATURE_FILE_VERSION) throw new FeatureFileError(`version ${version}, not ${FEATURE_FILE_VERSION}`);
  const headerLength = view.getUint32(8, true);
  if (headerLength > FEATURE_FILE_LIMITS.headerBytes || PREAMBLE_BYTES + headerLength > bytes.length - DIGEST_BYTES) {
    throw new FeatureFileError(`a header of ${headerLength} bytes`);
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + headerLength)));
  } catch {
    throw new FeatureFileError('its header is not valid JSON');
  }
  const parsed = headerSchema.safeParse(json);
  if (!parsed.success) throw new FeatureFileError(`its header does not fit the schema (${parsed.error.issues[0]?.message})`);
  const { modelDigest, key, width, sets } = parsed.data;
  // Checked before anything is allocated: a small file must not ask for a huge one.
  const values = sets.reduce((n, s) => n + s.count * width, 0);
  if (values > FEATURE_FILE_LIMITS.values) throw new FeatureFileError(`${values} feature values; a file holds at most ${FEATURE_FILE_LIMITS.values}`);
  if (sets.some((s) => s.nonZero > s.count * width)) throw new FeatureFileError('more non-zero values than values');
  const dataStart = align4(PREAMBLE_BYTES + headerLength);
  const total = dataStart + sets.reduce((n, s) => n + setBytes(s.count, width, s.nonZero), 0) + DIGEST_BYTES;
  if (bytes.length !== total) throw new FeatureFileError(`${bytes.length} bytes where its sets take ${total}`);
  let at = dataStart;
  const words = wordsPerRow(width);
  const decoded = sets.map(({ count, nonZero }): FeatureRows => {
    const labels = bytes.slice(at, at + count);
    at += align4(count);
    const bitsAt = at;
    at += 4 * count * words;
    const valuesEnd = at + 4 * nonZero;
    const features = new Float32Array(count * width);
    for (let r = 0; r < count; r++) {
      for (let w = 0; w < words; w++) {
        let bits = view.getUint32(bitsAt + 4 * (r * words + w), true);
        while (bits !== 0) {
          const j = 31 - Math.clz32(bits & -bits);
          bits &= bits - 1;
          const column = w * 32 + j;
          if (column >= width || at >= valuesEnd) throw new FeatureFileError('its bits do not match its values');
          features[r * width + column] = view.getFloat32(at, true);
          at += 4;
        }
      }
    }
    if (at !== valuesEnd) throw new FeatureFileError('its bits do not match its values');
    return { features, labels, count, width };
  });
  const [mnist, synthetic, test] = decoded;
  return { modelDigest, key, features: { mnist, synthetic, test } };
}

/** Reads and decodes the file at `path`, refusing unread one larger than FEATURE_FILE_LIMITS.bytes. Throws ENOENT's error when there is none. */
export async function readFeatureFile(path: string): Promise<FeatureFileContent> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    if (size > FEATURE_FILE_LIMITS.bytes) throw new FeatureFileError(`${size} bytes is more than a feature file may take`);
    return decodeFeatureFile(new Uint8Array(await file.readFile()));
  } finally {
    await file.close();
  }
}

/** Writes atomically (atomic-write.ts): a failure leaves whatever was there before. */
export function saveFeatureFile(path: string, content: FeatureFileContent): void {
  writeFileAtomicSync(path, encodeFeatureFile(content));
}
