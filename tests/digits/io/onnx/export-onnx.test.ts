import { beforeAll, describe, expect, it } from 'vitest';
import { loadMnist } from '../../../../src/digits/data/mnist';
import {
  modelToOnnx,
  ONNX_INPUT_NAME,
  ONNX_OPSET,
  ONNX_OUTPUT_NAME,
  onnxModelOf,
} from '../../../../src/digits/io/onnx/export-onnx';
import { onnxToModel } from '../../../../src/digits/io/onnx/import-onnx';
import { decodeOnnxModel, encodeOnnxModel } from '../../../../src/digits/io/onnx/onnx-proto';
import { modelOf } from '../../../../src/digits/io/saved-model';
import { Sequential } from '../../../../src/engine/model/sequential';
import type { ModelSpec } from '../../../../src/engine/model/spec';
import { train } from '../../../../src/engine/training/trainer';
import { Random } from '../../../../src/engine/random';
import { preset, presetNames } from '../../../../src/shared/presets';
import { INPUT_RECIPE } from '../../../../src/digits/preprocess/image';
import {
  maxAbsDifference,
  mnistTestImages,
  runWithOnnxRuntime,
  sameArgmaxCount,
  tegakiProbabilities,
} from './onnx-runtime';

/** The bar: onnxruntime's probabilities and Tegaki's agree within 1e-5 on 1,000 MNIST test images. */
const TOLERANCE = 1e-5;
const IMAGES = 1000;

let images: Awaited<ReturnType<typeof mnistTestImages>>;
beforeAll(async () => {
  images = await mnistTestImages(IMAGES);
});

/** Exports, runs onnxruntime and Tegaki on the same images, and imports the export back. */
async function compare(model: Sequential, metadata = {}) {
  const content = { spec: model.spec, metadata, tensors: model.exportWeights() };
  const bytes = modelToOnnx(content);
  const ours = tegakiProbabilities(model, images.pixels, images.count);
  const theirs = await runWithOnnxRuntime(bytes, images.pixels, images.count);
  const back = onnxToModel(bytes, 'export.onnx');
  const reimported = tegakiProbabilities(Sequential.fromWeights(back.spec, back.tensors), images.pixels, images.count);
  return { bytes, ours, theirs, reimported };
}

describe('ONNX export, checked against onnxruntime', () => {
  // Every preset's architecture, trained briefly (1,000 images, one epoch) so the weights are not just their initialisation.
  it.each(presetNames)(
    "the %s preset: onnxruntime gives Tegaki's probabilities within 1e-5 on 1,000 MNIST test images, and export -> import gives identical predictions",
    async (name) => {
      const { train: trainSet, test } = await loadMnist({ trainSize: 1000, testSize: 100 });
      const h = { ...preset(name), trainSize: 1000, validationSize: 0, epochs: 1 };
      const { model } = await train(h, { train: trainSet, test });
      const { ours, theirs, reimported } = await compare(model, { name });
      expect(theirs.classes).toBe(10);
      expect(maxAbsDifference(ours, theirs.values)).toBeLessThan(TOLERANCE);
      expect(reimported).toEqual(ours);
      // Not a degenerate model that says the same thing for everything: it learned something.
      expect(sameArgmaxCount(ours, oneHot(images.labels), 10)).toBeGreaterThan(IMAGES * 0.5);
    },
    120_000,
  );

  it('every layer Tegaki trains, with uneven "same" padding, strides, pooling windows that overlap and batch norm after a flatten, matches onnxruntime', async () => {
    const spec: ModelSpec = {
      inputSize: 784,
      inputShape: [28, 28, 1],
      layers: [
        // 'same' with stride 2 pads 0 before and 1 after: ONNX pads [0, 0, 1, 1].
        { type: 'conv2d', filters: 4, kernelSize: 3, stride: 2, padding: 'same', init: { kind: 'he' } },
        { type: 'batch-norm', epsilon: 1e-3 },
        { type: 'leaky-relu', alpha: 0.2 },
        { type: 'conv2d', filters: 6, kernelSize: 3, padding: 1, init: { kind: 'he' } },
        { type: 'tanh' },
        { type: 'max-pool', size: 3, stride: 2 },
        { type: 'conv2d', filters: 5, kernelSize: 2, padding: 'valid', init: { kind: 'he' } },
        { type: 'sigmoid' },
        { type: 'flatten' },
        // Per-feature statistics of a flattened 5-channel image: their order crosses NHWC -> NCHW.
        { type: 'batch-norm' },
        { type: 'dense', units: 12, init: { kind: 'he' } },
        { type: 'dropout', rate: 0.5 },
        { type: 'relu' },
        { type: 'dense', units: 10, init: { kind: 'xavier' } },
      ],
      loss: 'softmax-cross-entropy',
    };
    const model = withRandomStatistics(new Sequential(spec, { seed: 7 }));
    const { ours, theirs, reimported, bytes } = await compare(model);
    expect(maxAbsDifference(ours, theirs.values)).toBeLessThan(TOLERANCE);
    expect(reimported).toEqual(ours);
    const ops = decodeOnnxModel(bytes).graph?.node?.map((n) => n.op_type);
    expect(ops).toEqual([
      'Conv',
      'BatchNormalization',
      'LeakyRelu',
      'Conv',
      'Tanh',
      'MaxPool',
      'Conv',
      'Sigmoid',
      'Flatten',
      'BatchNormalization',
      'Gemm',
      'Relu',
      'Gemm',
      'Softmax',
    ]);
  });

  it('a plain MLP (no image shape) takes the same [N, 1, 28, 28] input', async () => {
    const spec: ModelSpec = {
      inputSize: 784,
      layers: [
        { type: 'dense', units: 16, init: { kind: 'he' } },
        { type: 'batch-norm' },
        { type: 'sigmoid' },
        { type: 'dense', units: 10, init: { kind: 'he' } },
      ],
      loss: 'squared-error',
    };
    const model = withRandomStatistics(new Sequential(spec, { seed: 3 }));
    const { ours, theirs, bytes } = await compare(model);
    expect(maxAbsDifference(ours, theirs.values)).toBeLessThan(TOLERANCE);
    const input = decodeOnnxModel(bytes).graph?.input?.[0];
    expect(input?.type?.tensor_type?.shape?.dim?.map((d) => d.dim_value || d.dim_param)).toEqual(['N', 1, 28, 28]);
  });

  it('names the input and output, and carries the name, the figures, the architecture and the input recipe in its metadata', () => {
    const model = new Sequential(
      { inputSize: 784, layers: [{ type: 'dense', units: 10, init: { kind: 'he' } }], loss: 'softmax-cross-entropy' },
      { seed: 1 },
    );
    const metadata = {
      name: 'My digits',
      metrics: { testAccuracy: 0.9812, testLoss: 0.07, validationAccuracy: 0.9823 },
    };
    const onnx = onnxModelOf({ spec: model.spec, metadata, tensors: model.exportWeights() });
    expect(onnx.opset_import).toEqual([{ domain: '', version: ONNX_OPSET }]);
    expect(onnx.graph?.input?.[0].name).toBe(ONNX_INPUT_NAME);
    expect(onnx.graph?.output?.[0].name).toBe(ONNX_OUTPUT_NAME);
    const props = Object.fromEntries((onnx.metadata_props ?? []).map((p) => [p.key, p.value]));
    expect(props.name).toBe('My digits');
    expect(props.test_accuracy).toBe('0.9812');
    expect(props.validation_accuracy).toBe('0.9823');
    expect(props.input_recipe).toBe(INPUT_RECIPE);
    expect(JSON.parse(props['tegaki.spec'] ?? '')).toEqual(model.spec);
    // Imported back, the Tegaki metadata comes back whole, and says where it came from.
    const back = onnxToModel(modelToOnnx({ spec: model.spec, metadata, tensors: model.exportWeights() }));
    expect(back.metadata.name).toBe('My digits');
    expect(back.metadata.metrics?.testAccuracy).toBe(0.9812);
    expect(back.metadata.importedFrom).toEqual({ format: 'onnx', producer: 'Tegaki', opset: ONNX_OPSET });
  });

  it("a calibrated model's temperature is a Div before the Softmax: onnxruntime gives its calibrated probabilities, and import keeps it", async () => {
    const spec: ModelSpec = {
      inputSize: 784,
      layers: [
        { type: 'dense', units: 16, init: { kind: 'he' } },
        { type: 'relu' },
        { type: 'dense', units: 10, init: { kind: 'he' } },
      ],
      loss: 'softmax-cross-entropy',
    };
    const network = new Sequential(spec, { seed: 5 });
    const calibration = { temperature: 1.7, validationCount: 5000, eceBefore: 0.03, eceAfter: 0.01 };
    const model = Sequential.fromWeights(spec, network.exportWeights(), { temperature: calibration.temperature });
    const content = { spec, metadata: { name: 'warm', calibration }, tensors: model.exportWeights() };
    const bytes = modelToOnnx(content);
    expect(decodeOnnxModel(bytes).graph?.node?.map((n) => n.op_type)).toEqual([
      'Flatten',
      'Gemm',
      'Relu',
      'Gemm',
      'Div',
      'Softmax',
    ]);
    const ours = tegakiProbabilities(model, images.pixels, images.count);
    const theirs = await runWithOnnxRuntime(bytes, images.pixels, images.count);
    expect(maxAbsDifference(ours, theirs.values)).toBeLessThan(TOLERANCE);
    // The raw softmax is not what onnxruntime gives: the Div matters.
    expect(maxAbsDifference(tegakiProbabilities(network, images.pixels, images.count), theirs.values)).toBeGreaterThan(
      1e-3,
    );
    const back = onnxToModel(bytes, 'warm.onnx');
    expect(back.metadata.calibration).toEqual(calibration);
    expect(tegakiProbabilities(modelOf(back), images.pixels, images.count)).toEqual(ours);
    // A Div the file's own metadata does not account for is refused, as any unknown operator is.
    const foreign = onnxModelOf(content);
    foreign.metadata_props = foreign.metadata_props?.filter((p) => p.key !== 'tegaki.metadata');
    expect(() => onnxToModel(encodeOnnxModel(foreign), 'foreign.onnx')).toThrow(
      /divides its outputs by 1\.7\d* before the Softmax/,
    );
  });
});

function oneHot(labels: Uint8Array): Float32Array {
  const out = new Float32Array(labels.length * 10);
  labels.forEach((label, i) => (out[i * 10 + label] = 1));
  return out;
}

/** Batch norm's running statistics and scale set to random values, so the layer does more than pass its input on. */
function withRandomStatistics(model: Sequential): Sequential {
  const random = new Random(11);
  const tensors = model.exportWeights().map((t) => {
    if (/gamma|beta|runningMean/.test(t.name)) return { ...t, data: t.data.map(() => random.uniform(-1, 1)) };
    if (/runningVar/.test(t.name)) return { ...t, data: t.data.map(() => random.uniform(0.2, 2)) };
    return t;
  });
  return Sequential.fromWeights(model.spec, tensors);
}
