import { loadMnist } from '../../digits/data/mnist';
import { loadModel } from '../../digits/io/saved-model';
import {
  classificationReport,
  formatClassificationReport,
  formatConfusionMatrix,
} from '../../engine/metrics/classification-report';
import { confusionMatrix } from '../../engine/metrics/confusion';
import { describeArchitecture } from '../../engine/training/architecture';
import { describeAugmentation } from '../../engine/training/augmentation';
import { evaluate } from '../../engine/training/evaluate';
import { measureCalibration } from '../../engine/training/temperature-scaling';
import { emitJson } from '../output';
import type { CalibrationMeasure } from '../../engine/training/temperature-scaling';

export interface EvaluateFlags {
  json?: boolean;
  data?: string;
  testSize?: number;
}

/** `tegaki evaluate MODEL`: per-class report and confusion matrix on the MNIST test set. */
export async function evaluateCommand(modelPath: string, flags: EvaluateFlags): Promise<void> {
  const { model, metadata } = await loadModel(modelPath);
  const trainedWith = metadata.hyperparameters;
  const { test } = await loadMnist({ dir: flags.data, trainSize: 0, testSize: flags.testSize });
  const result = evaluate(model, test, { keepLogits: true });
  // On the test set: the raw softmax (before) and the model's temperature (after).
  const calibration = measureCalibration(result.logits!, result.labels, model.classes, model.temperature);
  const confusion = confusionMatrix(result.labels, result.predictions, model.classes);
  const report = classificationReport(confusion);
  if (flags.json) {
    // testAccuracy and testLoss, as the model file's metrics and the IPC name them.
    emitJson({
      type: 'evaluation',
      model: modelPath,
      testAccuracy: result.accuracy,
      testLoss: result.loss,
      calibration,
      report,
      confusion,
    });
    return;
  }
  const validation = metadata.metrics?.validationAccuracy;
  process.stdout.write(
    `${modelPath}: ${describeArchitecture(model.spec)}, ${result.count} MNIST test images (the test set: the final, held-out figure)\n` +
      (validation !== undefined
        ? `validation accuracy when trained: ${(validation * 100).toFixed(2)}% on the last ${metadata.metrics?.validationCount} training images, held out (from the model file)\n`
        : '') +
      `trained with augmentation: ${describeAugmentation(trainedWith?.augmentation)}\n` +
      `${describeTestCalibration(calibration, metadata.calibration?.validationCount)}\n\n` +
      `${formatClassificationReport(report, { digits: 4 })}\n` +
      `${formatConfusionMatrix(confusion)}\n`,
  );
}

/** The expected calibration error on the evaluated test images, before and after the model's temperature. */
function describeTestCalibration(measure: CalibrationMeasure, fittedOn: number | undefined): string {
  const ece = (value: number): string => value.toFixed(4);
  if (fittedOn === undefined) {
    return `uncalibrated (temperature 1; \`tegaki calibrate\` fits one): expected calibration error ${ece(measure.eceBefore)} on these ${measure.count} test images (15 bins)`;
  }
  return (
    `temperature ${measure.temperature.toFixed(3)} (fitted on the last ${fittedOn} training images): expected calibration error on these ${measure.count} test images ` +
    `${ece(measure.eceBefore)} before, ${ece(measure.eceAfter)} after (15 bins)`
  );
}
