import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Param, StateTensor } from '../layers/layer';
import type { Loss } from '../losses';
import type { Sequential } from '../model/sequential';
import type { ModelSpec } from '../model/spec';
import { kernels } from '../kernels';
import {
  kernelOffset,
  kernelView,
  returnWorkerRegions,
  takeWorkerRegions,
  workerRegionBytes,
} from '../kernels/wasm/memory';
import type { KernelRegion, WorkerKernelMemory } from '../kernels/wasm/memory';
import type { Optimizer, OptimizerSpec, ParamRange } from '../optimizers';
import type { FloatArray, Matrix } from '../tensor';
import type { Dataset } from '../data/dataset';
import type { Augmentation } from '../../shared/hyperparameters';
import { Augmenter } from './augmentation';
import type { DrawnDistortions } from './augmentation';
import { BatchAssembler } from './batches';
import { decayGradient } from './regularisation';

/**
 * Data-parallel training on `threads` cores: each mini-batch is split into `threads`
 * contiguous shards; the calling thread runs forward and backward on shard 0 with the
 * run's own model, and one worker thread per other shard does the same on a replica
 * (gradient-worker.ts). The threads work in one memory (the kernels' shared WebAssembly
 * memory, or the SharedArrayBuffer that stands in for it under the reference kernels:
 * kernels/wasm/memory.ts), each worker's own arrays in a region of its own, so nothing
 * is copied between them:
 *
 * - a replica's weights are views of the model's own;
 * - a worker reads its rows of the batch where the calling thread assembled it (and
 *   distorts them there, as the calling thread does its own);
 * - the shards' gradients are summed, and the optimiser's update is applied, a chunk at a
 *   time by whichever thread takes the chunk next (`runChunks`): each chunk of a
 *   parameter gets shard 0's gradient plus shard 1's, 2's, … in that order, then weight
 *   decay and the optimiser's rule on that chunk alone. Each rule is elementwise, so the
 *   weights are the same whichever thread takes which chunk, and the workers start on
 *   the chunks while the calling thread makes the next batch.
 *
 * Each shard's loss is the mean over its rows, so each shard multiplies its dL/dlogits by
 * its share of the batch, n_k / n, before its backward: the sum is the batch's mean
 * gradient, exact up to float32 rounding and summation order.
 *
 * Small things cross in shared arrays beside the memory, with Atomics to hand over: the
 * labels, the batch's drawn distortions, each shard's loss, the model's state (batch
 * norm's running statistics) as it was when the step began, and the logits of inference.
 *
 * What differs from one thread, by design and the same on every run of a seed and a
 * thread count:
 * - dropout: shard 0 draws from the model's own stream, shard k from the stream of a
 *   replica seeded with `shardSeed(seed, k)`;
 * - batch norm: each shard normalises with its own batch statistics (as PyTorch's
 *   DataParallel without SyncBatchNorm); the running statistics are the shards'
 *   updated ones averaged with the same weights, which is the update of one thread with
 *   the shards' mean statistics in place of the batch's.
 *
 * The calling thread waits by spinning, then blocking, then with Atomics.waitAsync, so it still
 * hears a worker that dies (its 'error' or 'exit' event fails the step with the worker's
 * error instead of a hang).
 *
 * A pool that closes cleanly leaves its workers for the next pool (`TrainingWorker`):
 * their threads are started and their code compiled already.
 */
export class DataParallel {
  /** Removes this pool's listeners from its workers, which may serve the next pool. */
  private readonly detach: (() => void)[] = [];
  private readonly control: Int32Array;
  private readonly losses: Float64Array;
  private readonly learningRate: Float64Array;
  private readonly inputs: Float32Array;
  private readonly labels: Uint8Array;
  private readonly logits: Float32Array;
  private readonly stateAtStart: Float32Array;
  private readonly offsets: ShardOffsets;
  /** Applies shard 0's drawn distortions (none without augmentation). */
  private readonly augmenter: Augmenter | undefined;
  /** The workers' rows' drawn distortions. */
  private readonly drawn: DrawnDistortions | undefined;
  private readonly params: Param[];
  private readonly state: StateTensor[];
  private readonly chunks: Chunk[];
  private chunkViews: ChunkViews[] | undefined;
  private failure: Error | undefined;
  private closed = false;

  private constructor(
    private readonly model: Sequential,
    private readonly loss: Loss,
    readonly threads: number,
    seed: number,
    maxRows: number,
    labelSmoothing: number,
    augmentation: ShardAugmentation | undefined,
    private readonly update: ParallelUpdate | undefined,
    private readonly members: TrainingWorker[],
  ) {
    this.params = model.params();
    this.state = model.state();
    this.chunks = chunksOf(this.params);
    const stateFloats = this.state.reduce((sum, s) => sum + s.value.length, 0);
    this.control = new Int32Array(new SharedArrayBuffer(controlSlots(threads) * 4));
    this.losses = new Float64Array(new SharedArrayBuffer(threads * 8));
    this.learningRate = new Float64Array(new SharedArrayBuffer(8));
    this.inputs = new Float32Array(new SharedArrayBuffer(maxRows * model.spec.inputSize * 4));
    this.labels = new Uint8Array(new SharedArrayBuffer(maxRows));
    this.logits = new Float32Array(new SharedArrayBuffer(maxRows * model.classes * 4));
    this.stateAtStart = new Float32Array(new SharedArrayBuffer(Math.max(1, stateFloats) * 4));
    this.offsets = ShardOffsets.create(threads, this.params.length, this.state.length);
    this.augmenter = augmentation && new Augmenter(augmentation.settings, augmentation.rows, augmentation.cols);
    this.drawn = this.augmenter?.drawnFor(maxRows, true);
    const shared: SharedParams = {
      params: this.params.map((p) => ({
        name: p.name,
        length: p.value.length,
        regularised: p.regularised,
        value: offsetOf(p.value, p.name),
        grad: offsetOf(p.grad, `${p.name}'s gradient`),
      })),
      optimizer: update && {
        spec: update.optimizer.spec!,
        state: this.params.map((p) =>
          update.optimizer.stateOf(p).map((s) => offsetOf(s, `${p.name}'s optimiser state`)),
        ),
        l2: update.l2,
        l1: update.l1,
      },
    };
    for (let shard = 1; shard < threads; shard++) {
      const pool: GradientWorkerData = {
        spec: model.spec,
        seed: shardSeed(seed, shard),
        labelSmoothing,
        shard,
        threads,
        control: this.control,
        losses: this.losses,
        learningRate: this.learningRate,
        inputs: this.inputs,
        labels: this.labels,
        logits: this.logits,
        stateAtStart: this.stateAtStart,
        offsets: this.offsets.table,
        shared,
        augmentation,
        drawn: this.drawn,
      };
      const { worker } = members[shard - 1];
      const onError = (error: Error): void => this.fail(new Error(`training thread ${shard} failed: ${error.message}`));
      const onExit = (code: number): void => {
        if (!this.closed) this.fail(new Error(`training thread ${shard} stopped unexpectedly (exit code ${code})`));
      };
      worker.on('error', onError);
      worker.on('exit', onExit);
      this.detach.push(() => worker.off('error', onError).off('exit', onExit));
      worker.postMessage(pool);
    }
  }

  /**
   * Starts `threads − 1` workers for this model, for batches of at most `maxRows` rows,
   * and waits until each has built its replica. `labelSmoothing` is `loss`'s ε, for the
   * workers' own losses (default 0); `augmentation`, the run's distortions and image
   * size, when batches come with their distortions drawn but not applied; `update`, the
   * run's optimiser and weight decay, for steps that also update the weights.
   *
   * The model's parameters, gradients and state and the optimiser's state must live in
   * the kernels' shared memory (where the engine makes them unless it is full).
   */
  static async start(
    model: Sequential,
    loss: Loss,
    options: {
      threads: number;
      seed: number;
      maxRows: number;
      labelSmoothing?: number;
      augmentation?: ShardAugmentation;
      update?: ParallelUpdate;
      workerUrl?: URL;
    },
  ): Promise<DataParallel> {
    const {
      threads,
      seed,
      maxRows,
      labelSmoothing = 0,
      augmentation,
      update,
      workerUrl = gradientWorkerUrl(),
    } = options;
    if (!Number.isInteger(threads) || threads < 2)
      throw new RangeError(`data-parallel training needs 2 or more threads, got ${threads}`);
    if (update && !update.optimizer.spec)
      throw new Error('data-parallel training needs an optimiser made by createOptimizer, to mirror it on each thread');
    const members = await takeTrainingWorkers(threads - 1, workerUrl);
    let pool: DataParallel | undefined;
    try {
      pool = new DataParallel(model, loss, threads, seed, maxRows, labelSmoothing, augmentation, update, members);
      await pool.waitFor(READY, threads - 1);
    } catch (error) {
      if (pool) {
        pool.failure ??= error instanceof Error ? error : new Error(String(error));
        await pool.close();
      } else await Promise.all(members.map((m) => m.worker.terminate()));
      throw error;
    }
    return pool;
  }

  /** The worker threads, for tests that make one fail. */
  get workerThreads(): readonly Worker[] {
    return this.members.map((m) => m.worker);
  }

  /**
   * One training step's forward and backward over every thread, then the sum of the
   * shards' gradients into the model's (its state becomes the shards' averaged running
   * statistics); returns the batch's mean loss.
   *
   * With `prepare` (a pool started with `update`), the step also updates the weights:
   * `prepare` gets the batch's loss before any weight moves and returns the loss to
   * report (it throws to stop the step, a loss that is not a number, say, and then no
   * weight moves); it sets the step's learning rate on the optimiser, whose step count
   * this advances. Without it the gradients are only summed.
   *
   * `whileWaiting` runs on this thread once its own shard is done (the trainer makes the
   * next batch then). With `drawn`, the batch's images are still undistorted: each thread
   * applies its own rows' distortions (this one in place in `inputs`) before its forward.
   */
  async step(
    inputs: Matrix,
    labels: Uint8Array,
    options: { whileWaiting?: () => void; drawn?: DrawnDistortions; prepare?: (batchLoss: number) => number } = {},
  ): Promise<number> {
    if (this.failure) throw this.failure;
    const { whileWaiting, drawn, prepare } = options;
    if (prepare && !this.update)
      throw new Error('a step that updates the weights, but the threads were started without an optimiser');
    const n = inputs.rows;
    const cols = inputs.cols;
    const bounds = shardBounds(n, this.threads);
    this.publish(inputs, labels, bounds, drawn);
    this.start(GRADIENTS);

    if (drawn) {
      const augmenter = this.augmenter;
      if (!augmenter)
        throw new Error('a batch with drawn distortions, but the threads were started without augmentation');
      augmenter.applyDrawnRows(inputs.data, drawn, 0, bounds[1]);
    }
    // Shard 0 on this thread, with the model itself; a view of the batch's first rows.
    const first: Matrix = { rows: bounds[1], cols, data: inputs.data.subarray(0, bounds[1] * cols) };
    const logits = this.model.forward(first, true);
    this.losses[0] = this.loss.forward(logits, labels.subarray(0, bounds[1]));
    this.model.backward(scaleRows(this.loss.backward(), bounds[1] / n), false);

    await this.waitFor(GRADIENTS_DONE, this.threads - 1);
    const share = (shard: number): number => (bounds[shard + 1] - bounds[shard]) / n;
    let batchLoss = share(0) * this.losses[0];
    for (let shard = 1; shard < this.threads; shard++)
      if (share(shard) > 0) batchLoss += share(shard) * this.losses[shard];
    this.averageState(share);

    if (prepare) {
      try {
        batchLoss = prepare(batchLoss);
      } catch (error) {
        this.decide(SKIP);
        await this.waitFor(DONE, this.threads - 1);
        throw error;
      }
      const optimizer = this.update!.optimizer;
      optimizer.steps += 1;
      Atomics.store(this.control, STEP_COUNT, optimizer.steps);
      this.learningRate[0] = optimizer.learningRate;
      this.decide(UPDATE);
    } else {
      this.decide(SUM);
    }
    whileWaiting?.();
    runChunks(this.chunkWork(bounds, prepare !== undefined));
    await this.waitFor(DONE, this.threads - 1);
    return batchLoss;
  }

  /**
   * The model's logits in inference mode for every image of `data`, `[count, classes]`, a
   * batch of at most `maxRows` at a time split over the threads as training's are: the
   * trainer's evaluations between epochs, on the workers it already has. Bit-identical to
   * evaluate.ts's forwardRows (an image's logits do not depend on its batch).
   */
  async logitsOf(data: Dataset): Promise<Float32Array> {
    if (this.failure) throw this.failure;
    const classes = this.model.classes;
    const out = new Float32Array(data.count * classes);
    const assembler = new BatchAssembler(data);
    const maxRows = this.labels.length;
    for (let start = 0; start < data.count; start += maxRows) {
      const end = Math.min(start + maxRows, data.count);
      const { inputs, labels } = assembler.assemble(Array.from({ length: end - start }, (_, i) => start + i));
      const bounds = shardBounds(inputs.rows, this.threads);
      this.publish(inputs, labels, bounds);
      this.start(LOGITS);
      const first: Matrix = {
        rows: bounds[1],
        cols: inputs.cols,
        data: inputs.data.subarray(0, bounds[1] * inputs.cols),
      };
      out.set(this.model.forward(first, false).data.subarray(0, bounds[1] * classes), start * classes);
      await this.waitFor(DONE, this.threads - 1);
      out.set(this.logits.subarray(bounds[1] * classes, inputs.rows * classes), (start + bounds[1]) * classes);
    }
    return out;
  }

  /**
   * Ends the pool; safe to call twice. Its workers leave its loop and wait for the next
   * pool, or, when one of them failed, all of them stop and give their memory back.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.control, STOP, 1);
    Atomics.add(this.control, GENERATION, 1);
    Atomics.notify(this.control, GENERATION);
    for (const detach of this.detach) detach();
    if (this.failure) await Promise.all(this.members.map((m) => m.worker.terminate()));
    else for (const member of this.members) keepTrainingWorker(member);
  }

  /** The batch (where it lies, or a copy of the workers' rows), its labels, distortions and shards, and the model's state as it is now. */
  private publish(inputs: Matrix, labels: Uint8Array, bounds: number[], drawn?: DrawnDistortions): void {
    const n = inputs.rows;
    if (this.labels.length < n)
      throw new RangeError(
        `a batch of ${n} rows is larger than the ${this.labels.length} the threads were started for`,
      );
    const at = kernelOffset(inputs.data);
    if (at === undefined) {
      const from = bounds[1] * inputs.cols;
      this.inputs.set(inputs.data.subarray(from, n * inputs.cols), from);
    }
    Atomics.store(this.control, INPUT_AT, at ?? -1);
    this.labels.set(labels.subarray(0, n));
    // The workers' rows' distortions (shard 0's stay on this thread).
    if (drawn && this.augmenter && this.drawn) this.augmenter.copyDrawnRows(drawn, this.drawn, bounds[1], n);
    Atomics.store(this.control, DISTORT, drawn ? 1 : 0);
    Atomics.store(this.control, COLS, inputs.cols);
    for (let shard = 0; shard <= this.threads; shard++) Atomics.store(this.control, BOUNDS + shard, bounds[shard]);
    // Shard 0's forward moves batch norm's running statistics while the workers copy them.
    let offset = 0;
    for (const s of this.state) {
      this.stateAtStart.set(s.value, offset);
      offset += s.value.length;
    }
  }

  /** Wakes the workers for one operation on what was published. */
  private start(operation: typeof GRADIENTS | typeof LOGITS): void {
    Atomics.store(this.control, OPERATION, operation);
    Atomics.store(this.control, DONE, 0);
    Atomics.store(this.control, GRADIENTS_DONE, 0);
    Atomics.store(this.control, VERDICT, PENDING);
    Atomics.store(this.control, NEXT_CHUNK, 0);
    Atomics.add(this.control, GENERATION, 1);
    Atomics.notify(this.control, GENERATION);
  }

  /** Tells the workers what follows the shards' gradients: their sum, the update too, or nothing. */
  private decide(verdict: typeof SUM | typeof UPDATE | typeof SKIP): void {
    Atomics.store(this.control, VERDICT, verdict);
    Atomics.notify(this.control, VERDICT);
  }

  /** state = Σ_k (n_k / n)·state_k, read from each worker's replica where it lies. */
  private averageState(share: (shard: number) => number): void {
    this.state.forEach((s, j) => {
      const value = s.value;
      const w0 = share(0);
      for (let i = 0; i < value.length; i++) value[i] *= w0;
      for (let shard = 1; shard < this.threads; shard++) {
        const w = share(shard);
        if (w === 0) continue;
        const theirs = this.offsets.state(shard, j, value.length);
        for (let i = 0; i < value.length; i++) value[i] += w * theirs[i];
      }
    });
  }

  /** This thread's part of `runChunks`: the model's own parameters, every shard's gradients. */
  private chunkWork(bounds: number[], updating: boolean): ChunkWork {
    this.chunkViews ??= viewChunks(
      this.chunks,
      this.params,
      this.offsets.gradientViews(this.params, this.threads),
      this.update,
    );
    return {
      control: this.control,
      chunks: this.chunkViews,
      shards: nonEmptyShards(bounds),
      update: updating ? this.update : undefined,
      fromEnd: false,
    };
  }

  /**
   * Resolves once control[slot] reaches `count`; rejects as soon as a worker fails.
   *
   * It spins for up to SPIN_MS, then blocks this thread for up to SYNC_WAIT_MS
   * (Atomics.wait): a step's shards finish within a fraction of a millisecond of each
   * other, and being woken from a futex is several times quicker than a promise of
   * Atomics.waitAsync going through the event loop, which on a small network cost as much
   * as the step saved. A worker that dies
   * cannot be heard while this thread blocks (its 'exit' event needs the event loop), so
   * past that budget the wait goes on asynchronously.
   */
  private async waitFor(slot: number, count: number): Promise<void> {
    if (canBlock) spinUntil(this.control, slot, (seen) => seen >= count);
    const blockUntil = canBlock ? performance.now() + SYNC_WAIT_MS : 0;
    for (;;) {
      if (this.failure) throw this.failure;
      const seen = Atomics.load(this.control, slot);
      if (seen >= count) return;
      const left = blockUntil - performance.now();
      if (left > 0) {
        Atomics.wait(this.control, slot, seen, left);
        continue;
      }
      const waiting = (Atomics as unknown as AtomicsWaitAsync).waitAsync(this.control, slot, seen);
      if (waiting.async) await waiting.value;
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    // Wakes waitFor, whichever slot it waits on, which then sees the failure.
    for (const slot of [DONE, READY, GRADIENTS_DONE]) {
      Atomics.add(this.control, slot, 0x4000_0000);
      Atomics.notify(this.control, slot);
    }
  }
}

/** The run's optimiser and weight decay, which every thread applies to the chunks it takes. */
export interface ParallelUpdate {
  optimizer: Optimizer;
  l2: number;
  l1: number;
}

/**
 * A chunk of one parameter, [from, to): the unit of work after the shards' gradients.
 * Chunks start at multiples of CHUNK_FLOATS from their parameter's start, so a kernel's
 * vector loop meets each entry as it would over the whole parameter.
 */
export interface Chunk {
  param: number;
  from: number;
  to: number;
}

/**
 * A chunk as one thread sees it, its views made once per pool: the model's parameter,
 * whose gradient there (shard 0's) receives the sum, each other shard's gradient there,
 * and the optimiser's range. Made every step, the views were most of what a worker
 * allocated (the reference MLP's worker collected its young generation twice as often).
 */
export interface ChunkViews extends Chunk {
  p: Param;
  sum: FloatArray;
  /** shards[k]: shard k's gradient on the chunk (k ≥ 1; shards[0] is unused). */
  shards: FloatArray[];
  /** Undefined when the pool only sums. */
  range: ParamRange | undefined;
}

/** The views of every chunk on one thread: its own Param objects, every shard's gradients `[shard][param]`. */
export function viewChunks(
  chunks: readonly Chunk[],
  params: readonly Param[],
  shardGradients: readonly (readonly FloatArray[])[],
  update: ParallelUpdate | undefined,
): ChunkViews[] {
  return chunks.map((chunk) => {
    const p = params[chunk.param];
    const { from, to } = chunk;
    return {
      ...chunk,
      p,
      sum: p.grad.subarray(from, to),
      shards: shardGradients.map((views) =>
        views.length > 0 ? views[chunk.param].subarray(from, to) : p.grad.subarray(0, 0),
      ),
      range: update?.optimizer.rangeOf(p, from, to),
    };
  });
}

/** What a thread needs to take chunks: the same on every thread but for whose views they are. */
export interface ChunkWork {
  control: Int32Array;
  chunks: readonly ChunkViews[];
  /** The shards with rows this step, but 0. */
  shards: readonly number[];
  update: ParallelUpdate | undefined;
  /** Workers take chunks from the last, the calling thread from the first (see claimChunk). */
  fromEnd: boolean;
}

/** Floats in a chunk: 32 KiB, a few of which sit in the first-level cache while they are summed and updated. */
export const CHUNK_FLOATS = 8192;

/** The most chunks a model may have (claimChunk counts each end in 16 bits): 268 million parameters. */
const MAX_CHUNKS = 0x7fff;

export function chunksOf(params: readonly { value: { length: number } }[]): Chunk[] {
  const total = params.reduce((sum, p) => sum + Math.ceil(p.value.length / CHUNK_FLOATS), 0);
  if (total > MAX_CHUNKS)
    throw new RangeError(`a model of ${total} chunks of parameters is too large for data-parallel training`);
  const chunks: Chunk[] = [];
  params.forEach((p, param) => {
    for (let from = 0; from < p.value.length; from += CHUNK_FLOATS)
      chunks.push({ param, from, to: Math.min(from + CHUNK_FLOATS, p.value.length) });
  });
  return chunks;
}

/**
 * Takes chunks until none are left (an atomic counter hands each to one thread): its
 * gradient summed over the shards in shard order, then, when the step updates, weight
 * decay and the optimiser's rule on it.
 */
export function runChunks(work: ChunkWork): void {
  const { control, chunks, shards, update } = work;
  for (;;) {
    const c = claimChunk(control, chunks.length, work.fromEnd);
    if (c < 0) return;
    const chunk = chunks[c];
    for (const shard of shards) addInto(chunk.sum, chunk.shards[shard]);
    if (update && chunk.range) {
      decayGradient(chunk.p, update.l2, update.l1, chunk.from, chunk.to);
      update.optimizer.updateRange(chunk.range);
    }
  }
}

/**
 * The next chunk for a thread to take, or −1 when none is left. The calling thread takes
 * them from the first, the workers from the last, so that each thread meets mostly the
 * same chunks step after step and their optimiser state stays in its core's cache. Both
 * ends are counted in one slot (from the first in the low 16 bits, from the last in the
 * high ones), so the two never take the same chunk.
 */
export function claimChunk(control: Int32Array, count: number, fromEnd: boolean): number {
  for (;;) {
    const seen = Atomics.load(control, NEXT_CHUNK);
    const low = seen & 0xffff;
    const high = seen >>> 16;
    if (low + high >= count) return -1;
    const next = fromEnd ? seen + 0x10000 : seen + 1;
    if (Atomics.compareExchange(control, NEXT_CHUNK, seen, next) === seen) return fromEnd ? count - 1 - high : low;
  }
}

/** The shards but 0 that have rows in a batch split at `bounds`. */
export function nonEmptyShards(bounds: readonly number[]): number[] {
  const shards: number[] = [];
  for (let shard = 1; shard + 1 < bounds.length; shard++) if (bounds[shard + 1] > bounds[shard]) shards.push(shard);
  return shards;
}

/**
 * Where each worker's gradients and state tensors lie in the kernels' memory: a row per
 * shard of their byte offsets, gradients then state (row 0 unused: shard 0's are the
 * model's own). Each worker writes its row as it starts; the other threads read the rows
 * once every worker is ready. Unsigned: a worker's region may start past 2 GiB.
 */
export class ShardOffsets {
  private readonly perShard: number;

  constructor(
    readonly table: Uint32Array,
    private readonly params: number,
    states: number,
  ) {
    this.perShard = params + states;
  }

  static create(threads: number, params: number, states: number): ShardOffsets {
    const table = new Uint32Array(new SharedArrayBuffer(Math.max(1, threads * (params + states)) * 4));
    return new ShardOffsets(table, params, states);
  }

  /** Writes `shard`'s row: where its replica's gradients and state tensors are. */
  write(shard: number, params: readonly Param[], state: readonly StateTensor[]): void {
    const row = shard * this.perShard;
    params.forEach((p, i) => (this.table[row + i] = offsetOf(p.grad, `${p.name}'s gradient`)));
    state.forEach((s, j) => (this.table[row + this.params + j] = offsetOf(s.value, s.name)));
  }

  /** Views of every shard's gradients, `[shard][param]` (shard 0's empty). */
  gradientViews(params: readonly { value: { length: number } }[], threads: number): FloatArray[][] {
    return Array.from({ length: threads }, (_, shard) =>
      shard === 0 ? [] : params.map((p, i) => kernelView(this.table[shard * this.perShard + i], p.value.length)),
    );
  }

  /** A view of `shard`'s state tensor `j`, `length` floats. */
  state(shard: number, j: number, length: number): Float32Array {
    return kernelView(this.table[shard * this.perShard + this.params + j], length);
  }
}

/** Where `array` is in the kernels' memory, for another thread; throws when it is elsewhere. */
function offsetOf(array: FloatArray, what: string): number {
  const at = kernelOffset(array);
  if (at === undefined) throw new Error(`${what} is not in the kernels' memory (it was full?): train on one thread`);
  return at;
}

/**
 * How long a thread spins on a control slot before it sleeps on it. A step hands over
 * several times (the workers start, their gradients are done, the verdict, the update is
 * done) within a fraction of a millisecond; waking a sleeping thread (Atomics.notify, a
 * futex) took 30-60 µs of the reference MLP's 0.67-ms step on 2 threads, and spinning
 * first made that step 0.74x → 0.84x of one thread's speed (bench --only threads). Past
 * this, the thread sleeps, so an idle pool costs no CPU.
 */
const SPIN_MS = 0.5;

/** Spins until `done(control[slot])`, or SPIN_MS passes; says whether it got there. */
export function spinUntil(control: Int32Array, slot: number, done: (seen: number) => boolean): boolean {
  const deadline = performance.now() + SPIN_MS;
  for (let i = 1; ; i++) {
    if (done(Atomics.load(control, slot))) return true;
    // performance.now() costs more than a load: look at the clock every 64 loads.
    if (i % 64 === 0 && performance.now() > deadline) return false;
  }
}

/** How long the calling thread may block waiting for its workers before it waits asynchronously. */
const SYNC_WAIT_MS = 20;
/** Whether this thread may block: Node's main thread may; a browser's window may not. */
const canBlock = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

/** ES2024's Atomics.waitAsync (Node 16+), which the project's TypeScript lib does not declare. */
interface AtomicsWaitAsync {
  waitAsync(
    array: Int32Array,
    index: number,
    value: number,
  ): { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> };
}

/**
 * a += b with the kernels' SIMD loop: SGD's update with a learning rate of −1, since
 * a − (−1)·b is a + b exactly in floating point (negation is exact). A plain loop here
 * cost as much as a small network's half step.
 */
export function addInto(a: FloatArray, b: FloatArray): void {
  kernels().sgd(a, b, -1);
}

/** Multiplies a shard's dL/dlogits by its share of the batch, in place: backward is linear, so every gradient follows. */
export function scaleRows(gradient: Matrix, share: number): Matrix {
  if (share === 1) return gradient;
  const g = gradient.data;
  for (let i = 0; i < g.length; i++) g[i] *= share;
  return gradient;
}

/** The model's parameters as a worker finds them in the kernels' memory, and the optimiser it mirrors. */
export interface SharedParams {
  params: { name: string; length: number; regularised: boolean; value: number; grad: number }[];
  /** The optimiser's kind and settings, its state buffers' byte offsets by parameter, and weight decay. */
  optimizer: { spec: OptimizerSpec; state: number[][]; l2: number; l1: number } | undefined;
}

/** What a worker is handed for each pool it serves (gradient-worker.ts). */
export interface GradientWorkerData {
  spec: ModelSpec;
  seed: number;
  /** The run's label smoothing ε (softmax-cross-entropy.ts). */
  labelSmoothing: number;
  shard: number;
  threads: number;
  control: Int32Array;
  losses: Float64Array;
  /** One float: the step's learning rate, when the step updates the weights. */
  learningRate: Float64Array;
  /** `[maxRows, in]`: the workers' rows of a batch that is not in the kernels' memory. */
  inputs: Float32Array;
  labels: Uint8Array;
  /** `[maxRows, classes]`: the logits of an inference batch, each worker writing its shard's rows. */
  logits: Float32Array;
  /** The model's state when the step began, its tensors one after another. */
  stateAtStart: Float32Array;
  /** ShardOffsets' table: each worker writes its row. */
  offsets: Uint32Array;
  shared: SharedParams;
  /** The run's distortions, when batches come with them drawn but not applied. */
  augmentation: ShardAugmentation | undefined;
  /** Room for `maxRows` rows' drawn distortions, in shared memory; the workers read their rows'. */
  drawn: DrawnDistortions | undefined;
}

/** What a training worker is started with, for its life. */
export interface TrainingWorkerData {
  kind: 'gradients';
  /** The kernels' shared memory and this worker's region of it (read by kernels/wasm/memory.ts as it loads). */
  kernelMemory: WorkerKernelMemory;
}

/** A run's distortions and the size of its images, for the threads that apply them. */
export interface ShardAugmentation {
  settings: Augmentation;
  rows: number;
  cols: number;
}

/** Slots of the shared control array. */
export const GENERATION = 0;
/** Workers done with the operation. */
export const DONE = 1;
export const READY = 2;
export const STOP = 3;
export const COLS = 4;
/** Which operation a generation asks for: GRADIENTS (a training step) or LOGITS (inference). */
export const OPERATION = 5;
export const GRADIENTS = 0;
export const LOGITS = 1;
/** 1 when the published rows are undistorted and each worker applies its rows' drawn distortions. */
export const DISTORT = 6;
/** The batch's byte offset in the kernels' memory, or −1: the workers' rows are in `inputs`. */
export const INPUT_AT = 7;
/** Workers whose shard's gradient (and loss, and state) is done. */
export const GRADIENTS_DONE = 8;
/** What follows the gradients: PENDING until the calling thread has the batch's loss. */
export const VERDICT = 9;
export const PENDING = 0;
export const SUM = 1;
export const UPDATE = 2;
export const SKIP = 3;
/** The next chunk to take (runChunks). */
export const NEXT_CHUNK = 10;
/** The optimiser's step count for this step's update. */
export const STEP_COUNT = 11;
/** `threads + 1` slots from here: shard k is rows [bounds[k], bounds[k + 1]). */
export const BOUNDS = 12;

function controlSlots(threads: number): number {
  return BOUNDS + threads + 1;
}

/** Contiguous shards, shard 0 never empty: shard k starts at ceil(k·n / threads). */
export function shardBounds(n: number, threads: number): number[] {
  return Array.from({ length: threads + 1 }, (_, k) => Math.ceil((k * n) / threads));
}

/** The seed of shard k's replica (its dropout stream); shard 0 uses the model's own. */
export function shardSeed(seed: number, shard: number): number {
  return (Math.imul(seed ^ 0x5bd1e995, 0x01000193) + shard * 0x9e3779b9) >>> 0;
}

/**
 * Where the worker's code is: TEGAKI_GRADIENT_WORKER when the app is bundled (the main
 * process names the built file), else the TypeScript source beside this file.
 */
export function gradientWorkerUrl(): URL {
  const bundled = process.env.TEGAKI_GRADIENT_WORKER;
  return bundled ? pathToFileURL(bundled) : new URL('./gradient-worker.ts', import.meta.url);
}

/** A `.ts` worker starts through tsx's loader, registered in the worker itself. */
export function spawnWorker(url: URL, workerData: TrainingWorkerData | { kind: 'forward' }): Worker {
  if (!url.pathname.endsWith('.ts')) return new Worker(url, { workerData });
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/**
 * A data-parallel worker thread, with the region of the kernels' memory its arrays live in
 * for its life. Starting one costs about 150 ms (the thread, the engine's modules), and a
 * fresh one compiles the engine's code again as it trains: on 2 cores that compilation
 * runs beside both training threads and stalls steps a millisecond at a time (the reference
 * MLP on 2 threads: about 130 functions optimised again in each run's first 2,811 steps).
 * So a pool that closes cleanly keeps its workers for the next one (`keepTrainingWorker`),
 * until they have waited KEPT_WORKER_IDLE_MS unused.
 */
interface TrainingWorker {
  worker: Worker;
  region: KernelRegion;
  /** The worker's code, as spawned. */
  url: string;
  /** While it is kept: the timer that stops it. */
  idleTimer?: ReturnType<typeof setTimeout>;
}

/** Workers that pools closed cleanly, waiting for the next pool. */
const keptWorkers: TrainingWorker[] = [];

/** How long a kept worker waits for another pool before it stops and gives its thread, heap and region back. */
export const KEPT_WORKER_IDLE_MS = 60_000;

/** `count` workers running `url`'s code: kept ones first, with regions of the size such a pool gets, then new ones. */
async function takeTrainingWorkers(count: number, url: URL): Promise<TrainingWorker[]> {
  const size = workerRegionBytes(count);
  const taken: TrainingWorker[] = [];
  for (let i = keptWorkers.length - 1; i >= 0 && taken.length < count; i--) {
    const kept = keptWorkers[i];
    if (kept.url !== url.href || kept.region.end - kept.region.start !== size) continue;
    keptWorkers.splice(i, 1);
    clearTimeout(kept.idleTimer);
    kept.worker.ref();
    taken.push(kept);
  }
  try {
    while (taken.length < count) {
      try {
        taken.push(spawnTrainingWorker(url, size));
      } catch (error) {
        // No room in the memory for its region: kept workers of another size may hold it.
        // They go, and the worker is tried once more.
        if (!(error instanceof RangeError) || keptWorkers.length === 0) throw error;
        await releaseKeptWorkers();
      }
    }
  } catch (error) {
    await Promise.all(taken.map((t) => t.worker.terminate()));
    throw error;
  }
  return taken;
}

function spawnTrainingWorker(url: URL, size: number): TrainingWorker {
  const regions = takeWorkerRegions(1, size);
  if (!regions)
    throw new Error('training on several threads needs a memory the threads can share (SharedArrayBuffer, in Node)');
  const member: TrainingWorker = {
    worker: spawnWorker(url, {
      kind: 'gradients',
      kernelMemory: { memory: regions.memory, region: regions.regions[0] },
    }),
    region: regions.extent,
    url: url.href,
  };
  // A kept worker has no pool listening: an error it throws then must not become the
  // process's uncaught 'error' event (it exits, and the listener below tidies up).
  member.worker.on('error', () => {});
  // However it stops (a pool's failure, its idle time up, a crash while kept), its region is free again.
  member.worker.once('exit', () => {
    returnWorkerRegions(member.region);
    const i = keptWorkers.indexOf(member);
    if (i >= 0) keptWorkers.splice(i, 1);
  });
  return member;
}

/** Keeps a worker of a cleanly closed pool for the next; it does not keep the process alive. */
function keepTrainingWorker(member: TrainingWorker): void {
  member.worker.unref();
  member.idleTimer = setTimeout(() => void member.worker.terminate(), KEPT_WORKER_IDLE_MS);
  member.idleTimer.unref();
  keptWorkers.push(member);
}

/** How many workers are kept for the next pool. */
export function keptWorkerCount(): number {
  return keptWorkers.length;
}

/** Stops every kept worker (tests; room for workers with regions of another size); resolves once they have. */
export async function releaseKeptWorkers(): Promise<void> {
  const released = keptWorkers.splice(0);
  for (const member of released) clearTimeout(member.idleTimer);
  await Promise.all(released.map((member) => member.worker.terminate()));
}
