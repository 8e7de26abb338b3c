import { createHash } from 'node:crypto';

/**
 * Tegaki's binary files (model files, model-file.ts; saved evaluations,
 * backend/services/evaluation-file.ts) share one frame: a 12-byte preamble (4-byte magic,
 * version, header length), a JSON header, data aligned to 4 bytes, and a SHA-256 of
 * everything before it in the last 32 bytes, so a file cut short or changed anywhere is
 * refused whole rather than read half right.
 */

/** Magic, version and header length, each 4 bytes. */
export const PREAMBLE_BYTES = 12;
/** The trailing SHA-256. */
export const DIGEST_BYTES = 32;

/** `n` rounded up to a multiple of 4, where float32 data may start. */
export function align4(n: number): number {
  return (n + 3) & ~3;
}

function sha256(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}

/** Writes the SHA-256 of all but the last DIGEST_BYTES into them. */
export function sealDigest(bytes: Uint8Array): void {
  const digestAt = bytes.length - DIGEST_BYTES;
  bytes.set(sha256(bytes.subarray(0, digestAt)), digestAt);
}

/** Whether the last DIGEST_BYTES are the SHA-256 of everything before them. */
export function digestHolds(bytes: Uint8Array): boolean {
  if (bytes.length < DIGEST_BYTES) return false;
  const digestAt = bytes.length - DIGEST_BYTES;
  const expected = sha256(bytes.subarray(0, digestAt));
  return expected.every((v, i) => v === bytes[digestAt + i]);
}
