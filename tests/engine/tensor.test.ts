import { describe, expect, it } from 'vitest';
import { createLoss } from '../../src/engine/losses';
import { Sequential } from '../../src/engine/model/sequential';
import { matrix, reuse } from '../../src/engine/tensor';
import type { Matrix } from '../../src/engine/tensor';
import { BatchAssembler } from '../../src/engine/training/batches';
import { modelSpecFor } from '../../src/engine/training/architecture';
import { syntheticDigits, syntheticHyperparameters } from './training/synthetic';

describe('reuse', () => {
  it('keeps a buffer for the same shape, writes a smaller one into its allocation, and allocates anew only to grow', () => {
    const full = reuse(undefined, 8, 5, 'float32');
    expect(reuse(full, 8, 5, 'float32')).toBe(full);
    const short = reuse(full, 3, 5, 'float32');
    expect(short.data.length).toBe(15);
    expect(short.data.buffer).toBe(full.data.buffer);
    expect(short.data.byteOffset).toBe(full.data.byteOffset);
    // Back to the full shape from the short view: still the first allocation.
    const again = reuse(short, 8, 5, 'float32');
    expect(again.data.length).toBe(40);
    expect(again.data.byteOffset).toBe(full.data.byteOffset);
    const bigger = reuse(again, 9, 5, 'float32');
    expect(bigger.data.length).toBe(45);
    expect(reuse(bigger, 2, 5, 'float64').data).toBeInstanceOf(Float64Array);
  });

  it("a short batch through layers that have seen a full one gives a fresh model's outputs and gradients, bit for bit", () => {
    const h = syntheticHyperparameters({
      convBlocks: [{ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', batchNorm: false, pool: 2 }],
      hiddenLayers: [{ units: 16, activation: 'relu' }],
    });
    const data = syntheticDigits(40, 4);
    const spec = modelSpecFor(h, data.rows * data.cols);
    const used = new Sequential(spec, { seed: 3 });
    const fresh = Sequential.fromWeights(spec, used.exportWeights(), { seed: 3 });
    const batch = (from: number, to: number): { inputs: Matrix; labels: Uint8Array } => {
      const { inputs, labels } = new BatchAssembler(data).assemble(Array.from({ length: to - from }, (_, i) => from + i));
      const copy = matrix(inputs.rows, inputs.cols);
      copy.data.set(inputs.data);
      return { inputs: copy, labels: labels.slice() };
    };
    const step = (model: Sequential, b: { inputs: Matrix; labels: Uint8Array }) => {
      const loss = createLoss(spec.loss);
      const logits = Array.from(model.forward(b.inputs, true).data);
      const value = loss.forward(model.forward(b.inputs, true), b.labels);
      const dx = Array.from(model.backward(loss.backward(), true).data);
      return { logits, value, dx, grads: model.params().map((p) => Array.from(p.grad)) };
    };
    step(used, batch(0, 32));
    expect(step(used, batch(32, 40))).toEqual(step(fresh, batch(32, 40)));
  });
});
