import { describe, expect, it } from 'vitest';
import { applyEdits } from '../../../src/engine/model/experiment';
import { InspectionError, inspectActivations } from '../../../src/engine/model/inspect';
import type { NamedTensor } from '../../../src/engine/model/sequential';
import { Sequential } from '../../../src/engine/model/sequential';
import type { ModelSpec } from '../../../src/engine/model/spec';
import { Random } from '../../../src/engine/random';
import type { ExperimentEdit } from '../../../src/shared/experiment';
import { experimentEditsSchema } from '../../../src/shared/experiment';

const he = { kind: 'he' } as const;

/** A conv block with batch norm, pooled and flattened into a sigmoid dense layer: every path an edit walks. */
const spec: ModelSpec = {
  inputSize: 784,
  inputShape: [28, 28, 1],
  layers: [
    { type: 'conv2d', filters: 4, kernelSize: 3, padding: 'same', init: he },
    { type: 'batch-norm' },
    { type: 'relu' },
    { type: 'max-pool', size: 2 },
    { type: 'conv2d', filters: 3, kernelSize: 3, padding: 'valid', init: he },
    { type: 'relu' },
    { type: 'flatten' },
    { type: 'dense', units: 12, init: he },
    { type: 'sigmoid' },
    { type: 'dense', units: 10, init: he },
  ],
  loss: 'softmax-cross-entropy',
};

/** Random values in every tensor (batch norm's statistics too), so no zero is there by chance. */
function randomModel(): Sequential {
  const model = new Sequential(spec, { seed: 5, temperature: 1.3 });
  const random = new Random(11);
  for (const tensor of [...model.params(), ...model.state()])
    for (let i = 0; i < tensor.value.length; i++)
      tensor.value[i] = tensor.name.endsWith('runningVar') ? 0.5 + random.next() : random.next() * 2 - 1;
  return model;
}

function pixels(seed: number): Float32Array {
  const random = new Random(seed);
  return Float32Array.from({ length: 784 }, () => (random.next() < 0.3 ? random.next() : 0));
}

/** The exported weights as plain numbers by name, for a bit-for-bit comparison. */
function weightsOf(model: Sequential): Record<string, number[]> {
  return Object.fromEntries(model.exportWeights().map((t: NamedTensor) => [t.name, Array.from(t.data)]));
}

const everyKind: ExperimentEdit[] = [
  { kind: 'unit-off', layer: 0, unit: 2 },
  { kind: 'biases-off', layer: 4 },
  { kind: 'weight-noise', layer: 7, scale: 0.5, seed: 3 },
  { kind: 'unit-off', layer: 7, unit: 5 },
];

describe('break-it experiments (applyEdits)', () => {
  it('never writes the model, and restoring (no edits) gives weights bit for bit equal to the original', () => {
    const model = randomModel();
    const before = weightsOf(model);
    const broken = applyEdits(model, everyKind).model;
    expect(weightsOf(broken)).not.toEqual(before);
    expect(weightsOf(model)).toEqual(before);
    expect(weightsOf(applyEdits(model, []).model)).toEqual(before);
    expect(applyEdits(model, []).model.temperature).toBe(model.temperature);
  });

  it('switching off a filter zeroes its map (and its batch norm, ReLU and pooled maps), and only its', () => {
    const model = randomModel();
    const input = pixels(1);
    const original = inspectActivations(model, input);
    const { model: broken, applied } = applyEdits(model, [{ kind: 'unit-off', layer: 0, unit: 2 }]);
    const after = inspectActivations(broken, input);
    for (const layer of [0, 1, 2, 3]) {
      const [maps, height, width] = after.layers[layer].shape;
      const size = height * width;
      for (let c = 0; c < maps; c++) {
        const map = Array.from(after.layers[layer].values.subarray(c * size, (c + 1) * size));
        const was = Array.from(original.layers[layer].values.subarray(c * size, (c + 1) * size));
        if (c === 2)
          expect(
            map.every((v) => v === 0),
            `layer ${layer} map 2`,
          ).toBe(true);
        else expect(map, `layer ${layer} map ${c}`).toEqual(was);
      }
      expect(Array.from(original.layers[layer].values.subarray(2 * size, 3 * size)).some((v) => v !== 0)).toBe(true);
    }
    // 9 weights and a bias, batch norm's γ and β, and the next conv's 3x3 taps of channel 2 for 3 filters.
    expect(applied).toEqual([{ zeroed: 9 + 1 + 2 + 9 * 3 }]);
  });

  it('switching off a sigmoid unit: its pre-activation is 0, and the next layer reads it as 0, not as sigmoid(0)', () => {
    const model = randomModel();
    const input = pixels(2);
    const { model: broken } = applyEdits(model, [{ kind: 'unit-off', layer: 7, unit: 5 }]);
    const after = inspectActivations(broken, input);
    expect(after.layers[7].values[5]).toBe(0);
    expect(after.layers[8].values[5]).toBe(0.5);
    // The logits by hand from the original model, with unit 5's output replaced by 0.
    const hidden = Array.from(after.layers[8].values);
    hidden[5] = 0;
    const [w, b] = model.layers[9].params();
    const logits = Array.from({ length: 10 }, (_, o) =>
      hidden.reduce((sum, h, i) => sum + h * w.value[i * 10 + o], b.value[o]),
    );
    Array.from(after.layers[9].values).forEach((z, o) => expect(z).toBeCloseTo(logits[o], 5));
  });

  it('switching off a conv filter before the flatten zeroes every dense weight that reads its channel', () => {
    const model = randomModel();
    const { model: broken, applied } = applyEdits(model, [{ kind: 'unit-off', layer: 4, unit: 1 }]);
    const w = broken.layers[7].params()[0];
    const [inputs, units] = w.shape; // 12x12x3 = 432 inputs, channel 1 at every third
    for (let row = 0; row < inputs; row++) {
      const zero = Array.from(w.value.subarray(row * units, (row + 1) * units)).every((v) => v === 0);
      expect(zero, `row ${row}`).toBe(row % 3 === 1);
    }
    expect(applied[0].zeroed).toBe(9 * 4 + 1 + (inputs / 3) * units);
  });

  it('biases-off zeroes a layer’s biases and nothing else', () => {
    const model = randomModel();
    const broken = weightsOf(applyEdits(model, [{ kind: 'biases-off', layer: 9 }]).model);
    const original = weightsOf(model);
    for (const name of Object.keys(original)) {
      if (name === 'layer9.b') expect(broken[name].every((v) => v === 0)).toBe(true);
      else expect(broken[name], name).toEqual(original[name]);
    }
  });

  it('noise is seeded: the same seed gives the same weights, another seed others, σ = scale · RMS(W), biases untouched', () => {
    const model = randomModel();
    const noise = (seed: number) => applyEdits(model, [{ kind: 'weight-noise', layer: 7, scale: 0.25, seed }]);
    const first = noise(42);
    expect(weightsOf(noise(42).model)).toEqual(weightsOf(first.model));
    expect(weightsOf(noise(43).model)['layer7.W']).not.toEqual(weightsOf(first.model)['layer7.W']);
    const w = Array.from(model.layers[7].params()[0].value);
    const rms = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
    expect(first.applied[0].sigma).toBeCloseTo(0.25 * rms, 6);
    const noisy = Array.from(first.model.layers[7].params()[0].value);
    const spread = Math.sqrt(noisy.reduce((s, v, i) => s + (v - w[i]) ** 2, 0) / w.length);
    expect(spread / first.applied[0].sigma!).toBeGreaterThan(0.9);
    expect(spread / first.applied[0].sigma!).toBeLessThan(1.1);
    expect(weightsOf(first.model)['layer7.b']).toEqual(weightsOf(model)['layer7.b']);
  });

  it('refuses edits the model cannot take, by name', () => {
    const model = randomModel();
    expect(() => applyEdits(model, [{ kind: 'biases-off', layer: 2 }])).toThrow(InspectionError);
    expect(() => applyEdits(model, [{ kind: 'biases-off', layer: 2 }])).toThrow(
      'layer 2 (relu) has no weights to change',
    );
    expect(() => applyEdits(model, [{ kind: 'unit-off', layer: 0, unit: 4 }])).toThrow(
      'layer 0 has units 0 to 3, not 4',
    );
    expect(() => applyEdits(model, [{ kind: 'unit-off', layer: 10, unit: 0 }])).toThrow('there is no layer 10');
  });

  it('the schema bounds an experiment: its number of edits and the noise’s size', () => {
    const many = Array.from({ length: 33 }, () => ({ kind: 'biases-off', layer: 0 }));
    expect(experimentEditsSchema.safeParse(many).success).toBe(false);
    expect(experimentEditsSchema.safeParse(many.slice(0, 32)).success).toBe(true);
    expect(experimentEditsSchema.safeParse([{ kind: 'weight-noise', layer: 0, scale: 5, seed: 1 }]).success).toBe(
      false,
    );
    expect(experimentEditsSchema.safeParse([{ kind: 'weight-noise', layer: 0, scale: 0, seed: 1 }]).success).toBe(
      false,
    );
  });
});
