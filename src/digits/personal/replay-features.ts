import { createHash } from 'node:crypto';
import type { Dataset } from '../../engine/data/dataset';
import { sliceDataset } from '../../engine/data/dataset';
import type { Sequential } from '../../engine/model/sequential';
import type { ForwardPool } from '../../engine/training/parallel-forward';
import type { Hyperparameters } from '../../shared/hyperparameters';
import type { ModelMetadata } from '../../shared/model-metadata';
import { readFeatureFile, saveFeatureFile } from '../io/feature-file';
import { modelDigest, readModelFileBytes } from '../io/model-file';
import { decodeAnyModel, modelOf } from '../io/saved-model';
import type { ReplayFeatures } from './head-fine-tune';
import { replayFeaturesOf } from './head-fine-tune';

/** A model to fine-tune, read once from its file, with the digest of the bytes it was read from. */
export interface FineTuneBase {
  model: Sequential;
  metadata: ModelMetadata;
  digest: string;
}

/** Reads a model file (Tegaki's or ONNX) for a fine-tune: a fresh copy (training changes weights in place) and its bytes' digest. */
export async function loadFineTuneBase(path: string): Promise<FineTuneBase> {
  const bytes = await readModelFileBytes(path);
  const { content, format } = decodeAnyModel(bytes, path);
  // A Tegaki file's own digest (checked as it was decoded); an ONNX file's bytes' SHA-256.
  const digest = format === 'tegaki' ? modelDigest(bytes) : createHash('sha256').update(bytes).digest('hex');
  return { model: modelOf(content), metadata: content.metadata, digest };
}

/** What a fine-tune replays and is tested on, as the trainer would take it. */
export interface ReplaySources {
  /** MNIST's training images; the first `h.trainSize` are replayed. */
  train: Dataset;
  test: Dataset;
  /** The synthesised drawings `h` asks for, made only when the features are not cached. */
  synthetic: () => Dataset | undefined;
}

/**
 * The frozen features of a base model's replay, synthesised and test images
 * (head-fine-tune.ts), computed once and kept for the next fine-tune of the same model.
 * Keyed by the model file's digest, not its path: a model replaced at the same path (a
 * rebuilt built-in model) gets its own features, never the old one's. One model's at a
 * time: the built-in CNN's are about 135 MB (21,600 rows of 1,568 float32s). The engine
 * process keeps one for its life; the command line uses one for a run.
 */
export class ReplayFeatureCache {
  private held: { key: string; features: Promise<ReplayFeatures> } | undefined;

  /**
   * The features held, else the ones saved at `diskPath` when they are of this model and
   * these images, else computed (on `pool`'s threads when given), `betweenBatches` a
   * chunk at a time (a cancel there forgets the half-made entry), and saved at `diskPath`
   * for the next process.
   */
  featuresFor(
    base: FineTuneBase,
    frozen: number,
    h: Pick<Hyperparameters, 'trainSize' | 'styleDrawings' | 'nonDigitDrawings' | 'seed'>,
    sources: ReplaySources,
    options: { pool?: ForwardPool; betweenBatches?: () => Promise<void>; diskPath?: string } = {},
  ): Promise<ReplayFeatures> {
    const trainCount = Math.min(h.trainSize, sources.train.count);
    const key = [
      base.digest,
      frozen,
      trainCount,
      h.styleDrawings ?? 0,
      h.nonDigitDrawings ?? 0,
      h.seed,
      sources.test.count,
    ].join('|');
    if (this.held?.key === key) return this.held.features;
    const computing = (async () => {
      const saved = options.diskPath ? await readFeatureFile(options.diskPath).catch(() => undefined) : undefined;
      if (saved?.modelDigest === base.digest && saved.key === key) return saved.features;
      const features = await replayFeaturesOf(
        base.model,
        frozen,
        { mnist: sliceDataset(sources.train, 0, trainCount), synthetic: sources.synthetic(), test: sources.test },
        { pool: options.pool, betweenBatches: options.betweenBatches },
      );
      // A cache: a file that cannot be written costs the next process the computation, nothing more.
      if (options.diskPath) {
        try {
          saveFeatureFile(options.diskPath, { modelDigest: base.digest, key, features });
        } catch {
          // Left as it was (an atomic write).
        }
      }
      return features;
    })();
    const held = { key, features: computing };
    computing.catch(() => {
      if (this.held === held) this.held = undefined;
    });
    this.held = held;
    return computing;
  }

  /** The key of the features held, if any (for tests). */
  heldKey(): string | undefined {
    return this.held?.key;
  }
}
