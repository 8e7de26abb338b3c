import type { Dataset } from '../../engine/data/dataset';

/**
 * MNIST's IDX files (http://yann.lecun.com/exdb/mnist/), all integers big-endian:
 *
 *   images: magic 2051 (0x00000803), count, rows, cols, then count·rows·cols bytes
 *   labels: magic 2049 (0x00000801), count, then count bytes, each 0..9
 *
 * Every way a file can be wrong has its own `kind`, and the message says what was
 * expected and what was found, so a bad download is diagnosed at a glance.
 */
export type IdxErrorKind =
  'too-short' | 'bad-magic' | 'truncated' | 'trailing-bytes' | 'bad-dimensions' | 'count-mismatch' | 'bad-label';

export class IdxError extends Error {
  constructor(
    readonly kind: IdxErrorKind,
    source: string,
    detail: string,
  ) {
    super(`${source}: ${kind.replace('-', ' ')}: ${detail}`);
    this.name = 'IdxError';
  }
}

export const IMAGES_MAGIC = 2051;
export const LABELS_MAGIC = 2049;

function header(bytes: Uint8Array, length: number, magic: number, what: string, source: string): DataView {
  if (bytes.length < length) {
    throw new IdxError(
      'too-short',
      source,
      `an IDX ${what} file has a ${length}-byte header, but the file has ${bytes.length} bytes`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found = view.getUint32(0);
  if (found !== magic) {
    throw new IdxError('bad-magic', source, `expected magic number ${magic} for ${what}, found ${found}`);
  }
  return view;
}

function checkLength(bytes: Uint8Array, expected: number, description: string, source: string): void {
  if (bytes.length < expected) {
    throw new IdxError(
      'truncated',
      source,
      `header says ${description} (${expected} bytes in all) but the file has ${bytes.length}`,
    );
  }
  if (bytes.length > expected) {
    throw new IdxError(
      'trailing-bytes',
      source,
      `header says ${description} (${expected} bytes in all) but the file has ${bytes.length - expected} more`,
    );
  }
}

export function parseIdxImages(
  bytes: Uint8Array,
  source = 'images',
): { images: Uint8Array; count: number; rows: number; cols: number } {
  const view = header(bytes, 16, IMAGES_MAGIC, 'images', source);
  const count = view.getUint32(4);
  const rows = view.getUint32(8);
  const cols = view.getUint32(12);
  if (rows === 0 || cols === 0) throw new IdxError('bad-dimensions', source, `images of ${rows}x${cols} pixels`);
  checkLength(bytes, 16 + count * rows * cols, `${count} images of ${rows}x${cols}`, source);
  return { images: bytes.subarray(16), count, rows, cols };
}

export function parseIdxLabels(bytes: Uint8Array, source = 'labels'): { labels: Uint8Array; count: number } {
  const view = header(bytes, 8, LABELS_MAGIC, 'labels', source);
  const count = view.getUint32(4);
  checkLength(bytes, 8 + count, `${count} labels`, source);
  const labels = bytes.subarray(8);
  const bad = labels.findIndex((label) => label > 9);
  if (bad >= 0) throw new IdxError('bad-label', source, `label ${bad} is ${labels[bad]}; digits are 0..9`);
  return { labels, count };
}

export function combineImagesAndLabels(
  images: ReturnType<typeof parseIdxImages>,
  labels: ReturnType<typeof parseIdxLabels>,
  source = 'dataset',
): Dataset {
  if (images.count !== labels.count) {
    throw new IdxError('count-mismatch', source, `${images.count} images but ${labels.count} labels`);
  }
  return { images: images.images, labels: labels.labels, count: images.count, rows: images.rows, cols: images.cols };
}

/** Writes images as an IDX file (for fixtures and exports). */
export function encodeIdxImages(images: Uint8Array, count: number, rows: number, cols: number): Uint8Array {
  const out = new Uint8Array(16 + images.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, IMAGES_MAGIC);
  view.setUint32(4, count);
  view.setUint32(8, rows);
  view.setUint32(12, cols);
  out.set(images, 16);
  return out;
}

export function encodeIdxLabels(labels: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + labels.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, LABELS_MAGIC);
  view.setUint32(4, labels.length);
  out.set(labels, 8);
  return out;
}
