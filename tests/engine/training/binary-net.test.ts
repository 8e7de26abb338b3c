import { describe, expect, it } from 'vitest';
import { SoftmaxCrossEntropy } from '../../../src/engine/losses';
import { Sequential } from '../../../src/engine/model/sequential';
import { SGD } from '../../../src/engine/optimizers';
import { fromRows } from '../../../src/engine/tensor';

describe("the notes' sanity check: a 3-8-10 net maps 3-bit binary to its decimal digit", () => {
  it('learns 110 -> 6 after 1,000 full-batch steps', () => {
    const inputs = fromRows([0, 1, 2, 3, 4, 5, 6, 7].map((n) => [(n >> 2) & 1, (n >> 1) & 1, n & 1]));
    const labels = [0, 1, 2, 3, 4, 5, 6, 7];
    const model = new Sequential(
      {
        inputSize: 3,
        layers: [
          { type: 'dense', units: 8, init: { kind: 'uniform', limit: 1 } },
          { type: 'sigmoid' },
          { type: 'dense', units: 10, init: { kind: 'uniform', limit: 1 } },
        ],
        loss: 'softmax-cross-entropy',
      },
      { seed: 1 },
    );
    const loss = new SoftmaxCrossEntropy();
    const optimizer = new SGD(2);
    const before = model.predictOne([1, 1, 0])[6];
    for (let step = 0; step < 1000; step++) {
      loss.forward(model.forward(inputs, true), labels);
      model.backward(loss.backward());
      optimizer.step(model.params());
    }
    const p = model.predictOne([1, 1, 0]);
    expect(before).toBeLessThan(0.5);
    expect(p.indexOf(Math.max(...p))).toBe(6);
    expect(p[6]).toBeGreaterThan(0.9);
    // And every other code, too.
    for (let n = 0; n < 8; n++) {
      const q = model.predictOne([(n >> 2) & 1, (n >> 1) & 1, n & 1]);
      expect(q.indexOf(Math.max(...q))).toBe(n);
    }
  });
});
