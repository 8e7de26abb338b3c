import { loadMnist } from '../../digits/data/mnist';
import { modelMetadataFor } from '../../digits/io/model-metadata';
import { loadModel, saveModel } from '../../digits/io/saved-model';
import { describeArchitecture } from '../../engine/training/architecture';
import { train } from '../../engine/training/trainer';
import { fineTuneHyperparameters } from '../../digits/personal/recipe';
import { describeCalibration, doneLine, emitJson } from '../output';
import type { FineTuneFlags, PersonalFlags } from '../personal-flags';
import { fineTuneOptions, loadPersonal, personalOptions } from '../personal-flags';
import { synthesisedDrawings } from '../../digits/synthetic/training-set';

export type FinetuneFlags = PersonalFlags &
  FineTuneFlags & {
    personal: string;
    out: string;
    seed?: number;
    json?: boolean;
    data?: string;
    testSize?: number;
  };

/**
 * `tegaki finetune MODEL --personal FILE`: continues training a model from its weights
 * on a person's drawings, mixed with some MNIST images so it does not forget the
 * digits everyone else writes, at a tenth of its original learning rate.
 */
export async function finetuneCommand(modelPath: string, flags: FinetuneFlags): Promise<void> {
  const { model, metadata } = await loadModel(modelPath);
  const h = fineTuneHyperparameters(metadata.hyperparameters, { ...fineTuneOptions(flags), seed: flags.seed });
  const personalTraining = personalOptions(flags, 'fine-tune');
  const personal = await loadPersonal(flags.personal, personalTraining, h.seed);
  const data = await loadMnist({ dir: flags.data, trainSize: h.trainSize, testSize: flags.testSize });
  if (!flags.json) {
    process.stderr.write(
      `fine-tuning ${describeArchitecture(model.spec)} on ${personal.train.count} personal drawings ×${personal.weight}` +
        ` + ${data.train.count} MNIST images at lr ${h.learningRate} for ${h.epochs} epochs` +
        ` (${personal.test.count} drawings held out)\n`,
    );
  }
  const result = await train(h, data, {
    initialModel: model,
    personal,
    synthetic: synthesisedDrawings(h),
    onEpoch: (r) => (flags.json ? emitJson({ type: 'epoch', ...r }) : undefined),
  });
  await saveModel(
    flags.out,
    result.model,
    modelMetadataFor(result, {
      name: `${metadata.name ?? 'model'} (fine-tuned)`,
      personal: personalTraining,
      fineTunedFrom: modelPath,
    }),
  );
  if (flags.json) emitJson(doneLine(result, flags.out));
  else {
    const personalLine = result.personalTest
      ? `personal test accuracy ${(result.personalTest.accuracy * 100).toFixed(2)}% on ${result.personalTest.count} held-out drawings`
      : 'no personal drawings held out';
    process.stdout.write(
      `MNIST test accuracy ${(result.test.accuracy * 100).toFixed(2)}% | ${personalLine} | saved ${flags.out}\n` +
        `${describeCalibration(result.calibration)}\n`,
    );
  }
}
