/**
 * The engine's worker thread, one file so the app bundles one entry. Started with
 * `{ kind: 'forward' }` it answers forward passes (parallel-forward.ts); started with
 * `{ kind: 'gradients' }` it is a worker of data-parallel training (data-parallel.ts), for
 * one pool after another: each pool posts what it needs (GradientWorkerData), and the
 * worker builds a replica of the model whose weights are views of the model's own in the
 * kernels' shared memory (this thread's kernels run in its region of that memory, the same
 * for every pool: kernels/wasm/memory.ts reads `kernelMemory` from the workerData as it
 * loads), then serves that pool until it stops. Each step it runs forward and backward on
 * its shard of the batch, says so, and then takes chunks of the sum and the update with
 * the other threads (runChunks); asked for LOGITS, it runs its shard forward in inference
 * mode and writes the logits.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { kernelView } from '../kernels/wasm/memory';
import type { Param } from '../layers/layer';
import { createLoss } from '../losses';
import { Sequential } from '../model/sequential';
import { createOptimizer } from '../optimizers';
import type { Matrix } from '../tensor';
import { matrix } from '../tensor';
import { Augmenter } from './augmentation';
import type { ChunkViews, ChunkWork, GradientWorkerData, ParallelUpdate } from './data-parallel';
import {
  BOUNDS,
  COLS,
  DISTORT,
  DONE,
  GENERATION,
  GRADIENTS_DONE,
  INPUT_AT,
  LOGITS,
  OPERATION,
  READY,
  SKIP,
  STEP_COUNT,
  STOP,
  UPDATE,
  VERDICT,
  chunksOf,
  ShardOffsets,
  nonEmptyShards,
  runChunks,
  scaleRows,
  viewChunks,
  spinUntil,
} from './data-parallel';
import { serveForward } from './parallel-forward';

if ((workerData as { kind: string }).kind === 'forward') serveForward(parentPort!);
else parentPort!.on('message', (pool: GradientWorkerData) => serveGradients(pool));

/** One pool's data-parallel training loop: until STOP, a step each time GENERATION moves. */
function serveGradients(data: GradientWorkerData): void {
  const { spec, seed, labelSmoothing, shard, threads, control, losses, inputs, labels, logits } = data;
  const { learningRate, stateAtStart, offsets, shared, augmentation, drawn } = data;
  const augmenter = augmentation && new Augmenter(augmentation.settings, augmentation.rows, augmentation.cols);
  const model = new Sequential(spec, { seed });
  const loss = createLoss(spec.loss, 'float32', labelSmoothing);

  // The model's parameters where the calling thread keeps them: the replica computes with
  // their values, and the chunks this thread takes sum into their gradients and update them.
  const params: Param[] = shared.params.map((p) => ({
    name: p.name,
    shape: [p.length],
    regularised: p.regularised,
    value: kernelView(p.value, p.length),
    grad: kernelView(p.grad, p.length),
  }));
  const replicaParams = model.params();
  replicaParams.forEach((p, i) => (p.value = params[i].value));
  const state = model.state();
  // Where this shard's gradients and state are, for the other threads.
  const shardOffsets = new ShardOffsets(offsets, replicaParams.length, state.length);
  shardOffsets.write(shard, replicaParams, state);

  // The run's optimiser mirrored on the calling thread's state, for the chunks this thread updates.
  let update: ParallelUpdate | undefined;
  if (shared.optimizer) {
    const { spec: optimizerSpec, state: buffers, l2, l1 } = shared.optimizer;
    const optimizer = createOptimizer(optimizerSpec);
    buffers.forEach((at, i) =>
      optimizer.adoptState(
        params[i],
        at.map((b) => kernelView(b, params[i].value.length)),
      ),
    );
    update = { optimizer, l2, l1 };
  }
  const chunks = chunksOf(params);
  // Read at the first step: every worker has written its offsets by then.
  let chunkViews: ChunkViews[] | undefined;
  let copied: Matrix | undefined;

  // Read before saying ready: the first step may be published the moment every worker is.
  let generation = Atomics.load(control, GENERATION);
  Atomics.add(control, READY, 1);
  Atomics.notify(control, READY);

  for (;;) {
    if (!spinUntil(control, GENERATION, (seen) => seen !== generation)) Atomics.wait(control, GENERATION, generation);
    generation = Atomics.load(control, GENERATION);
    if (Atomics.load(control, STOP)) break;
    step();
    Atomics.add(control, DONE, 1);
    Atomics.notify(control, DONE);
  }

  function step(): void {
    const operation = Atomics.load(control, OPERATION);
    const start = Atomics.load(control, BOUNDS + shard);
    const rows = Atomics.load(control, BOUNDS + shard + 1) - start;
    if (rows > 0) {
      restoreState();
      const cols = Atomics.load(control, COLS);
      const at = Atomics.load(control, INPUT_AT);
      // This shard's rows where the calling thread assembled the batch (distorted there in
      // place, as shard 0's are), or a copy of them when the batch is not in kernel memory.
      let batch: Matrix;
      if (at >= 0) batch = { rows, cols, data: kernelView(at + start * cols * 4, rows * cols) };
      else {
        if (!copied || copied.rows !== rows) copied = matrix(rows, cols, 'float32', 'kernel');
        copied.data.set(inputs.subarray(start * cols, (start + rows) * cols));
        batch = copied;
      }
      if (operation === LOGITS) {
        const out = model.forward(batch, false);
        logits.set(out.data.subarray(0, rows * out.cols), start * out.cols);
        return;
      }
      if (augmenter && drawn && Atomics.load(control, DISTORT))
        augmenter.applyDrawnRows(batch.data, drawn, start, rows);
      const z = model.forward(batch, true);
      losses[shard] = loss.forward(z, labels.subarray(start, start + rows));
      const n = Atomics.load(control, BOUNDS + threads);
      model.backward(scaleRows(loss.backward(), rows / n), false);
    }
    if (operation === LOGITS) return;
    Atomics.add(control, GRADIENTS_DONE, 1);
    Atomics.notify(control, GRADIENTS_DONE);
    // An empty shard (a batch smaller than the thread count) still takes chunks.
    if (!waitAtLeast(VERDICT, 1)) return;
    const verdict = Atomics.load(control, VERDICT);
    if (verdict === SKIP) return;
    if (verdict === UPDATE && update) {
      update.optimizer.steps = Atomics.load(control, STEP_COUNT);
      update.optimizer.learningRate = learningRate[0];
    }
    chunkViews ??= viewChunks(chunks, params, shardOffsets.gradientViews(params, threads), update);
    const bounds = Array.from({ length: threads + 1 }, (_, k) => Atomics.load(control, BOUNDS + k));
    const work: ChunkWork = {
      control,
      chunks: chunkViews,
      shards: nonEmptyShards(bounds),
      update: verdict === UPDATE ? update : undefined,
      fromEnd: true,
    };
    runChunks(work);
  }

  /** The model's state (batch norm's running statistics) as the step began, into the replica's. */
  function restoreState(): void {
    let offset = 0;
    for (const s of state) {
      s.value.set(stateAtStart.subarray(offset, offset + s.value.length));
      offset += s.value.length;
    }
  }

  /**
   * Blocks until control[slot] reaches `count`; false when the pool stops first. A worker
   * may block (no event loop to keep alive), but looks at STOP every few milliseconds, so
   * a pool closed while this thread waits does not leave it waiting.
   */
  function waitAtLeast(slot: number, count: number): boolean {
    if (spinUntil(control, slot, (seen) => seen >= count)) return true;
    for (;;) {
      const seen = Atomics.load(control, slot);
      if (seen >= count) return true;
      if (Atomics.load(control, STOP)) return false;
      Atomics.wait(control, slot, seen, 5);
    }
  }
}
