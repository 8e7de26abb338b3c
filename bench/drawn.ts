/**
 * `npm run bench -- --only drawn [--models a.tgk,b.tgk]`: how models read digits as the
 * app sees them, beside their MNIST test accuracy. The shipped default model is judged
 * by these figures (resources/default-model.md says which won and why).
 */
import { basename } from 'node:path';
import { loadMnist } from '../src/digits/data/mnist';
import { loadModel } from '../src/digits/io/saved-model';
import { describeArchitecture } from '../src/engine/training/architecture';
import { evaluate } from '../src/engine/training/evaluate';
import type { Dataset } from '../src/engine/data/dataset';
import { Random } from '../src/engine/random';
import { Augmenter, describeAugmentation } from '../src/engine/training/augmentation';
import type { Augmentation } from '../src/shared/hyperparameters';
import { drawnDigitsDataset } from './drawn-digits';

/**
 * How drawn digits differ from MNIST's: off-centre by a few pixels after a sloppy crop,
 * turned and sized differently, thicker or thinner strokes, a wobbly hand.
 */
export const drawnLikeDistortion: Augmentation = { shift: 3, rotation: 15, scale: 0.15, strokeWidth: 1.5, elastic: 2 };

/** MNIST's test images, each distorted once from a fixed seed: the same set every run. */
export function distortedDataset(data: Dataset, settings: Augmentation, seed = 12345): Dataset {
  const augmenter = new Augmenter(settings, data.rows, data.cols, new Random(seed));
  const size = data.rows * data.cols;
  const pixels = new Float32Array(size);
  const images = new Uint8Array(data.images.length);
  for (let n = 0; n < data.count; n++) {
    for (let i = 0; i < size; i++) pixels[i] = data.images[n * size + i] / 255;
    augmenter.apply(pixels);
    for (let i = 0; i < size; i++) images[n * size + i] = Math.round(Math.min(1, Math.max(0, pixels[i])) * 255);
  }
  return { ...data, images };
}

function perDigitAccuracy(labels: Uint8Array, predictions: Uint8Array): number[] {
  const right = new Array<number>(10).fill(0);
  const total = new Array<number>(10).fill(0);
  labels.forEach((label, i) => {
    total[label]++;
    if (predictions[i] === label) right[label]++;
  });
  return right.map((r, d) => (total[d] ? r / total[d] : 0));
}

export async function runDrawnBench(modelPaths: string[]): Promise<void> {
  const mnist = await loadMnist();
  const drawn = drawnDigitsDataset(200);
  const distorted = distortedDataset(mnist.test, drawnLikeDistortion);
  console.log(
    `Drawn digits: ${drawn.count} synthetic canvas drawings (seeded, bench/drawn-digits.ts) | MNIST test: ${mnist.test.count} images`,
  );
  console.log(
    `Distorted MNIST test: each test image once with ${describeAugmentation(drawnLikeDistortion)} (seed 12345)`,
  );
  for (const path of modelPaths) {
    const { model } = await loadModel(path);
    const onMnist = evaluate(model, mnist.test);
    const onDrawn = evaluate(model, drawn);
    const onDistorted = evaluate(model, distorted);
    const perDigit = perDigitAccuracy(onDrawn.labels, onDrawn.predictions);
    const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
    console.log(`${basename(path)}: ${describeArchitecture(model.spec)}`);
    console.log(
      `  MNIST test ${pct(onMnist.accuracy)} | distorted MNIST ${pct(onDistorted.accuracy)} | drawn ${pct(onDrawn.accuracy)}` +
        ` | drawn per digit ${perDigit.map((a) => Math.round(a * 100)).join(' ')}`,
    );
  }
}
