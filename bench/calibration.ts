/**
 * `npm run bench -- --only calibration [--models A.tgk,B.tgk]`: whether the models'
 * confidence means what it says. For each model, the expected calibration error (15
 * equal-width confidence bins, Guo et al. 2017; engine/metrics/calibration.ts) and the
 * negative log-likelihood, before (softmax of the raw logits, T = 1) and after the
 * temperature its file keeps, fitted on the validation set (the last 5,000 training
 * images, never these): on MNIST's test set, on the distorted test set and on the
 * synthetic drawn digits the drawn bench uses. Figures, not bars.
 */
import { basename } from 'node:path';
import { loadMnist } from '../src/digits/data/mnist';
import { loadModel } from '../src/digits/io/saved-model';
import type { Dataset } from '../src/engine/data/dataset';
import { describeArchitecture } from '../src/engine/training/architecture';
import { evaluate } from '../src/engine/training/evaluate';
import { measureCalibration, temperedNll } from '../src/engine/training/temperature-scaling';
import { describeDistortion, distortedDataset, drawnLikeDistortion } from './drawn-set/distorted-mnist';
import { drawnDigitsDataset } from '../src/digits/synthetic/drawn-digits';

export async function runCalibrationBench(modelPaths: string[]): Promise<void> {
  const mnist = await loadMnist();
  const sets: [string, Dataset, string][] = [
    ['MNIST test', mnist.test, 'images'],
    ['distorted MNIST', distortedDataset(mnist.test, drawnLikeDistortion), 'images'],
    ['drawn', drawnDigitsDataset(), 'drawings'],
  ];
  console.log(
    'Calibration: expected calibration error (ECE, 15 equal-width confidence bins; Guo et al. 2017) and mean negative log-likelihood (NLL),' +
      " before (T = 1) and after each model's temperature, fitted on the validation set (the last 5,000 training images), never on these",
  );
  console.log(
    `Sets: MNIST's test set; the same distorted (${describeDistortion(drawnLikeDistortion)}, seed 12345); the drawn bench's synthetic canvas drawings (seed 2026)`,
  );
  for (const path of modelPaths) {
    const { model, metadata } = await loadModel(path);
    const fitted = metadata.calibration;
    console.log(`${basename(path)}: ${describeArchitecture(model.spec)}`);
    console.log(
      fitted
        ? `  temperature ${fitted.temperature.toFixed(3)}, fitted on the last ${fitted.validationCount.toLocaleString('en-US')} training images (ECE there ${fitted.eceBefore.toFixed(4)} before, ${fitted.eceAfter.toFixed(4)} after)`
        : '  uncalibrated: temperature 1 (`tegaki calibrate` fits one), so before and after are the same',
    );
    for (const [name, data, unit] of sets) {
      const { logits, labels, count, accuracy } = evaluate(model, data, { keepLogits: true });
      const measure = measureCalibration(logits!, labels, model.classes, model.temperature);
      const nll = (t: number) => temperedNll(logits!, labels, model.classes, t).toFixed(4);
      console.log(
        `  ${name.padEnd(16)} ECE ${measure.eceBefore.toFixed(4)} before, ${measure.eceAfter.toFixed(4)} after | ` +
          `NLL ${nll(1)} before, ${nll(model.temperature)} after | accuracy ${(accuracy * 100).toFixed(2)}% either way | ` +
          `${count.toLocaleString('en-US')} ${unit}`,
      );
    }
  }
}
