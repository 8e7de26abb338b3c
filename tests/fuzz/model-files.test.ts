import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeModelFile, ModelFileError } from '../../src/digits/io/model-file';
import { MODEL_FILE_LIMITS } from '../../src/digits/io/model-header';
import { tryModelBytes } from '../../src/digits/io/saved-model';
import { parameterShapes } from '../../src/engine/model/spec';
import type { ModelSpec } from '../../src/engine/model/spec';
import { signedModelFile } from '../digits/io/hostile-model-files';
import { decodeOnnxModel, encodeOnnxModel } from '../../src/digits/io/onnx/onnx-proto';
import { fuzzParameters, inputsToTry, reportFigure, timeLimitFor } from './settings';

// Model files are untrusted input, Tegaki's own and ONNX alike: each one either loads and
// predicts within the memory MODEL_FILE_LIMITS promise, or is refused with a
// ModelFileError, never anything else.

const shipped = new Uint8Array(readFileSync(join(import.meta.dirname, '..', '..', 'resources', 'default-model.tgk')));
const shippedHeaderEnd = 12 + new DataView(shipped.buffer).getUint32(8, true);

/** What one forward pass may hold, by MODEL_FILE_LIMITS: 4 bytes a parameter, feature and im2col value, plus slack for the rest. */
const MEMORY_BUDGET = 4 * (MODEL_FILE_LIMITS.parameters + MODEL_FILE_LIMITS.featuresPerSample + MODEL_FILE_LIMITS.convColumnsPerSample) + 64 * 1024 * 1024;

const tally = { tried: 0, loaded: 0, refused: 0, crashes: 0, worstMemory: 0, worstMs: 0 };

/** Tries a file as an import does (decode, build, one forward pass) and checks the outcome. */
function loadsWithinBudgetOrIsRefused(bytes: Uint8Array): void {
  tally.tried++;
  const memoryBefore = process.memoryUsage();
  const started = performance.now();
  try {
    const trial = tryModelBytes(bytes, 'fuzzed.tgk');
    const after = process.memoryUsage();
    const grown = after.arrayBuffers - memoryBefore.arrayBuffers + Math.max(0, after.heapUsed - memoryBefore.heapUsed);
    tally.worstMemory = Math.max(tally.worstMemory, grown);
    expect(grown).toBeLessThan(MEMORY_BUDGET);
    expect(trial.classes).toBeGreaterThan(0);
    tally.loaded++;
  } catch (error) {
    if (!(error instanceof ModelFileError)) tally.crashes++;
    expect(error).toBeInstanceOf(ModelFileError);
    tally.refused++;
  } finally {
    tally.worstMs = Math.max(tally.worstMs, performance.now() - started);
  }
}

function resign(bytes: Uint8Array): Uint8Array {
  if (bytes.length < 32) return bytes;
  const copy = bytes.slice();
  copy.set(createHash('sha256').update(copy.subarray(0, copy.length - 32)).digest(), copy.length - 32);
  return copy;
}

/** Byte flips of the shipped model, mostly in its header; some re-signed so they get past the digest. */
const flippedShippedModel = fc
  .record({
    flips: fc.array(
      fc.record({
        inHeader: fc.boolean(),
        at: fc.nat(),
        value: fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0x00, 0x22, 0x2c, 0x30, 0x39, 0x5b, 0x7b, 0x7d, 0x2d, 0x65, 0xff)),
      }),
      { minLength: 1, maxLength: 6 },
    ),
    truncate: fc.option(fc.nat(), { freq: 8 }),
    resigned: fc.boolean(),
  })
  .map(({ flips, truncate, resigned }) => {
    let bytes = shipped.slice();
    for (const { inHeader, at, value } of flips) bytes[inHeader ? at % shippedHeaderEnd : at % bytes.length] = value;
    if (truncate !== null) bytes = bytes.subarray(0, truncate % bytes.length);
    return resigned ? resign(bytes) : bytes;
  });

const hostileNumber = fc.oneof(
  fc.constantFrom(0, -1, 1.5, Number.NaN, 1e308, 2 ** 31, 2 ** 32 + 1, 1 << 20, 40_000, '3', null, true),
  fc.integer({ min: -5, max: 1_000_000 }),
);
const small = (max: number) => fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 1, max }) }, { weight: 1, arbitrary: hostileNumber });
const init = fc.oneof(fc.constant({ kind: 'he' }), fc.record({ kind: fc.constantFrom('uniform', 'gaussian', 'xavier', 'he', 'zeros'), std: hostileNumber }));

const layer = fc.oneof(
  fc.record({ type: fc.constant('dense'), units: small(64), init }),
  fc.record(
    { type: fc.constant('conv2d'), filters: small(8), kernelSize: small(7), stride: small(3), padding: fc.oneof(fc.constantFrom('same', 'valid'), small(6)), init },
    { requiredKeys: ['type', 'filters', 'kernelSize', 'padding', 'init'] },
  ),
  fc.record({ type: fc.constant('max-pool'), size: small(4), stride: small(4) }, { requiredKeys: ['type', 'size'] }),
  fc.record({ type: fc.constant('batch-norm'), momentum: hostileNumber, epsilon: hostileNumber }, { requiredKeys: ['type'] }),
  fc.constantFrom({ type: 'flatten' }, { type: 'relu' }, { type: 'sigmoid' }, { type: 'tanh' }, { type: 'softmax' }, { type: 'lambda' }),
  fc.record({ type: fc.constant('leaky-relu'), alpha: hostileNumber }),
  fc.record({ type: fc.constant('dropout'), rate: hostileNumber }),
);

const spec = fc.record({
  inputSize: fc.oneof({ weight: 5, arbitrary: fc.constant(784) }, { weight: 1, arbitrary: hostileNumber }),
  inputShape: fc.option(fc.oneof(fc.constant([28, 28, 1]), fc.tuple(small(64), small(64), small(4))), { nil: undefined }),
  layers: fc.oneof({ weight: 10, arbitrary: fc.array(layer, { maxLength: 8 }) }, { weight: 1, arbitrary: fc.array(layer, { minLength: 60, maxLength: 70 }) }),
  loss: fc.constantFrom('softmax-cross-entropy', 'squared-error', 'hinge'),
});

const weight = fc.oneof({ weight: 20, arbitrary: fc.double({ min: -1, max: 1, noNaN: true }) }, { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Infinity, -Infinity, 3e38) });

/**
 * Structure-aware hostile files: a generated spec with its tensors laid out as the
 * format wants (or scrambled: gaps, overlaps, wrong shapes, lengths past the end),
 * random metadata, and a valid digest over all of it.
 */
const hostileSpecFile = fc
  .record({
    spec,
    metadata: fc.oneof(fc.constant({}), fc.jsonValue({ maxDepth: 3 }), fc.record({ name: fc.string(), createdAt: fc.string(), hyperparameters: fc.jsonValue({ maxDepth: 2 }) })),
    layout: fc.constantFrom('tiled', 'tiled', 'tiled', 'scrambled', 'short'),
    scramble: fc.array(fc.tuple(fc.nat(), fc.integer({ min: -3, max: 3 })), { maxLength: 3 }),
    fill: weight,
    special: fc.array(fc.tuple(fc.nat(), weight), { maxLength: 4 }),
  })
  .map(({ spec, metadata, layout, scramble, fill, special }) => {
    let shapes: { name: string; shape: number[] }[];
    try {
      shapes = parameterShapes(spec as unknown as ModelSpec);
    } catch {
      shapes = [{ name: 'layer0.W', shape: [784, 10] }];
    }
    let offset = 0;
    const tensors = shapes.map(({ name, shape }) => {
      const length = shape.reduce((a, b) => a * b, 1);
      const entry = { name, shape: [...shape], offset, length };
      offset += length;
      return entry;
    });
    if (layout === 'scrambled') {
      for (const [which, delta] of scramble) {
        const t = tensors[which % Math.max(1, tensors.length)];
        if (!t) continue;
        if (which % 3 === 0) t.offset += delta;
        else if (which % 3 === 1) t.length += delta;
        else t.shape = [...t.shape, Math.abs(delta)];
      }
    }
    // A spec whose weights would not fit a test's memory keeps a small data region: the decoder must refuse it from the header.
    const floats = Math.min(offset, 1 << 21) - (layout === 'short' ? 1 : 0);
    const data = new Float32Array(Math.max(0, floats)).fill(fill);
    for (const [at, value] of special) if (data.length > 0) data[at % data.length] = value;
    return signedModelFile({ spec, metadata, tensors }, data);
  });

/** A PyTorch CNN exported to ONNX (tests/fixtures/onnx), the start of the ONNX mutations. */
const onnxFixture = new Uint8Array(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'onnx', 'torch-cnn-opset13.onnx')));

/** Byte flips and truncations of the ONNX fixture: protobuf that is broken, or well-formed and wrong. */
const flippedOnnx = fc
  .record({
    flips: fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 6 }),
    truncate: fc.option(fc.nat(), { freq: 6 }),
  })
  .map(({ flips, truncate }) => {
    let bytes = onnxFixture.slice();
    for (const { at, value } of flips) bytes[at % bytes.length] = value;
    if (truncate !== null) bytes = bytes.subarray(0, truncate % bytes.length);
    return bytes;
  });

const hostileOnnxValue = fc.oneof(
  fc.constantFrom(0, -1, 1, 2, 3, 28, 784, 2 ** 31, 2 ** 40, 1e9),
  fc.constantFrom('Conv', 'Gemm', 'MatMul', 'Add', 'Reshape', 'Flatten', 'Softmax', 'MaxPool', 'Loop', 'If', '', 'x', 'input', 'NOTSET', 'SAME_LOWER'),
  fc.constantFrom('truncate', 'empty'),
);

/**
 * Structure-aware ONNX mutations: the fixture decoded, one to four values anywhere in it
 * (dims, attributes, op types, input names, raw weight bytes) replaced, and encoded
 * again, so the graph is valid protobuf that says something hostile.
 */
const mutatedOnnx = fc.array(fc.tuple(fc.nat(), hostileOnnxValue), { minLength: 1, maxLength: 4 }).map((mutations) => {
  const model = decodeOnnxModel(onnxFixture) as unknown as Record<string, unknown>;
  for (const [pick, value] of mutations) {
    const slots: { parent: Record<string | number, unknown>; key: string | number }[] = [];
    const walk = (node: unknown): void => {
      if (typeof node !== 'object' || node === null || ArrayBuffer.isView(node)) return;
      for (const key of Object.keys(node)) {
        slots.push({ parent: node as Record<string, unknown>, key });
        walk((node as Record<string, unknown>)[key]);
      }
    };
    walk(model);
    const { parent, key } = slots[pick % slots.length];
    const current = parent[key];
    if (current instanceof Uint8Array) parent[key] = value === 'empty' ? new Uint8Array() : current.subarray(0, current.length >> 1);
    else if (typeof current === 'number' && typeof value === 'number') parent[key] = value;
    else if (typeof current === 'string' && typeof value === 'string') parent[key] = value;
    else if (Array.isArray(current) && value === 'empty') parent[key] = [];
  }
  try {
    return encodeOnnxModel(model);
  } catch {
    return onnxFixture.subarray(0, onnxFixture.length - 1);
  }
});

describe('model files (fuzzed)', () => {
  const flips = inputsToTry(600);
  const specs = inputsToTry(600);
  const onnx = inputsToTry(300);

  it(`${flips} byte-flipped copies of the shipped model load and predict within budget or are refused with a ModelFileError`, () => {
    fc.assert(fc.property(flippedShippedModel, loadsWithinBudgetOrIsRefused), fuzzParameters(flips));
  }, timeLimitFor(flips, 200));

  it(`${onnx} byte-flipped and ${onnx} structurally mutated ONNX files load and predict within budget or are refused with a ModelFileError`, () => {
    fc.assert(fc.property(flippedOnnx, loadsWithinBudgetOrIsRefused), fuzzParameters(onnx));
    fc.assert(fc.property(mutatedOnnx, loadsWithinBudgetOrIsRefused), fuzzParameters(onnx));
  }, timeLimitFor(2 * onnx, 200));

  it(`${specs} hostile, re-signed specs load and predict within budget or are refused with a ModelFileError`, () => {
    fc.assert(fc.property(hostileSpecFile, loadsWithinBudgetOrIsRefused), fuzzParameters(specs));
    reportFigure(
      `model files: ${tally.tried} tried, ${tally.loaded} loaded and predicted, ${tally.refused} refused with a ModelFileError, ` +
        `${tally.crashes} crashes; worst ${(tally.worstMemory / 2 ** 20).toFixed(0)} MiB grown, ${tally.worstMs.toFixed(0)} ms`,
    );
  }, timeLimitFor(specs, 200));

  it('the shipped model and the ONNX fixture themselves load (the mutations start from good files)', () => {
    expect(decodeModelFile(shipped).tensors.length).toBeGreaterThan(0);
    expect(tryModelBytes(onnxFixture, 'fixture.onnx').classes).toBe(10);
  });
});
