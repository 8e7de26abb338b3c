import { extname } from 'node:path';
import { loadMnist } from '../../digits/data/mnist';
import { saveModelFile } from '../../digits/io/model-file';
import { loadAnyModel, modelOf } from '../../digits/io/saved-model';
import { describeArchitecture } from '../../engine/training/architecture';
import { fitCalibration, validationSet } from '../../engine/training/trainer';
import { MNIST_VALIDATION_SIZE } from '../../shared/hyperparameters';
import { rejectionFittingSets } from '../../digits/synthetic/rejection-sets';
import { fitRejection } from '../../digits/rejection';
import { MODEL_FILE_EXTENSIONS } from '../../shared/model-metadata';
import { describeCalibration, describeRejection, emitJson } from '../output';

export interface CalibrateFlags {
  out?: string;
  json?: boolean;
  data?: string;
}

/**
 * `tegaki calibrate MODEL [--out FILE]`: fits the model's temperature on the validation
 * split, the last 5,000 of MNIST's training images (engine/training/temperature-scaling.ts),
 * and writes the model with it, in place unless --out says where. Only the metadata's
 * `calibration` and `rejection` change; the weights are written back as they were, so every prediction's
 * top class stays the same. For a model trained elsewhere (an ONNX import), or before
 * models were calibrated. A model that trained on all 60,000 images has seen these: its
 * temperature is then fitted on its own training images and says so.
 *
 * Then, at that temperature, when it says "not a digit" (digits/rejection.ts): the score and
 * the threshold that reject at most 1% of the validation images and of the drawn digits.
 */
export async function calibrateCommand(modelPath: string, flags: CalibrateFlags): Promise<void> {
  const out = flags.out ?? modelPath;
  if (extname(out).toLowerCase() === MODEL_FILE_EXTENSIONS.onnx) {
    throw new Error(
      `calibrate writes a Tegaki model: give --out FILE${MODEL_FILE_EXTENSIONS.tegaki} (the ONNX file is left as it is)`,
    );
  }
  const { content } = await loadAnyModel(modelPath);
  const model = modelOf(content);
  const { train } = await loadMnist({ dir: flags.data, testSize: 0 });
  const trainedOn = content.metadata.hyperparameters?.trainSize;
  const validation = validationSet(train, 0, MNIST_VALIDATION_SIZE)!;
  const overlaps = trainedOn === undefined || trainedOn + MNIST_VALIDATION_SIZE > train.count;
  const calibration = fitCalibration(model, validation);
  model.temperature = calibration.temperature;
  const rejection = fitRejection(model, rejectionFittingSets(validation));
  await saveModelFile(out, { ...content, metadata: { ...content.metadata, calibration, rejection } });
  if (flags.json) {
    emitJson({ type: 'calibration', model: out, calibration, rejection, validationHeldOut: !overlaps });
    return;
  }
  process.stdout.write(
    `${modelPath}: ${describeArchitecture(model.spec)}\n${describeCalibration(calibration)}\n${describeRejection(rejection)}\n` +
      (overlaps
        ? `note: ${trainedOn === undefined ? 'the model does not say which images it trained on' : `it trained on the first ${trainedOn}`}; if it saw these ${validation.count} images, the temperature is fitted on training data\n`
        : '') +
      `saved ${out}\n`,
  );
}
