/**
 * The engine's worker thread, one file so the app bundles one entry. Started with
 * `{ kind: 'forward' }` it answers forward passes (parallel-forward.ts); otherwise it is
 * one worker of data-parallel training (data-parallel.ts): a replica of the model that,
 * each step, takes the shared weights, runs forward and backward on its shard of the
 * shared batch, and writes its parameter gradients, its state and its shard's mean loss
 * into its own slice of the shared results; or, asked for LOGITS, runs its shard forward
 * in inference mode and writes the logits.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createLoss } from '../losses';
import { Augmenter } from './augmentation';
import { Sequential } from '../model/sequential';
import { matrix } from '../tensor';
import type { Matrix } from '../tensor';
import type { GradientWorkerData } from './data-parallel';
import {
  BOUNDS,
  COLS,
  DISTORT,
  DONE,
  EXCHANGE_CHUNK,
  GENERATION,
  LOGITS,
  OPERATION,
  READY,
  STOP,
  WEIGHTS_VERSION,
  addInto,
  copiedSlot,
  reductionChildren,
  scaleRows,
  spinUntil,
} from './data-parallel';
import { serveForward } from './parallel-forward';

if ((workerData as { kind?: string }).kind === 'forward') serveForward(parentPort!);
else serveGradients(workerData as GradientWorkerData);

/** The data-parallel training loop: until STOP, a step each time GENERATION moves. */
function serveGradients(data: GradientWorkerData): void {
  const { spec, seed, labelSmoothing, shard, threads, control, losses, weights, results, inputs, labels, logits } =
    data;
  const { augmentation, drawn } = data;
  const augmenter = augmentation && new Augmenter(augmentation.settings, augmentation.rows, augmentation.cols);
  const model = new Sequential(spec, { seed });
  const loss = createLoss(spec.loss, 'float32', labelSmoothing);
  // Gradients are summed with the children's; state is this shard's own.
  const tensors = [
    ...model.params().map((p) => ({ value: p.value, out: p.grad, summed: true })),
    ...model.state().map((s) => ({ value: s.value, out: s.value, summed: false })),
  ];
  const width = tensors.reduce((sum, t) => sum + t.value.length, 0);
  const slice = results.subarray((shard - 1) * width, shard * width);
  const copied = copiedSlot(threads, shard);
  const children = reductionChildren(shard, threads).map((child) => ({
    copied: copiedSlot(threads, child),
    slice: results.subarray((child - 1) * width, child * width),
  }));
  let batch: Matrix | undefined;
  let weightsVersion = -1;

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
    const start = Atomics.load(control, BOUNDS + shard);
    const rows = Atomics.load(control, BOUNDS + shard + 1) - start;
    if (rows === 0) {
      // An empty shard (a batch smaller than the thread count) still passes its
      // children's sums up the tree, with a zero gradient of its own.
      if (Atomics.load(control, OPERATION) !== LOGITS) passOn(false);
      return;
    }
    const cols = Atomics.load(control, COLS);
    const n = Atomics.load(control, BOUNDS + threads);
    const version = Atomics.load(control, WEIGHTS_VERSION);
    let offset = 0;
    if (version !== weightsVersion) {
      for (const t of tensors) {
        t.value.set(weights.subarray(offset, offset + t.value.length));
        offset += t.value.length;
      }
      weightsVersion = version;
    }
    if (!batch || batch.rows !== rows) batch = matrix(rows, cols, 'float32', 'kernel');
    batch.data.set(inputs.subarray(start * cols, (start + rows) * cols));
    if (Atomics.load(control, OPERATION) === LOGITS) {
      const out = model.forward(batch, false);
      logits.set(out.data.subarray(0, rows * out.cols), start * out.cols);
      return;
    }
    if (augmenter && drawn && Atomics.load(control, DISTORT)) augmenter.applyDrawnRows(batch.data, drawn, start, rows);
    const z = model.forward(batch, true);
    losses[shard] = loss.forward(z, labels.subarray(start, start + rows));
    model.backward(scaleRows(loss.backward(), rows / n), false);
    // The step changed this replica's state (batch norm's running statistics): its copy
    // of the weights is no longer the published one.
    weightsVersion = -1;
    passOn(true);
  }

  /**
   * Writes this shard's gradient plus its children's sums (zeros in place of its own when
   * `computed` is false), then its state, into its slice, a chunk at a time, each
   * announced: its parent sums one chunk while the next is written (data-parallel.ts, reduce).
   */
  function passOn(computed: boolean): void {
    let offset = 0;
    for (const t of tensors) {
      for (let from = 0; from < t.out.length; from += EXCHANGE_CHUNK) {
        const to = Math.min(from + EXCHANGE_CHUNK, t.out.length);
        const chunk = slice.subarray(offset + from, offset + to);
        if (computed) chunk.set(t.out.subarray(from, to));
        else chunk.fill(0);
        if (t.summed)
          for (const child of children) {
            waitAtLeast(child.copied, offset + to);
            addInto(chunk, child.slice.subarray(offset + from, offset + to));
          }
        Atomics.store(control, copied, offset + to);
        Atomics.notify(control, copied);
      }
      offset += t.out.length;
    }
  }

  /**
   * Blocks until control[slot] reaches `count`. A worker may block (no event loop to keep
   * alive), but looks at STOP every few milliseconds, so a pool closed while a child was
   * failing does not leave it waiting.
   */
  function waitAtLeast(slot: number, count: number): void {
    if (spinUntil(control, slot, (seen) => seen >= count)) return;
    for (;;) {
      const seen = Atomics.load(control, slot);
      if (seen >= count || Atomics.load(control, STOP)) return;
      Atomics.wait(control, slot, seen, 5);
    }
  }
}
