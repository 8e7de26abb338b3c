import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Param, StateTensor } from '../layers/layer';
import type { Loss } from '../losses';
import type { Sequential } from '../model/sequential';
import type { ModelSpec } from '../model/spec';
import { kernels } from '../kernels';
import type { FloatArray, Matrix } from '../tensor';
import type { Dataset } from '../data/dataset';
import type { Augmentation } from '../../shared/hyperparameters';
import { Augmenter } from './augmentation';
import type { DrawnDistortions } from './augmentation';
import { BatchAssembler } from './batches';

/**
 * Data-parallel training on `threads` cores: each mini-batch is split into `threads`
 * contiguous shards; the calling thread runs forward and backward on shard 0 with the
 * run's own model, and one worker thread per other shard does the same on a replica
 * (gradient-worker.ts). Everything crosses in shared memory, with Atomics to hand over:
 *
 *   weights  [P + S]             the model's parameters and state (batch norm's running
 *                                statistics), written by the calling thread before each
 *                                step, read by every replica
 *   inputs   [batch, in], labels the whole batch; a worker reads its shard's rows
 *   drawn                       the batch's augmentation, drawn by the calling thread in
 *                                image order (batches.ts, deferDistortions); each thread
 *                                applies its own rows', where the calling thread would
 *                                apply every row's while the others wait
 *   results  [threads − 1, P + S] each worker's gradient summed with its children's
 *                                (its subtree's) and its state after its step
 *   losses   [threads]           each shard's mean loss
 *
 * Each shard's loss is the mean over its rows, so each shard multiplies its dL/dlogits by
 * its share of the batch, n_k / n, before its backward; the shards' gradients are then
 * summed along a binomial tree (reductionChildren), each shard adding its children's sums
 * to its own in a fixed order, which gives the batch's mean gradient at shard 0, exact up
 * to float32 rounding and summation order. Weight decay and the optimiser then run once,
 * as on one thread (trainer.ts).
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
 */
export class DataParallel {
  private readonly workers: Worker[] = [];
  private readonly control: Int32Array;
  private readonly losses: Float64Array;
  private readonly weights: Float32Array;
  private readonly results: Float32Array;
  private readonly inputs: Float32Array;
  private readonly labels: Uint8Array;
  private readonly logits: Float32Array;
  /** Applies shard 0's drawn distortions (none without augmentation). */
  private readonly augmenter: Augmenter | undefined;
  /** The workers' rows' drawn distortions. */
  private readonly drawn: DrawnDistortions | undefined;
  private readonly params: Param[];
  private readonly state: StateTensor[];
  private readonly width: number;
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
    workerUrl: URL,
  ) {
    this.params = model.params();
    this.state = model.state();
    this.width = [...this.params, ...this.state].reduce((sum, p) => sum + p.value.length, 0);
    this.control = new Int32Array(new SharedArrayBuffer(controlSlots(threads) * 4));
    this.losses = new Float64Array(new SharedArrayBuffer(threads * 8));
    this.weights = new Float32Array(new SharedArrayBuffer(this.width * 4));
    this.results = new Float32Array(new SharedArrayBuffer(Math.max(1, (threads - 1) * this.width) * 4));
    this.inputs = new Float32Array(new SharedArrayBuffer(maxRows * model.spec.inputSize * 4));
    this.labels = new Uint8Array(new SharedArrayBuffer(maxRows));
    this.logits = new Float32Array(new SharedArrayBuffer(maxRows * model.classes * 4));
    this.augmenter = augmentation && new Augmenter(augmentation.settings, augmentation.rows, augmentation.cols);
    this.drawn = this.augmenter?.drawnFor(maxRows, true);
    for (let shard = 1; shard < threads; shard++) {
      const workerData: GradientWorkerData = {
        spec: model.spec,
        seed: shardSeed(seed, shard),
        labelSmoothing,
        shard,
        threads,
        control: this.control,
        losses: this.losses,
        weights: this.weights,
        results: this.results,
        inputs: this.inputs,
        labels: this.labels,
        logits: this.logits,
        augmentation,
        drawn: this.drawn,
      };
      const worker = spawnWorker(workerUrl, workerData);
      worker.on('error', (error) => this.fail(new Error(`training thread ${shard} failed: ${error.message}`)));
      worker.on('exit', (code) => {
        if (!this.closed) this.fail(new Error(`training thread ${shard} stopped unexpectedly (exit code ${code})`));
      });
      this.workers.push(worker);
    }
  }

  /**
   * Starts `threads − 1` workers for this model, for batches of at most `maxRows` rows,
   * and waits until each has built its replica. `labelSmoothing` is `loss`'s ε, for the
   * workers' own losses (default 0); `augmentation`, the run's distortions and image
   * size, when batches come with their distortions drawn but not applied.
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
      workerUrl?: URL;
    },
  ): Promise<DataParallel> {
    const { threads, seed, maxRows, labelSmoothing = 0, augmentation, workerUrl = gradientWorkerUrl() } = options;
    if (!Number.isInteger(threads) || threads < 2)
      throw new RangeError(`data-parallel training needs 2 or more threads, got ${threads}`);
    const pool = new DataParallel(model, loss, threads, seed, maxRows, labelSmoothing, augmentation, workerUrl);
    try {
      await pool.waitFor(READY, threads - 1);
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  /** The worker threads, for tests that make one fail. */
  get workerThreads(): readonly Worker[] {
    return this.workers;
  }

  /**
   * Forward and backward of the batch over every thread: fills the model's parameter
   * gradients with the batch's mean gradient (and its state with the averaged running
   * statistics) and returns the batch's mean loss. `whileWaiting` runs on this thread
   * once its own shard is done, before it waits for the workers' (the trainer makes the
   * next batch then). With `drawn`, the batch's images are still undistorted: each thread
   * applies its own rows' distortions (this one in place in `inputs`) before its forward.
   */
  async gradients(
    inputs: Matrix,
    labels: Uint8Array,
    whileWaiting?: () => void,
    drawn?: DrawnDistortions,
  ): Promise<number> {
    if (this.failure) throw this.failure;
    const n = inputs.rows;
    const cols = inputs.cols;
    const bounds = shardBounds(n, this.threads);
    this.publishWeights();
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

    whileWaiting?.();
    return this.reduce(n, bounds);
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
    this.publishWeights();
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

  /** Stops the workers; safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.control, STOP, 1);
    Atomics.add(this.control, GENERATION, 1);
    Atomics.notify(this.control, GENERATION);
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  private publish(inputs: Matrix, labels: Uint8Array, bounds: number[], drawn?: DrawnDistortions): void {
    const n = inputs.rows;
    if (this.labels.length < n)
      throw new RangeError(
        `a batch of ${n} rows is larger than the ${this.labels.length} the threads were started for`,
      );
    const from = bounds[1] * inputs.cols;
    this.inputs.set(inputs.data.subarray(from, n * inputs.cols), from);
    this.labels.set(labels.subarray(0, n));
    // The workers' rows' distortions (shard 0's stay on this thread).
    if (drawn && this.augmenter && this.drawn) this.augmenter.copyDrawnRows(drawn, this.drawn, bounds[1], n);
    Atomics.store(this.control, DISTORT, drawn ? 1 : 0);
    Atomics.store(this.control, COLS, inputs.cols);
    for (let shard = 0; shard <= this.threads; shard++) Atomics.store(this.control, BOUNDS + shard, bounds[shard]);
  }

  /** The model's weights and state into shared memory, under a new version number (a worker copies them once per version). */
  private publishWeights(): void {
    let offset = 0;
    for (const p of [...this.params, ...this.state]) {
      this.weights.set(p.value, offset);
      offset += p.value.length;
    }
    Atomics.add(this.control, WEIGHTS_VERSION, 1);
  }

  /** Wakes the workers for one operation on what was published. */
  private start(operation: typeof GRADIENTS | typeof LOGITS): void {
    Atomics.store(this.control, OPERATION, operation);
    for (let shard = 1; shard < this.threads; shard++) Atomics.store(this.control, copiedSlot(this.threads, shard), 0);
    Atomics.store(this.control, DONE, 0);
    Atomics.add(this.control, GENERATION, 1);
    Atomics.notify(this.control, GENERATION);
  }

  /**
   * grad = Σ_k grad_k, along the tree: shard 0's own gradient, then each of its children's
   * subtree sums in turn (each shard scaled its dL/dlogits by n_k / n, so its gradients
   * arrive weighted); state = Σ_k (n_k / n)·state_k; returns the batch's loss.
   *
   * The gradients are summed a chunk at a time as the children finish theirs (each says how
   * far it has got in its copied slot), so this thread's sum overlaps their work; each
   * entry still adds the shards in the same order.
   */
  private async reduce(n: number, bounds: number[]): Promise<number> {
    const share = (shard: number): number => (bounds[shard + 1] - bounds[shard]) / n;
    const children = reductionChildren(0, this.threads);
    let offset = 0;
    for (const p of this.params) {
      const grad = p.grad;
      for (let from = 0; from < grad.length; from += EXCHANGE_CHUNK) {
        const to = Math.min(from + EXCHANGE_CHUNK, grad.length);
        for (const child of children) {
          await this.waitFor(copiedSlot(this.threads, child), offset + to);
          const at = (child - 1) * this.width + offset;
          addInto(grad.subarray(from, to), this.results.subarray(at + from, at + to));
        }
      }
      offset += grad.length;
    }
    // The losses and the state come last.
    await this.waitFor(DONE, this.threads - 1);
    let batchLoss = share(0) * this.losses[0];
    for (let shard = 1; shard < this.threads; shard++)
      if (share(shard) > 0) batchLoss += share(shard) * this.losses[shard];
    for (const s of this.state) {
      const value = s.value;
      const w0 = share(0);
      for (let i = 0; i < value.length; i++) value[i] *= w0;
      for (let shard = 1; shard < this.threads; shard++) {
        const w = share(shard);
        if (w === 0) continue;
        const from = (shard - 1) * this.width + offset;
        for (let i = 0; i < value.length; i++) value[i] += w * this.results[from + i];
      }
      offset += value.length;
    }
    return batchLoss;
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
    const slots = [DONE, READY];
    for (let shard = 1; shard < this.threads; shard++) slots.push(copiedSlot(this.threads, shard));
    for (const slot of slots) {
      Atomics.add(this.control, slot, 0x4000_0000);
      Atomics.notify(this.control, slot);
    }
  }
}

/**
 * How long a thread spins on a control slot before it sleeps on it. A step hands over
 * twice (the workers start, the calling thread hears they are done) within a fraction of a
 * millisecond; waking a sleeping thread (Atomics.notify, a futex) took 30-60 µs of the
 * reference MLP's 0.67-ms step on 2 threads, and spinning first made that step 0.74x →
 * 0.84x of one thread's speed (bench --only threads). Past this, the thread sleeps, so an
 * idle pool costs no CPU.
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
export function addInto(a: FloatArray, b: Float32Array): void {
  kernels().sgd(a, b, -1);
}

/** Multiplies a shard's dL/dlogits by its share of the batch, in place: backward is linear, so every gradient follows. */
export function scaleRows(gradient: Matrix, share: number): Matrix {
  if (share === 1) return gradient;
  const g = gradient.data;
  for (let i = 0; i < g.length; i++) g[i] *= share;
  return gradient;
}

/** What a worker is started with (gradient-worker.ts). */
export interface GradientWorkerData {
  spec: ModelSpec;
  seed: number;
  /** The run's label smoothing ε (softmax-cross-entropy.ts). */
  labelSmoothing: number;
  shard: number;
  threads: number;
  control: Int32Array;
  losses: Float64Array;
  weights: Float32Array;
  results: Float32Array;
  inputs: Float32Array;
  labels: Uint8Array;
  /** `[maxRows, classes]`: the logits of an inference batch, each worker writing its shard's rows. */
  logits: Float32Array;
  /** The run's distortions, when batches come with them drawn but not applied. */
  augmentation: ShardAugmentation | undefined;
  /** Room for `maxRows` rows' drawn distortions, in shared memory; the workers read their rows'. */
  drawn: DrawnDistortions | undefined;
}

/** A run's distortions and the size of its images, for the threads that apply them. */
export interface ShardAugmentation {
  settings: Augmentation;
  rows: number;
  cols: number;
}

/** Slots of the shared control array. */
export const GENERATION = 0;
export const DONE = 1;
export const READY = 2;
export const STOP = 3;
export const COLS = 4;
/** Which operation a generation asks for: GRADIENTS (a training step) or LOGITS (inference). */
export const OPERATION = 5;
/** Bumped each time the weights in shared memory change. */
export const WEIGHTS_VERSION = 6;
export const GRADIENTS = 0;
export const LOGITS = 1;
/** 1 when the published rows are undistorted and each worker applies its rows' drawn distortions. */
export const DISTORT = 7;
/** `threads + 1` slots from here: shard k is rows [bounds[k], bounds[k + 1]). */
export const BOUNDS = 8;

/**
 * The shards whose sums shard `shard` adds to its own gradient, in this order: its
 * children in a binomial tree over shards 0 … threads − 1 (shard k's are k + 1, k + 2,
 * k + 4, … below k's lowest set bit and below `threads`; shard 0's, every power of two).
 * Every shard's gradient reaches shard 0 through ⌈log2 threads⌉ additions, and the calling
 * thread adds ⌈log2 threads⌉ sums where summing every worker's in turn would add
 * threads − 1: on 8 or 16 cores that serial sum cost more than the threads saved.
 */
export function reductionChildren(shard: number, threads: number): number[] {
  const span = shard === 0 ? threads : shard & -shard;
  const children: number[] = [];
  for (let step = 1; step < span && shard + step < threads; step *= 2) children.push(shard + step);
  return children;
}

/**
 * After the bounds, one slot per worker: how far into its results (in floats) its
 * subtree's summed gradient, then its state, is written this step.
 */
export function copiedSlot(threads: number, shard: number): number {
  return BOUNDS + threads + shard;
}

function controlSlots(threads: number): number {
  return copiedSlot(threads, threads);
}

/**
 * How many floats a worker copies out between two reports of its progress: a step's
 * results of the reference MLP (101,770 floats) arrive in 13 chunks, each summed while the
 * next is copied.
 */
export const EXCHANGE_CHUNK = 8192;

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
export function spawnWorker(url: URL, workerData: GradientWorkerData | { kind: 'forward' }): Worker {
  if (!url.pathname.endsWith('.ts')) return new Worker(url, { workerData });
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}
