/**
 * `npm run bench -- --only drawn [--models a.tgk,b.tgk]`: how models read digits as the
 * app sees them, beside their MNIST test accuracy. The shipped default model is judged
 * by these figures (resources/default-model.md says which won and why).
 */
import { basename } from 'node:path';
import { loadMnist } from '../src/engine/data/mnist';
import { loadModel } from '../src/engine/io/saved-model';
import { describeArchitecture } from '../src/engine/training/architecture';
import { evaluate } from '../src/engine/training/evaluate';
import { drawnDigitsDataset } from './drawn-digits';

export interface DrawnScores {
  mnistTest: number;
  drawn: number;
  /** Accuracy on each digit of the drawn set. */
  drawnPerDigit: number[];
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
  console.log(
    `Drawn digits: ${drawn.count} synthetic canvas drawings (seeded, bench/drawn-digits.ts) | MNIST test: ${mnist.test.count} images`,
  );
  for (const path of modelPaths) {
    const { model } = await loadModel(path);
    const onMnist = evaluate(model, mnist.test);
    const onDrawn = evaluate(model, drawn);
    const perDigit = perDigitAccuracy(onDrawn.labels, onDrawn.predictions);
    const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
    console.log(
      `${basename(path).padEnd(24)} ${describeArchitecture(model.spec).padEnd(28)} MNIST test ${pct(onMnist.accuracy)} | drawn ${pct(onDrawn.accuracy)}` +
        ` | per digit ${perDigit.map((a) => Math.round(a * 100)).join(' ')}`,
    );
  }
}
