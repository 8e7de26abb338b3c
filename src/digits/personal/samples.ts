import type { Dataset } from '../../engine/data/dataset';
import { pickImages } from '../../engine/data/dataset';
import { strokesToInput } from '../preprocess/strokes';
import type { StrokeSample } from '../preprocess/strokes-file';
import type { Random } from '../../engine/random';

/**
 * A person's own labelled drawings as a dataset shaped like MNIST, so the training
 * loop needs no special case: each drawing goes through the canvas's preprocessing
 * and is stored as uint8 like MNIST's pixels.
 */
export function personalDataset(samples: readonly StrokeSample[], source = 'personal samples'): Dataset {
  const unlabelled = samples.filter((s) => s.label === undefined).map((s) => s.id);
  if (unlabelled.length > 0)
    throw new Error(`${source}: every sample needs a "label"; missing on ${unlabelled.slice(0, 5).join(', ')}`);
  const images = new Uint8Array(samples.length * 784);
  samples.forEach((sample, i) => {
    const pixels = strokesToInput(sample.strokes);
    for (let p = 0; p < 784; p++) images[i * 784 + p] = Math.round(pixels[p] * 255);
  });
  return { images, labels: Uint8Array.from(samples, (s) => s.label!), count: samples.length, rows: 28, cols: 28 };
}

/**
 * Splits personal samples into training and a held-out personal test set, stratified
 * by digit so that every digit a person drew is represented in both when it can be.
 */
export function splitPersonal(d: Dataset, testSplit: number, random: Random): { train: Dataset; test: Dataset } {
  const train: number[] = [];
  const test: number[] = [];
  for (let digit = 0; digit < 10; digit++) {
    const ofDigit = [...d.labels.keys()].filter((i) => d.labels[i] === digit);
    random.shuffle(ofDigit);
    const held = ofDigit.length >= 2 ? Math.round(ofDigit.length * testSplit) : 0;
    test.push(...ofDigit.slice(0, held));
    train.push(...ofDigit.slice(held));
  }
  return { train: pickImages(d, train), test: pickImages(d, test) };
}
