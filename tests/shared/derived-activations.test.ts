import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeModelFile } from '../../src/digits/io/model-file';
import { modelOf } from '../../src/digits/io/saved-model';
import { strokesToInput } from '../../src/digits/preprocess/strokes';
import { inspectActivations } from '../../src/engine/model/inspect';
import { Sequential } from '../../src/engine/model/sequential';
import type { ModelSpec } from '../../src/engine/model/spec';
import { Random } from '../../src/engine/random';
import { toWire } from '../../src/shared/ipc/wire';
import {
  DERIVABLE_KINDS,
  deriveLayerValues,
  omitDerivedValues,
  withDerivedValues,
} from '../../src/shared/derived-activations';
import type { Activations } from '../../src/shared/inspection';

const he = { kind: 'he' } as const;

/** Every derivable kind after a layer with weights, on images and on flat vectors. */
const everyKind: ModelSpec = {
  inputSize: 784,
  inputShape: [28, 28, 1],
  layers: [
    { type: 'conv2d', filters: 4, kernelSize: 3, padding: 'same', init: he },
    { type: 'batch-norm' },
    { type: 'relu' },
    { type: 'max-pool', size: 2 },
    { type: 'conv2d', filters: 3, kernelSize: 3, stride: 2, padding: 'valid', init: he },
    { type: 'tanh' },
    { type: 'max-pool', size: 3, stride: 2 },
    { type: 'flatten' },
    { type: 'dense', units: 12, init: he },
    { type: 'sigmoid' },
    { type: 'dropout', rate: 0.5 },
    { type: 'dense', units: 16, init: he },
    { type: 'leaky-relu' },
    { type: 'dense', units: 10, init: he },
  ],
  loss: 'softmax-cross-entropy',
};

/** Random weights large enough that sigmoid and tanh see inputs across their range. */
function randomModel(spec: ModelSpec): Sequential {
  const model = new Sequential(spec, { seed: 5 });
  const random = new Random(11);
  for (const tensor of [...model.params(), ...model.state()]) {
    for (let i = 0; i < tensor.value.length; i++) {
      tensor.value[i] = tensor.name.endsWith('runningVar') ? 0.5 + random.next() : (random.next() * 2 - 1) * 1.5;
    }
  }
  return model;
}

function randomPixels(seed = 3): Float32Array {
  const random = new Random(seed);
  return Float32Array.from({ length: 784 }, () => (random.next() < 0.3 ? random.next() : 0));
}

function bits(values: Float32Array): number[] {
  return Array.from(new Uint32Array(values.buffer, values.byteOffset, values.length));
}

const shipped = () =>
  modelOf(
    decodeModelFile(new Uint8Array(readFileSync(join(import.meta.dirname, '../../resources/default-model.tgk')))),
  );
/** A drawn 7: a bar and a stroke down. */
const seven = () =>
  strokesToInput([
    [
      [60, 50],
      [220, 50],
      [120, 250],
    ],
  ]);

const cases = {
  'every derivable kind, random weights': () => inspectActivations(randomModel(everyKind), randomPixels()),
  'the built-in CNN on a drawn 7': () => inspectActivations(shipped(), seven()),
};

describe.each(Object.entries(cases))('%s', (_name, inspect) => {
  const activations = inspect();

  it("computes each derivable layer's values from the layer before bit for bit as the engine did", () => {
    const checked = activations.layers.slice(1).filter((layer) => DERIVABLE_KINDS.has(layer.kind));
    expect(checked.length).toBeGreaterThan(0);
    for (const layer of checked) {
      const derived = deriveLayerValues(activations.layers[layer.index - 1], layer);
      expect(derived, `layer ${layer.index} (${layer.kind})`).toBeDefined();
      // Exact for sigmoid and tanh too: the same float64 formula, rounded once to float32 on store.
      expect(bits(derived!), `layer ${layer.index} (${layer.kind})`).toEqual(bits(layer.values));
    }
  });

  it('an answer without the derivable values gives back every value, shape and stat', () => {
    const sent = omitDerivedValues(activations);
    sent.layers.forEach((layer, i) => {
      const omitted = i > 0 && DERIVABLE_KINDS.has(layer.kind);
      expect(layer.derived === true, `layer ${i} (${layer.kind})`).toBe(omitted);
      expect(layer.values.length === 0).toBe(omitted);
      expect(layer.stats).toEqual(activations.layers[i].stats);
    });
    const filled = withDerivedValues(sent);
    expect(filled.layers.every((l) => l.derived === undefined)).toBe(true);
    filled.layers.forEach((layer, i) => expect(bits(layer.values)).toEqual(bits(activations.layers[i].values)));
    expect(filled).toEqual(activations);
  });
});

describe('omitDerivedValues', () => {
  it("leaves out every layer of the built-in model's activations that the renderer can derive", () => {
    const activations = inspectActivations(shipped(), seven());
    const sent = omitDerivedValues(activations);
    const derivable = activations.layers.flatMap((l, i) => (i > 0 && DERIVABLE_KINDS.has(l.kind) ? [i] : []));
    expect(derivable.length).toBeGreaterThan(0);
    // Each is omitted only when its derivation from the layer before gives the engine's exact bits.
    expect(sent.layers.flatMap((l, i) => (l.derived ? [i] : []))).toEqual(derivable);
    const before = toWire(activations).length;
    const after = toWire(sent).length;
    const omittedValues = derivable.reduce((sum, i) => sum + activations.layers[i].values.length, 0);
    console.log(`[size] built-in model's activations on the wire: ${before} -> ${after} bytes`);
    // Base64 carries a float32 in 16/3 characters.
    expect(before - after).toBeGreaterThan(omittedValues * 5);
  });

  it('computes a layer after one cut by the limit from the maps kept, and sends a flatten that needs the maps cut', () => {
    const spec: ModelSpec = {
      inputSize: 784,
      inputShape: [28, 28, 1],
      layers: [
        { type: 'conv2d', filters: 4, kernelSize: 3, padding: 'same', init: he },
        { type: 'relu' },
        { type: 'flatten' },
        { type: 'dense', units: 10, init: he },
      ],
      loss: 'softmax-cross-entropy',
    };
    // 1,600 values: two of the four 28x28 maps, and the first 1,600 of the flat 3,136.
    const cut = inspectActivations(randomModel(spec), randomPixels(), 1600);
    const sent = omitDerivedValues(cut);
    expect(cut.layers[1].shape).toEqual([2, 28, 28]);
    expect(sent.layers[1].derived).toBe(true);
    expect(sent.layers[2].derived).toBeUndefined();
    expect(sent.layers[2].values).toHaveLength(1600);
    expect(withDerivedValues(sent)).toEqual(cut);
  });

  it('keeps the values the page would compute differently', () => {
    const activations = inspectActivations(randomModel(everyKind), randomPixels());
    const tampered: Activations = {
      ...activations,
      layers: activations.layers.map((l) => (l.kind === 'tanh' ? { ...l, values: l.values.map((v) => v * 0.5) } : l)),
    };
    const sent = omitDerivedValues(tampered);
    expect(sent.layers.find((l) => l.kind === 'tanh')!.derived).toBeUndefined();
    expect(withDerivedValues(sent)).toEqual(tampered);
  });

  it('a layer without values that cannot be computed is refused, not shown empty', () => {
    const sent = omitDerivedValues(inspectActivations(randomModel(everyKind), randomPixels()));
    const broken = { ...sent, layers: sent.layers.map((l, i) => (i === 1 ? { ...l, derived: true as const } : l)) };
    expect(() => withDerivedValues(broken)).toThrow(/layer 1 \(batch-norm\)/);
  });
});
