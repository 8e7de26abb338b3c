import type { Dataset } from '../data/dataset';
import { kernels } from '../kernels';
import { JoinedDataset } from '../data/dataset';
import type { Random } from '../random';
import type { Augmenter, DrawnDistortions } from './augmentation';
import { DISTORTION_FLOATS } from './augmentation';
import type { Matrix } from '../tensor';
import { matrix } from '../tensor';

/**
 * Chooses which images make up each mini-batch.
 *
 * - 'shuffle': every epoch visits each image once in a fresh random order; the last,
 *   smaller batch of an epoch is kept.
 * - 'replacement': each batch is `batchSize` images drawn independently at random
 *   (the notes' scheme), so an image may repeat within a batch.
 */
export class BatchSampler {
  private order: Uint32Array;
  private cursor: number;

  constructor(
    private readonly indices: Uint32Array,
    private readonly batchSize: number,
    private readonly sampling: 'shuffle' | 'replacement',
    private readonly random: Random,
  ) {
    this.order = Uint32Array.from(indices);
    this.cursor = this.order.length;
  }

  /** Steps in one epoch: a pass over the data, or its equivalent in random batches. */
  get stepsPerEpoch(): number {
    return Math.ceil(this.indices.length / this.batchSize);
  }

  /** Indices of the next batch. The returned array is reused by the next call. */
  next(): Uint32Array {
    if (this.sampling === 'replacement') {
      const batch = this.scratch(this.batchSize);
      for (let i = 0; i < batch.length; i++) batch[i] = this.indices[this.random.int(this.indices.length)];
      return batch;
    }
    if (this.cursor >= this.order.length) {
      this.random.shuffle(this.order);
      this.cursor = 0;
    }
    const end = Math.min(this.cursor + this.batchSize, this.order.length);
    const batch = this.order.subarray(this.cursor, end);
    this.cursor = end;
    return batch;
  }

  private buffer: Uint32Array | undefined;
  private scratch(size: number): Uint32Array {
    if (!this.buffer || this.buffer.length !== size) this.buffer = new Uint32Array(size);
    return this.buffer;
  }
}

/**
 * Copies the chosen images into a float32 batch scaled to 0..1, and their labels.
 * Buffers are reused while the batch size stays the same.
 */
export class BatchAssembler {
  private inputs: Matrix | undefined;
  private labels: Uint8Array | undefined;
  private readonly images: Uint8Array[] = [];
  private readonly data: JoinedDataset;

  constructor(data: Dataset | JoinedDataset) {
    this.data = data instanceof JoinedDataset ? data : new JoinedDataset([data]);
  }

  assemble(indices: ArrayLike<number>): { inputs: Matrix; labels: Uint8Array } {
    const size = this.data.rows * this.data.cols;
    const n = indices.length;
    if (!this.inputs || this.inputs.rows !== n) {
      this.inputs = matrix(n, size, 'float32', 'kernel');
      this.labels = new Uint8Array(n);
    }
    const labels = this.labels!;
    const images = this.images;
    images.length = n;
    const { parts, starts } = this.data;
    for (let r = 0; r < n; r++) {
      // One part (evaluation, training without drawings) needs no search.
      const p = parts.length === 1 ? 0 : this.data.partOf(indices[r]);
      const at = indices[r] - starts[p];
      images[r] = parts[p].images.subarray(at * size, (at + 1) * size);
      labels[r] = parts[p].labels[at];
    }
    kernels().unitPixels(images, size, this.inputs.data);
    return { inputs: this.inputs, labels };
  }
}

/** A mini-batch: its images as network inputs, their labels, and with deferred distortions the ones still to apply. */
export interface Batch {
  inputs: Matrix;
  labels: Uint8Array;
  drawn?: DrawnDistortions;
}

/**
 * A run's mini-batches in order: which images (BatchSampler), copied and scaled
 * (BatchAssembler), distorted when asked (Augmenter). `prefetch` makes the next batch
 * ahead of its step, so a thread that would otherwise wait makes it then (the calling
 * thread of data-parallel training, while its workers finish their shards). Batches
 * alternate between two buffers, so a batch stays intact while the next is made; which
 * images, which distortions and the random streams they draw from are the same with or
 * without prefetching.
 *
 * With `deferDistortions` set, a batch's distortions are drawn (in the same order, from the
 * same stream) but not applied: its images come undistorted with `drawn`, and data-parallel
 * training has each thread apply its own shard's, where the calling thread applied them all.
 */
export class BatchStream {
  private readonly assemblers: [BatchAssembler, BatchAssembler];
  private readonly drawn: [DrawnDistortions | undefined, DrawnDistortions | undefined] = [undefined, undefined];
  private turn = 0;
  private ready: Batch | undefined;
  deferDistortions = false;

  constructor(
    data: Dataset | JoinedDataset,
    private readonly sampler: BatchSampler,
    private readonly augmenter: Augmenter | undefined,
  ) {
    this.assemblers = [new BatchAssembler(data), new BatchAssembler(data)];
  }

  /** The next batch: the one prefetched, or a fresh one. Valid until the call after next. */
  next(): Batch {
    const batch = this.ready ?? this.make();
    this.ready = undefined;
    return batch;
  }

  /** Makes the batch the next `next()` returns, unless it is made already. */
  prefetch(): void {
    this.ready ??= this.make();
  }

  private make(): Batch {
    const turn = this.turn;
    const batch: Batch = this.assemblers[turn].assemble(this.sampler.next());
    this.turn = 1 - turn;
    const augmenter = this.augmenter;
    if (!augmenter) return batch;
    if (!this.deferDistortions) {
      augmenter.applyBatch(batch.inputs.data, batch.inputs.rows);
      return batch;
    }
    const rows = batch.inputs.rows;
    let drawn = this.drawn[turn];
    if (!drawn || drawn.distortions.length !== rows * DISTORTION_FLOATS)
      drawn = this.drawn[turn] = augmenter.drawnFor(rows);
    augmenter.drawRows(drawn, rows);
    return { ...batch, drawn };
  }
}
