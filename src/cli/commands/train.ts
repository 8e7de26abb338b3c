import { readFile } from 'node:fs/promises';
import { loadMnist } from '../../digits/data/mnist';
import { modelMetadataFor } from '../../digits/io/model-metadata';
import { saveModel } from '../../digits/io/saved-model';
import { classificationReport, formatClassificationReport } from '../../engine/metrics/classification-report';
import { describeArchitecture, modelSpecFor } from '../../engine/training/architecture';
import { describeAugmentation } from '../../engine/training/augmentation';
import { train } from '../../engine/training/trainer';
import type { Hyperparameters } from '../../shared/hyperparameters';
import type { HyperparameterFlags } from '../hyperparameter-flags';
import { resolveHyperparameters } from '../hyperparameter-flags';
import {
  createProgressBar,
  describeCalibration,
  describeRejection,
  doneLine,
  emitJson,
  formatDuration,
} from '../output';
import type { PersonalFlags } from '../personal-flags';
import type { ThreadsFlags } from '../threads-flag';
import { threadsOf } from '../threads-flag';
import { loadPersonal, personalOptions } from '../personal-flags';
import { rejectionAfterTraining } from '../../digits/synthetic/rejection-sets';
import { synthesisedDrawings } from '../../digits/synthetic/training-set';

export interface TrainFlags extends HyperparameterFlags, PersonalFlags, ThreadsFlags {
  config?: string;
  out: string;
  json?: boolean;
  data?: string;
  testSize?: number;
}

/** `tegaki train`: train on MNIST, print the report, save the model. */
export async function trainCommand(flags: TrainFlags): Promise<void> {
  const config = flags.config ? await readConfig(flags.config) : undefined;
  const h = resolveHyperparameters(flags, config);
  const personalTraining = flags.personal ? personalOptions(flags, 'include') : undefined;
  const personal =
    flags.personal && personalTraining ? await loadPersonal(flags.personal, personalTraining, h.seed) : undefined;
  // The whole training file: the trainer trains on its first trainSize images and validates on its last validationSize.
  const data = await loadMnist({ dir: flags.data, testSize: flags.testSize });
  const log = (line: string) => (flags.json ? undefined : process.stderr.write(`${line}\n`));
  log(
    `training ${describeArchitecture(modelSpecFor(h))} on the first ${Math.min(h.trainSize, data.train.count)} training images, ` +
      (h.validationSize ? `validating on the last ${h.validationSize} (held out), ` : 'no validation set, ') +
      `testing on ${data.test.count} test images`,
  );
  log(`augmentation: ${describeAugmentation(h.augmentation)}`);
  const threads = threadsOf(flags);
  log(`threads: ${threads}`);

  const controller = new AbortController();
  const onInterrupt = () => controller.abort();
  process.once('SIGINT', onInterrupt);
  const bar = flags.json ? undefined : createProgressBar();
  try {
    const result = await train(h, data, {
      threads,
      signal: controller.signal,
      personal,
      synthetic: synthesisedDrawings(h),
      // The trainer's one throttle; --json lines come at most twice a second (and at each epoch's end).
      progressIntervalMs: flags.json ? 500 : undefined,
      onProgress: (p) => {
        bar?.update(p);
        if (flags.json) emitJson({ type: 'progress', ...p });
      },
      onEpoch: (record) => {
        if (flags.json) emitJson({ type: 'epoch', ...record });
        else {
          bar?.stop();
          log(
            `epoch ${record.epoch}: train acc ${record.trainAccuracy.toFixed(4)} loss ${record.trainLoss.toFixed(4)}` +
              (record.validationAccuracy !== undefined && record.validationLoss !== undefined
                ? ` | validation acc ${record.validationAccuracy.toFixed(4)} loss ${record.validationLoss.toFixed(4)}`
                : '') +
              ` | test acc ${record.testAccuracy.toFixed(4)} loss ${record.testLoss.toFixed(4)}`,
          );
        }
      },
    });
    bar?.stop();
    const report = classificationReport(result.test.confusion);
    const reportText = formatClassificationReport(report, { digits: 4 });
    const rejection = rejectionAfterTraining(result.model, data.train, h);
    await saveModel(
      flags.out,
      result.model,
      modelMetadataFor({ ...result, rejection }, { name: flags.preset ?? 'custom', personal: personalTraining }),
    );
    if (flags.json) {
      emitJson({ type: 'report', report, text: reportText });
      // The schema's settings under the schema's key; the report line says them in words.
      emitJson({ ...doneLine(result, flags.out), augmentation: h.augmentation ?? {} });
    } else {
      process.stdout.write(`\n${reportText}\n`);
      if (result.personalTest) {
        log(
          `personal test accuracy ${(result.personalTest.accuracy * 100).toFixed(2)}% on ${result.personalTest.count} held-out drawings`,
        );
      }
      if (result.validation) {
        log(
          `validation accuracy ${(result.validation.accuracy * 100).toFixed(2)}% on the last ${result.validation.count} training images, held out (tune and compare on this)`,
        );
      }
      log(describeCalibration(result.calibration));
      if (rejection) log(describeRejection(rejection));
      log(
        `test accuracy ${(result.test.accuracy * 100).toFixed(2)}% on ${data.test.count} MNIST test images (the final figure)` +
          ` | augmentation: ${describeAugmentation(h.augmentation)} | trained in ${formatDuration(result.trainingSeconds)}` +
          ` at ${Math.round(result.samplesPerSecond)} samples/s | saved ${flags.out}`,
      );
    }
  } finally {
    bar?.stop();
    process.off('SIGINT', onInterrupt);
  }
}

async function readConfig(path: string): Promise<Partial<Hyperparameters>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read config ${path}: ${(error as Error).message}`, { cause: error });
  }
  try {
    return JSON.parse(text) as Partial<Hyperparameters>;
  } catch (error) {
    throw new Error(`config ${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}
