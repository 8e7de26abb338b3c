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
import { emitJson } from '../output';

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
  const result = evaluate(model, test);
  const confusion = confusionMatrix(result.labels, result.predictions, model.classes);
  const report = classificationReport(confusion);
  if (flags.json) {
    // testAccuracy and testLoss, as the model file's metrics and the IPC name them.
    emitJson({
      type: 'evaluation',
      model: modelPath,
      testAccuracy: result.accuracy,
      testLoss: result.loss,
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
      `trained with augmentation: ${describeAugmentation(trainedWith?.augmentation)}\n\n` +
      `${formatClassificationReport(report, { digits: 4 })}\n` +
      `${formatConfusionMatrix(confusion)}\n`,
  );
}
