import { loadMnist } from '../../digits/data/mnist';
import { modelMetadataFor } from '../../digits/io/model-metadata';
import { saveModel } from '../../digits/io/saved-model';
import { describeArchitecture } from '../../engine/training/architecture';
import type { TrainingResult } from '../../engine/training/trainer';
import { train } from '../../engine/training/trainer';
import { frozenLayerCount } from '../../digits/personal/frozen-features';
import { fineTuneHead } from '../../digits/personal/head-fine-tune';
import { ReplayFeatureCache, loadFineTuneBase } from '../../digits/personal/replay-features';
import { fineTuneHyperparameters, fineTuneWay } from '../../digits/personal/recipe';
import type { EpochRecord } from '../../shared/training-progress';
import { describeCalibration, doneLine, emitJson } from '../output';
import type { FineTuneFlags, PersonalFlags } from '../personal-flags';
import { fineTuneOptions, loadPersonal, personalOptions } from '../personal-flags';
import { synthesisedDrawings } from '../../digits/synthetic/training-set';
import type { ThreadsFlags } from '../threads-flag';
import { threadsOf } from '../threads-flag';
import { ForwardPool } from '../../engine/training/parallel-forward';

export type FinetuneFlags = PersonalFlags &
  FineTuneFlags &
  ThreadsFlags & {
    personal: string;
    out: string;
    seed?: number;
    json?: boolean;
    data?: string;
    testSize?: number;
    /** Where the frozen conv features are kept between runs (digits/personal/replay-features.ts). */
    featureCache?: string;
  };

/**
 * `tegaki finetune MODEL --personal FILE`: continues training a model from its weights
 * on a person's drawings, mixed with some MNIST images so it does not forget the
 * digits everyone else writes, at a fraction of its original learning rate. A conv
 * model's conv blocks stay frozen and only its dense head trains, on their features,
 * unless `--full` asks for every layer (fineTuneWay).
 */
export async function finetuneCommand(modelPath: string, flags: FinetuneFlags): Promise<void> {
  const base = await loadFineTuneBase(modelPath);
  const { model, metadata } = base;
  const options = fineTuneOptions(flags);
  const way = fineTuneWay(model.spec, options);
  const h = fineTuneHyperparameters(metadata.hyperparameters, { ...options, seed: flags.seed, way });
  const personalTraining = personalOptions(flags, 'fine-tune');
  const personal = await loadPersonal(flags.personal, personalTraining, h.seed);
  const data = await loadMnist({ dir: flags.data, trainSize: h.trainSize, testSize: flags.testSize });
  // The head's steps on cached features are too small to share out: they run on one
  // thread, and --threads computes the features (a forward pass over the replay images).
  const threads = threadsOf(flags);
  if (!flags.json) {
    process.stderr.write(
      `fine-tuning ${way === 'head' ? 'the dense head of ' : ''}${describeArchitecture(model.spec)}` +
        ` on ${personal.train.count} personal drawings ×${personal.weight}` +
        ` + ${data.train.count} MNIST images at lr ${h.learningRate} for ${h.epochs} epochs` +
        ` (${personal.test.count} drawings held out)` +
        (way === 'head'
          ? `, its features on ${threads} thread${threads === 1 ? '' : 's'}\n`
          : ` on ${threads} thread${threads === 1 ? '' : 's'}\n`),
    );
  }
  const onEpoch = (r: EpochRecord) => (flags.json ? emitJson({ type: 'epoch', ...r }) : undefined);
  let result: TrainingResult;
  if (way === 'head') {
    // Computed here, or read from --feature-cache when it holds this model's.
    const frozen = frozenLayerCount(model.spec)!;
    const pool = new ForwardPool(threads);
    try {
      const replay = await new ReplayFeatureCache().featuresFor(
        base,
        frozen,
        h,
        { ...data, synthetic: () => synthesisedDrawings(h) },
        { diskPath: flags.featureCache, pool },
      );
      result = await fineTuneHead(h, model, frozen, replay, { personal, onEpoch });
    } finally {
      await pool.close();
    }
  } else {
    result = await train(h, data, {
      initialModel: model,
      personal,
      synthetic: synthesisedDrawings(h),
      onEpoch,
      threads,
    });
  }
  await saveModel(
    flags.out,
    result.model,
    modelMetadataFor(
      { ...result, fineTuning: way },
      {
        name: `${metadata.name ?? 'model'} (fine-tuned)`,
        personal: personalTraining,
        fineTunedFrom: modelPath,
      },
    ),
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
