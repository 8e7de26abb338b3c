import { describe, expect, it } from 'vitest';
import {
  combineImagesAndLabels,
  encodeIdxImages,
  encodeIdxLabels,
  IdxError,
  parseIdxImages,
  parseIdxLabels,
} from '../../../src/digits/data/idx';

// Three 2x3 images and their labels: the smallest fixtures that still have rows != cols.
const pixels = Uint8Array.from({ length: 18 }, (_, i) => i * 10);
const imagesFile = encodeIdxImages(pixels, 3, 2, 3);
const labelsFile = encodeIdxLabels(Uint8Array.of(4, 0, 9));

function expectIdxError(run: () => unknown, kind: IdxError['kind'], message: RegExp): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(IdxError);
    expect((error as IdxError).kind).toBe(kind);
    expect((error as Error).message).toMatch(message);
    return;
  }
  throw new Error(`expected an IdxError of kind ${kind}`);
}

describe('IDX parsing', () => {
  it('reads images and labels, keeping pixels as uint8', () => {
    const images = parseIdxImages(imagesFile);
    expect(images).toMatchObject({ count: 3, rows: 2, cols: 3 });
    expect(images.images).toBeInstanceOf(Uint8Array);
    expect(Array.from(images.images)).toEqual(Array.from(pixels));
    const labels = parseIdxLabels(labelsFile);
    expect(Array.from(labels.labels)).toEqual([4, 0, 9]);
    const data = combineImagesAndLabels(images, labels);
    expect(data).toMatchObject({ count: 3, rows: 2, cols: 3 });
  });

  it('the header is big-endian, as in the MNIST files', () => {
    expect(Array.from(imagesFile.subarray(0, 16))).toEqual([0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 3]);
  });

  it('a file shorter than its header', () => {
    expectIdxError(
      () => parseIdxImages(imagesFile.subarray(0, 5), 'x-images'),
      'too-short',
      /x-images: .*16-byte header.*5 bytes/,
    );
    expectIdxError(() => parseIdxLabels(new Uint8Array(3)), 'too-short', /8-byte header/);
  });

  it('a wrong magic number, e.g. labels given as images', () => {
    const manyLabels = encodeIdxLabels(new Uint8Array(10));
    expectIdxError(() => parseIdxImages(manyLabels), 'bad-magic', /expected magic number 2051.*found 2049/);
    expectIdxError(() => parseIdxLabels(imagesFile), 'bad-magic', /expected magic number 2049.*found 2051/);
  });

  it('a truncated file says how much is missing', () => {
    expectIdxError(
      () => parseIdxImages(imagesFile.subarray(0, 30)),
      'truncated',
      /3 images of 2x3 \(34 bytes in all\).*30/,
    );
    expectIdxError(() => parseIdxLabels(labelsFile.subarray(0, 10)), 'truncated', /3 labels/);
  });

  it('trailing bytes after the data', () => {
    const longer = new Uint8Array(imagesFile.length + 4);
    longer.set(imagesFile);
    expectIdxError(() => parseIdxImages(longer), 'trailing-bytes', /4 more/);
  });

  it('images with zero rows', () => {
    expectIdxError(
      () => parseIdxImages(encodeIdxImages(new Uint8Array(0), 3, 0, 3)),
      'bad-dimensions',
      /3 images of 0x3|0x3/,
    );
  });

  it('a label that is not a digit', () => {
    expectIdxError(() => parseIdxLabels(encodeIdxLabels(Uint8Array.of(1, 12))), 'bad-label', /label 1 is 12/);
  });

  it('images and labels that disagree on the count', () => {
    const twoLabels = parseIdxLabels(encodeIdxLabels(Uint8Array.of(1, 2)));
    expectIdxError(
      () => combineImagesAndLabels(parseIdxImages(imagesFile), twoLabels),
      'count-mismatch',
      /3 images but 2 labels/,
    );
  });
});
