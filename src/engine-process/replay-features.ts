import { createHash } from 'node:crypto';
import type { Dataset } from '../engine/data/dataset';
import { sliceDataset } from '../engine/data/dataset';
import type { Sequential } from '../engine/model/sequential';
import type { Hyperparameters } from '../shared/hyperparameters';
import type { ModelMetadata } from '../shared/model-metadata';
import { readModelFileBytes } from '../digits/io/model-file';
import { decodeAnyModel, modelOf } from '../digits/io/saved-model';
import type { ReplayFeatures } from '../digits/personal/head-fine-tune';
import { replayFeaturesOf } from '../digits/personal/head-fine-tune';
import { LruCache } from './model-cache';

/** A model to fine-tune, read once from its file, with the SHA-256 of the bytes it was read from. */
export interface FineTuneBase {
  model: Sequential;
  metadata: ModelMetadata;
  digest: string;
}

/** Reads a model file (Tegaki's or ONNX) for a fine-tune: a fresh copy (training changes weights in place) and its bytes' digest. */
export async function loadFineTuneBase(path: string): Promise<FineTuneBase> {
  const bytes = await readModelFileBytes(path);
  const { content } = decodeAnyModel(bytes, path);
  return { model: modelOf(content), metadata: content.metadata, digest: createHash('sha256').update(bytes).digest('hex') };
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
 * rebuilt built-in model) gets its own features, never the old one's. One entry at a
 * time: the built-in CNN's are about 135 MB (21,600 rows of 1,568 float32s).
 */
export class ReplayFeatureCache {
  private readonly entries: LruCache<string, Promise<ReplayFeatures>>;

  constructor(capacity = 1) {
    this.entries = new LruCache(capacity);
  }

  /** The cached features, or computes them `betweenBatches` a batch at a time (a cancel there forgets the half-made entry). */
  featuresFor(
    base: FineTuneBase,
    frozen: number,
    h: Pick<Hyperparameters, 'trainSize' | 'styleDrawings' | 'nonDigitDrawings' | 'seed'>,
    sources: ReplaySources,
    betweenBatches?: () => Promise<void>,
  ): Promise<ReplayFeatures> {
    const trainCount = Math.min(h.trainSize, sources.train.count);
    const key = [base.digest, frozen, trainCount, h.styleDrawings ?? 0, h.nonDigitDrawings ?? 0, h.seed, sources.test.count].join('|');
    const cached = this.entries.get(key);
    if (cached) return cached;
    const computing = replayFeaturesOf(
      base.model,
      frozen,
      { mnist: sliceDataset(sources.train, 0, trainCount), synthetic: sources.synthetic(), test: sources.test },
      betweenBatches,
    );
    computing.catch(() => this.entries.deleteIf(key, computing));
    this.entries.set(key, computing);
    return computing;
  }

  /** The keys held, oldest first (for tests). */
  keys(): string[] {
    return this.entries.keys();
  }
}
