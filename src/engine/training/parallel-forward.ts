import { Worker } from 'node:worker_threads';
import type { Dataset } from '../data/dataset';
import { sliceDataset } from '../data/dataset';
import type { NamedTensor } from '../model/sequential';
import { Sequential } from '../model/sequential';
import type { ModelSpec } from '../model/spec';
import { gradientWorkerUrl, shardBounds, spawnWorker } from './data-parallel';
import type { EvaluateOptions, Evaluation, ForwardRows } from './evaluate';
import { forwardRows, scoreLogits } from './evaluate';

/**
 * Inference over many images on several threads: the test set of a report, the drawn
 * digits, a fine-tune's frozen features. Unlike training (data-parallel.ts) nothing has
 * to be summed, so the images are simply cut into `threads` contiguous shards; the
 * calling thread runs shard 0 with the model itself while each worker runs its shard on
 * a replica built from the model's weights, sent with the request.
 *
 * An image's outputs do not depend on which other images share its pass (every layer is
 * row-wise in inference mode: batch norm uses its running statistics), so the result is
 * bit-identical to one thread's, whatever the thread count (tests/engine/training).
 */

export interface ForwardOptions {
  /** Run the first `layers` layers only (default: all, giving logits). */
  layers?: number;
}

/** What the calling thread sends a worker. */
export interface ForwardRequest {
  id: number;
  spec: ModelSpec;
  weights: NamedTensor[];
  images: Uint8Array;
  count: number;
  rows: number;
  cols: number;
  layers: number;
}

export type ForwardReply = ({ id: number } & ForwardRows) | { id: number; error: string };

/**
 * A set of `threads − 1` worker threads for forward passes, started on first use and
 * kept (an engine process keeps one for its life). A worker that fails rejects the
 * calls in flight with its error; the next call starts fresh workers.
 */
export class ForwardPool {
  private workers: Worker[] = [];
  private readonly pending = new Map<number, { resolve: (rows: ForwardRows) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private closed = false;

  constructor(
    readonly threads: number,
    private readonly workerUrl: URL = gradientWorkerUrl(),
  ) {
    if (!Number.isInteger(threads) || threads < 1)
      throw new RangeError(`a forward pool needs 1 or more threads, got ${threads}`);
  }

  /** The model's outputs for every image of `data`: what evaluate.ts's forwardRows gives, computed on `threads` threads. */
  async forward(model: Sequential, data: Dataset, options: ForwardOptions = {}): Promise<ForwardRows> {
    if (this.closed) throw new Error('the forward pool is closed');
    const layers = options.layers ?? model.layers.length;
    const bounds = shardBounds(data.count, this.threads);
    const replies: Promise<ForwardRows>[] = [];
    if (this.threads > 1 && data.count >= this.threads) {
      this.start();
      // Idle workers do not keep a process alive; workers with a call in flight do.
      for (const worker of this.workers) worker.ref();
      const weights = model.exportWeights();
      for (let shard = 1; shard < this.threads; shard++) {
        const part = sliceDataset(data, bounds[shard], bounds[shard + 1]);
        replies.push(this.ask(this.workers[shard - 1], model.spec, weights, part, layers));
      }
    } else {
      bounds[1] = data.count;
    }
    // Heard even when shard 0 throws: a worker's later rejection must not go unhandled.
    const settled = Promise.allSettled(replies);
    const first = forwardRows(model, sliceDataset(data, 0, bounds[1]), { layers });
    const rest = await settled;
    for (const worker of this.workers) worker.unref();
    const failed = rest.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    // Shard 0 is never empty when there are images, so its width is every shard's.
    const width = first.width;
    const outputs = new Float32Array(data.count * width);
    outputs.set(first.outputs);
    rest.forEach((r, k) =>
      outputs.set((r as PromiseFulfilledResult<ForwardRows>).value.outputs, bounds[k + 1] * width),
    );
    return { outputs, width };
  }

  /** Stops the workers; safe to call twice. */
  async close(): Promise<void> {
    this.closed = true;
    const workers = this.workers;
    this.workers = [];
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  /** The worker threads, for tests that make one fail. */
  get workerThreads(): readonly Worker[] {
    return this.workers;
  }

  private start(): void {
    if (this.workers.length > 0) return;
    for (let shard = 1; shard < this.threads; shard++) {
      const worker = spawnWorker(this.workerUrl, { kind: 'forward' });
      worker.on('message', (reply: ForwardReply) => {
        const call = this.pending.get(reply.id);
        if (!call) return;
        this.pending.delete(reply.id);
        if ('error' in reply) call.reject(new Error(`inference thread ${shard} failed: ${reply.error}`));
        else call.resolve({ outputs: reply.outputs, width: reply.width });
      });
      const fail = (error: Error): void => {
        // Every call in flight loses a shard; the next call starts a fresh set.
        if (this.workers.includes(worker)) {
          const workers = this.workers;
          this.workers = [];
          for (const other of workers) if (other !== worker) void other.terminate();
        }
        for (const call of this.pending.values()) call.reject(error);
        this.pending.clear();
      };
      worker.on('error', (error) => fail(new Error(`inference thread ${shard} failed: ${error.message}`)));
      worker.on('exit', (code) => {
        if (!this.closed) fail(new Error(`inference thread ${shard} stopped unexpectedly (exit code ${code})`));
      });
      worker.unref();
      this.workers.push(worker);
    }
  }

  private ask(
    worker: Worker,
    spec: ModelSpec,
    weights: NamedTensor[],
    part: Dataset,
    layers: number,
  ): Promise<ForwardRows> {
    const id = this.nextId++;
    const request: ForwardRequest = {
      id,
      spec,
      weights,
      images: part.images.slice(),
      count: part.count,
      rows: part.rows,
      cols: part.cols,
      layers,
    };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage(request, [request.images.buffer as ArrayBuffer]);
    });
  }
}

/**
 * A worker's side: answers each ForwardRequest with forwardRows on a replica. The replica
 * is kept while requests name the same spec, its weights overwritten by each request's.
 */
export function serveForward(port: {
  on(event: 'message', listener: (request: ForwardRequest) => void): void;
  postMessage(reply: ForwardReply, transfer?: ArrayBuffer[]): void;
}): void {
  let replica: { spec: string; model: Sequential } | undefined;
  port.on('message', (request) => {
    try {
      const spec = JSON.stringify(request.spec);
      if (replica?.spec === spec) replica.model.importWeights(request.weights);
      else replica = { spec, model: Sequential.fromWeights(request.spec, request.weights) };
      const data: Dataset = {
        images: request.images,
        labels: new Uint8Array(request.count),
        count: request.count,
        rows: request.rows,
        cols: request.cols,
      };
      const { outputs, width } = forwardRows(replica.model, data, { layers: request.layers });
      port.postMessage({ id: request.id, outputs, width }, [outputs.buffer as ArrayBuffer]);
    } catch (error) {
      port.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) });
    }
  });
}

/**
 * evaluate() with the forward passes shared by a pool's threads:
 * the same figures, bit for bit.
 */
export async function evaluateOnThreads(
  pool: ForwardPool,
  model: Sequential,
  data: Dataset,
  options: Omit<EvaluateOptions, 'indices'> = {},
): Promise<Evaluation> {
  const { outputs } = await pool.forward(model, data);
  return scoreLogits(model, outputs, data.labels.slice(0, data.count), options);
}
