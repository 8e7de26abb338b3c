import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelFileError } from '../../../../src/digits/io/model-file';
import { MODEL_FILE_LIMITS } from '../../../../src/digits/io/model-header';
import { modelToOnnx } from '../../../../src/digits/io/onnx/export-onnx';
import { onnxToModel } from '../../../../src/digits/io/onnx/import-onnx';
import { decodeAnyModel, tryModelBytes } from '../../../../src/digits/io/saved-model';
import { Sequential } from '../../../../src/engine/model/sequential';
import {
  encode,
  float,
  floatTensor,
  int,
  int64Tensor,
  ints,
  linearClassifier,
  node,
  onnxModel,
  text,
} from './onnx-graphs';
import {
  maxAbsDifference,
  mnistTestImages,
  runWithOnnxRuntime,
  softmaxRows,
  tegakiProbabilities,
} from './onnx-runtime';

const fixturesDir = new URL('../../../fixtures/onnx/', import.meta.url);

interface FixtureEntry {
  file: string;
  output: 'probabilities' | 'logits';
}

/** The committed fixtures (made by scripts/onnx-fixtures/make_fixtures.py with Debian's PyTorch), as their manifest lists them. */
function fixtures(): FixtureEntry[] {
  const manifest = JSON.parse(readFileSync(new URL('manifest.json', fixturesDir), 'utf8')) as {
    fixtures: { file: string; output: { kind: string } }[];
  };
  return manifest.fixtures.map((f) => ({
    file: f.file,
    output: f.output.kind === 'logits' ? 'logits' : 'probabilities',
  }));
}

const importOf = (model: ReturnType<typeof onnxModel>) => onnxToModel(encode(model), 'test.onnx');

/** The ModelFileError an import throws, or a failure if it imports. */
function refusal(bytes: Uint8Array): ModelFileError {
  try {
    onnxToModel(bytes, 'test.onnx');
  } catch (error) {
    if (error instanceof ModelFileError) return error;
    throw error;
  }
  throw new Error('the file was imported, not refused');
}
const refusalOf = (model: ReturnType<typeof onnxModel>) => refusal(encode(model));

describe('ONNX import of models made elsewhere, checked against onnxruntime', () => {
  let images: Awaited<ReturnType<typeof mnistTestImages>>;
  beforeAll(async () => {
    images = await mnistTestImages(1000);
  });

  it('the fixtures cover PyTorch at opsets 9, 11 and 13 and a TensorFlow.js-style MatMul + Add layout', () => {
    const files = fixtures().map((f) => f.file);
    expect(files.length).toBeGreaterThanOrEqual(4);
    expect(files.some((f) => f.startsWith('tfjs'))).toBe(true);
    expect(files.filter((f) => f.startsWith('torch')).length).toBeGreaterThanOrEqual(3);
  });

  it.each(fixtures().map((f) => [f.file, f] as const))(
    "%s: Tegaki's probabilities equal onnxruntime's on 1,000 MNIST test images within 1e-5",
    async (file, fixture) => {
      const bytes = new Uint8Array(readFileSync(new URL(file, fixturesDir)));
      const content = onnxToModel(bytes, file);
      const model = Sequential.fromWeights(content.spec, content.tensors);
      const ours = tegakiProbabilities(model, images.pixels, images.count);
      const theirs = await runWithOnnxRuntime(bytes, images.pixels, images.count);
      const reference = fixture.output === 'logits' ? softmaxRows(theirs.values, theirs.classes) : theirs.values;
      expect(maxAbsDifference(ours, reference)).toBeLessThan(1e-5);
      // A trained model, not noise: it reads most of these digits.
      let correct = 0;
      for (let i = 0; i < images.count; i++) {
        const row = ours.subarray(i * 10, i * 10 + 10);
        if (row.indexOf(Math.max(...row)) === images.labels[i]) correct++;
      }
      expect(correct).toBeGreaterThan(900);
      expect(content.metadata.importedFrom?.format).toBe('onnx');
      expect(content.metadata.name).toBe(file.replace(/\.onnx$/, ''));
    },
    60_000,
  );

  it('tryModelBytes (what the app runs in its engine process on an import) turns an ONNX file into a Tegaki model file with the same predictions', () => {
    const bytes = new Uint8Array(readFileSync(new URL(fixtures()[0].file, fixturesDir)));
    const trial = tryModelBytes(bytes, 'fixture.onnx');
    expect(trial.format).toBe('onnx');
    expect(trial.classes).toBe(10);
    const stored = decodeAnyModel(trial.modelFile!, 'stored.tgk');
    expect(stored.format).toBe('tegaki');
    const direct = onnxToModel(bytes);
    const x = images.pixels.subarray(0, 784);
    expect(Sequential.fromWeights(stored.content.spec, stored.content.tensors).predictOne(x)).toEqual(
      Sequential.fromWeights(direct.spec, direct.tensors).predictOne(x),
    );
  });
});

describe('ONNX import: the variants exporters produce', () => {
  const x = Float32Array.from({ length: 784 }, (_, i) => (i % 29) / 29);

  /** softmax(alpha·x·B' + beta·c) computed directly, B' = B or Bᵀ. */
  function expected(w: Float32Array, c: Float32Array, transB: boolean, alpha = 1, beta = 1): number[] {
    const logits = Array.from({ length: 10 }, (_, j) => {
      let s = 0;
      for (let i = 0; i < 784; i++) s += x[i] * (transB ? w[j * 784 + i] : w[i * 10 + j]);
      return alpha * s + beta * c[j];
    });
    const max = Math.max(...logits);
    const e = logits.map((v) => Math.exp(v - max));
    return e.map((v) => v / e.reduce((a, b) => a + b, 0));
  }
  const close = (a: number[], b: number[]) => a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 6));

  it('Gemm with transB = 1, alpha and beta', () => {
    const W = floatTensor('W', [10, 784]);
    const b = floatTensor('b', [10]);
    const content = importOf(
      onnxModel(
        [node('Gemm', ['x', 'W', 'b'], 'y', [int('transB', 1), float('alpha', 2), float('beta', 0.5)])],
        [W, b],
      ),
    );
    const p = Sequential.fromWeights(content.spec, content.tensors).predictOne(x);
    close(p, expected(new Float32Array(W.raw_data!.buffer), new Float32Array(b.raw_data!.buffer), true, 2, 0.5));
  });

  it('MatMul followed by an Add of the bias, on either side of the Add, and a bias stored [1, 10]', () => {
    const W = floatTensor('W', [784, 10]);
    const b = floatTensor('b', [1, 10]);
    for (const order of [
      ['mm', 'b'],
      ['b', 'mm'],
    ]) {
      const content = importOf(onnxModel([node('MatMul', ['x', 'W'], 'mm'), node('Add', order, 'y')], [W, b]));
      expect(content.spec.layers).toEqual([{ type: 'dense', units: 10, init: { kind: 'xavier' } }]);
      close(
        Sequential.fromWeights(content.spec, content.tensors).predictOne(x),
        expected(new Float32Array(W.raw_data!.buffer), new Float32Array(b.raw_data!.buffer), false),
      );
    }
  });

  it('a Reshape from [N, 784] to [N, 1, 28, 28] whose shape comes from a Constant node, then a Conv with auto_pad SAME_UPPER', () => {
    const model = onnxModel(
      [
        {
          op_type: 'Constant',
          input: [],
          output: ['shape'],
          attribute: [{ name: 'value', type: 4, t: int64Tensor('', [-1, 1, 28, 28]) }],
        },
        node('Reshape', ['x', 'shape'], 'image'),
        node('Conv', ['image', 'K', 'kb'], 'conv', [
          ints('kernel_shape', [4, 4]),
          ints('strides', [2, 2]),
          text('auto_pad', 'SAME_UPPER'),
        ]),
        node('Relu', ['conv'], 'act'),
        node('Flatten', ['act'], 'flat'),
        node('Gemm', ['flat', 'W', 'b'], 'y'),
      ],
      [
        floatTensor('K', [3, 1, 4, 4]),
        floatTensor('kb', [3]),
        floatTensor('W', [14 * 14 * 3, 10]),
        floatTensor('b', [10]),
      ],
    );
    const content = importOf(model);
    expect(content.spec.inputShape).toEqual([28, 28, 1]);
    expect(content.spec.layers[0]).toMatchObject({
      type: 'conv2d',
      filters: 3,
      kernelSize: 4,
      stride: 2,
      padding: 'same',
    });
  });

  it('Dropout and Identity nodes disappear; a final LogSoftmax reads as the probabilities it stands for', () => {
    const model = onnxModel(
      [
        node('Identity', ['x'], 'i'),
        node('Gemm', ['i', 'W', 'b'], 'g'),
        { op_type: 'Dropout', input: ['g'], output: ['d', 'mask'], attribute: [float('ratio', 0.5)] },
        node('LogSoftmax', ['d'], 'y', [int('axis', 1)]),
      ],
      [floatTensor('W', [784, 10]), floatTensor('b', [10])],
      { opset: 11 },
    );
    expect(importOf(model).spec.layers.map((l) => l.type)).toEqual(['dense']);
  });
});

describe('ONNX import refuses what it cannot run, naming it', () => {
  it('an operator Tegaki does not have', () => {
    const model = onnxModel(
      [
        node('Reshape', ['x', 's'], 'img'),
        node('AveragePool', ['img'], 'p', [ints('kernel_shape', [2, 2])]),
        node('Flatten', ['p'], 'f'),
        node('Gemm', ['f', 'W'], 'y'),
      ],
      [int64Tensor('s', [-1, 1, 28, 28]), floatTensor('W', [196, 10])],
    );
    const error = refusalOf(model);
    expect(error.kind).toBe('unsupported');
    expect(error.message).toMatch(
      /node 1 \(AveragePool 'p'\): the operator AveragePool is not supported; Tegaki imports Gemm, MatMul/,
    );
  });

  it('an attribute it does not handle (a grouped convolution)', () => {
    const model = onnxModel(
      [node('Conv', ['x', 'K'], 'c', [int('group', 2)]), node('Flatten', ['c'], 'f'), node('Gemm', ['f', 'W'], 'y')],
      [floatTensor('K', [2, 1, 3, 3]), floatTensor('W', [2 * 26 * 26, 10])],
      { inputDims: [1, 28, 28] },
    );
    expect(refusalOf(model).message).toMatch(/Conv 'c'\): group = 2; Tegaki imports group = 1 only/);
    const unknown = onnxModel([node('Gemm', ['x', 'W'], 'y', [int('broadcast', 1)])], [floatTensor('W', [784, 10])]);
    expect(refusalOf(unknown).message).toMatch(/the attribute broadcast is not supported/);
  });

  it('uneven padding that is not TensorFlow\'s "same"', () => {
    const model = onnxModel(
      [
        node('Conv', ['x', 'K'], 'c', [ints('pads', [1, 0, 0, 1])]),
        node('Flatten', ['c'], 'f'),
        node('Gemm', ['f', 'W'], 'y'),
      ],
      [floatTensor('K', [1, 1, 3, 3]), floatTensor('W', [26 * 26, 10])],
      { inputDims: [1, 28, 28] },
    );
    expect(refusalOf(model).message).toMatch(/pads \[1, 0, 0, 1\] are uneven/);
  });

  it('a graph that is not a chain (a skip connection)', () => {
    const model = onnxModel(
      [
        node('Gemm', ['x', 'W1'], 'h'),
        node('Relu', ['h'], 'r'),
        node('Add', ['r', 'h'], 's'),
        node('Gemm', ['s', 'W2'], 'y'),
      ],
      [floatTensor('W1', [784, 10]), floatTensor('W2', [10, 10])],
    );
    expect(refusalOf(model).message).toMatch(/node 2 \(Add 's'\).*(not a constant|not supported)/);
    const branch = onnxModel(
      [node('Gemm', ['x', 'W1'], 'h'), node('Gemm', ['x', 'W2'], 'y')],
      [floatTensor('W1', [784, 10]), floatTensor('W2', [784, 10])],
    );
    expect(refusalOf(branch).message).toMatch(/does not take the previous node's output/);
  });

  it('an input that is not a 28x28 grey image, and an output that is not 10 classes', () => {
    const colour = onnxModel(
      [node('Flatten', ['x'], 'f'), node('Gemm', ['f', 'W'], 'y')],
      [floatTensor('W', [3072, 10])],
      { inputDims: [3, 32, 32] },
    );
    expect(refusalOf(colour).message).toMatch(
      /input 'x' has shape \[N, 3, 32, 32\]; Tegaki imports an input of \[N, 1, 28, 28\] or \[N, 784\]/,
    );
    const twelve = onnxModel([node('Gemm', ['x', 'W'], 'y')], [floatTensor('W', [784, 12])]);
    expect(refusalOf(twelve).message).toMatch(/it gives 12 outputs; a digit classifier gives 10/);
  });

  it('opsets before 9, weights in another file or in float16, operators from another domain', () => {
    expect(refusalOf({ ...linearClassifier(), opset_import: [{ domain: '', version: 7 }] }).message).toMatch(
      /opset 7; Tegaki imports opset 9 and newer/,
    );
    const external = linearClassifier();
    external.graph!.initializer![0] = { ...external.graph!.initializer![0], raw_data: undefined, data_location: 1 };
    expect(refusalOf(external).message).toMatch(/stored in an external file/);
    const half = linearClassifier();
    half.graph!.initializer![0] = { ...half.graph!.initializer![0], data_type: 10 };
    expect(refusalOf(half).message).toMatch(/data type 10; Tegaki imports float32 weights/);
    const custom = linearClassifier();
    custom.graph!.node![0] = { ...custom.graph!.node![0], domain: 'com.microsoft' };
    expect(refusalOf(custom).message).toMatch(/operator set 'com.microsoft'/);
  });

  it('weights whose data does not match their shape', () => {
    const short = linearClassifier();
    short.graph!.initializer![0] = { ...short.graph!.initializer![0], raw_data: new Uint8Array(784 * 10 * 4 - 4) };
    expect(refusalOf(short).message).toMatch(/weight B has 31356 bytes of data for 7840 float32 values/);
  });

  it('a few bytes that claim a huge layer are refused by the limits before anything is allocated', () => {
    const units = 200_000_000;
    const huge = onnxModel(
      [node('Gemm', ['x', 'W1'], 'h'), node('Gemm', ['h', 'W2'], 'y')],
      [
        { ...floatTensor('W1', [1, 1]), dims: [784, units] },
        { ...floatTensor('W2', [1, 1]), dims: [units, 10] },
      ],
    );
    const bytes = encode(huge);
    expect(bytes.length).toBeLessThan(1000);
    const error = refusal(bytes);
    expect(error.kind).toBe('too-large');
    expect(error.message).toMatch(
      new RegExp(
        `a model holds at most ${MODEL_FILE_LIMITS.parameters} parameters|at most ${MODEL_FILE_LIMITS.featuresPerLayer}`,
      ),
    );
  });

  it('bytes that are not ONNX at all, and a truncated export', () => {
    const garbage = refusal(new TextEncoder().encode('this is a text file, not a model\n'));
    expect(garbage.kind).toBe('not-a-model');
    const model = new Sequential(
      { inputSize: 784, layers: [{ type: 'dense', units: 10, init: { kind: 'he' } }], loss: 'softmax-cross-entropy' },
      { seed: 1 },
    );
    const bytes = modelToOnnx({ spec: model.spec, metadata: {}, tensors: model.exportWeights() });
    for (const cut of [10, bytes.length / 2, bytes.length - 3].map(Math.floor)) {
      expect(refusal(bytes.subarray(0, cut))).toBeInstanceOf(ModelFileError);
    }
  });

  it('a file over the model file size limit is refused unread', () => {
    const error = refusal(new Uint8Array(MODEL_FILE_LIMITS.fileBytes + 1));
    expect(error.kind).toBe('too-large');
  });
});
