import type { FeatureShape, LayerSpec, ModelSpec, Padding } from '../../../engine/model/spec';
import { convAxis, featureCount, parameterShapes } from '../../../engine/model/spec';
import type { ModelMetadata } from '../../../shared/model-metadata';
import { parseModelMetadata } from '../../../shared/model-metadata';
import type { ModelFileContent, ModelFileErrorKind } from '../model-file';
import { ModelFileError } from '../model-file';
import { MODEL_FILE_LIMITS, modelBudgetProblem } from '../model-header';
import { ONNX_METADATA_KEYS } from './export-onnx';
import { kernelFromOihw, nchwToNhwcOrder, permuteRows, transpose } from './layout';
import type { OnnxAttribute, OnnxModel, OnnxNode, OnnxTensor, OnnxValueInfo } from './onnx-proto';
import { attributeText, AttributeType, decodeOnnxModel, TensorDataType } from './onnx-proto';

/**
 * An ONNX digit classifier as a Tegaki model, from any framework that exports one
 * (PyTorch, TensorFlow through tf2onnx, Tegaki's own export).
 *
 * What imports: a sequential chain, each node taking the previous node's output, from an
 * input of [N, 1, 28, 28] or [N, 784] float32 to 10 outputs, built of
 *
 *   Gemm (transB 0 or 1, alpha, beta), MatMul (+ Add of a constant bias), Conv (square
 *   kernel, strides, pads or auto_pad, group 1), MaxPool (no padding), BatchNormalization
 *   (inference), Relu, Sigmoid, Tanh, LeakyRelu, Flatten, Reshape to a constant shape
 *   (flattening, or [N, 784] -> [N, 1, 28, 28] at the input), Dropout and Identity (they
 *   do nothing at inference), and a final Softmax or LogSoftmax, or none (raw logits:
 *   Tegaki's softmax gives the same ranking and the probabilities the logits mean),
 *
 * with float32 weights in initializers or Constant nodes, opset 9 and newer. Anything
 * else is refused with the node and the operator or attribute that Tegaki cannot import.
 *
 * A file is untrusted input, as a .tgk is: its size is bounded before it is decoded, the
 * graph is read into a spec without copying a weight, and the spec must pass the model
 * file's limits (MODEL_FILE_LIMITS) before any weight is allocated.
 */
export function onnxToModel(bytes: Uint8Array, source = 'ONNX file', now = new Date()): ModelFileContent {
  const fail = (kind: ModelFileErrorKind, detail: string): ModelFileError => new ModelFileError(kind, source, detail);
  if (bytes.length > MODEL_FILE_LIMITS.fileBytes) {
    throw fail('too-large', `it is ${bytes.length} bytes; a model file is at most ${MODEL_FILE_LIMITS.fileBytes}`);
  }
  let model: OnnxModel;
  try {
    model = decodeOnnxModel(bytes);
  } catch (error) {
    throw fail('not-a-model', `it is neither a Tegaki model nor an ONNX model (${(error as Error).message})`);
  }
  const graph = model.graph;
  if (!graph || (graph.node ?? []).length === 0) throw fail('not-a-model', 'it holds no ONNX graph');

  const opset = (model.opset_import ?? []).find((o) => !o.domain || o.domain === 'ai.onnx')?.version ?? 0;
  if (opset < MIN_OPSET)
    throw fail('unsupported', `it uses opset ${opset}; Tegaki imports opset ${MIN_OPSET} and newer`);
  if ((graph.node ?? []).length > MAX_NODES) {
    throw fail('too-large', `its graph has ${graph.node?.length} nodes; Tegaki imports at most ${MAX_NODES}`);
  }

  const translated = translateGraph(model, opset, (detail) => fail('unsupported', detail));
  let overBudget: string | undefined;
  try {
    overBudget = modelBudgetProblem(translated.spec);
  } catch (error) {
    throw fail('wrong-shape', (error as Error).message);
  }
  if (overBudget) throw fail('too-large', overBudget);

  // Only now, with the architecture within the limits, are the weights read.
  const tensors = translated.weights.map(({ name, shape, read }) => ({ name, shape, data: read() }));
  const expected = parameterShapes(translated.spec);
  const mismatch = expected.find(
    (p, i) => p.name !== tensors[i]?.name || p.shape.join('x') !== tensors[i].shape.join('x'),
  );
  if (mismatch || expected.length !== tensors.length) {
    throw fail(
      'wrong-shape',
      `the weights do not fit the architecture read from the graph (at ${mismatch?.name ?? 'the end'})`,
    );
  }
  const metadata = importedMetadata(model, opset, source, now);
  // The Div's divisor is the temperature the exported file's own metadata gives (float32 in the graph).
  const { temperature } = translated;
  if (temperature !== undefined && Math.fround(metadata.calibration?.temperature ?? NaN) !== temperature) {
    throw fail(
      'unsupported',
      `the graph divides its outputs by ${temperature} before the Softmax; Tegaki imports such a Div only as the temperature of a model it exported itself, whose metadata gives it`,
    );
  }
  return { spec: translated.spec, tensors, metadata };
}

/** Opset 9 is where BatchNormalization lost its `spatial` switch and the operators above took their current form. */
export const MIN_OPSET = 9;
/** A digit classifier has a few dozen nodes; the file's own layer limit, with room for Constant, Identity and Dropout nodes. */
const MAX_NODES = 4 * MODEL_FILE_LIMITS.layers;
/** The operators import understands, for messages. */
export const IMPORTABLE_OPERATORS = [
  'Gemm',
  'MatMul',
  'Add',
  'Conv',
  'MaxPool',
  'BatchNormalization',
  'Relu',
  'Sigmoid',
  'Tanh',
  'LeakyRelu',
  'Flatten',
  'Reshape',
  'Dropout',
  'Identity',
  'Constant',
  'Div',
  'Softmax',
  'LogSoftmax',
] as const;

interface PendingWeight {
  name: string;
  shape: number[];
  /** Reads (and converts) the weight; called only once the spec is within the limits. */
  read: () => Float32Array;
}

type Fail = (detail: string) => ModelFileError;

/** The chain of nodes as Tegaki layers, and how to read each layer's weights. */
function translateGraph(
  model: OnnxModel,
  opset: number,
  fail: Fail,
): { spec: ModelSpec; weights: PendingWeight[]; temperature?: number } {
  const graph = model.graph!;
  const nodes = graph.node ?? [];
  const constants = new Map<string, OnnxTensor>();
  for (const t of graph.initializer ?? []) if (t.name) constants.set(t.name, t);
  for (const node of nodes) {
    if (node.op_type !== 'Constant') continue;
    const value = attributesOf(node, fail, `Constant '${node.name ?? ''}'`, ['value', 'value_ints']);
    const tensor: OnnxTensor | undefined =
      value.value?.t ??
      (value.value_ints
        ? {
            dims: [value.value_ints.ints?.length ?? 0],
            data_type: TensorDataType.INT64,
            int64_data: value.value_ints.ints,
          }
        : undefined);
    if (!tensor || !node.output?.[0]) throw fail(`Constant node '${node.name ?? ''}' has no tensor value`);
    constants.set(node.output[0], tensor);
  }

  const dataInputs = (graph.input ?? []).filter((v) => !constants.has(v.name ?? ''));
  if (dataInputs.length !== 1) {
    throw fail(
      `the graph has ${dataInputs.length} inputs besides its weights; Tegaki imports models with one image input`,
    );
  }
  const input = dataInputs[0];
  const inputDims = tensorDims(input);
  const spec: ModelSpec = { inputSize: 784, layers: [], loss: 'softmax-cross-entropy' };
  let shape: FeatureShape;
  let isImage: boolean;
  if (inputDims?.length === 4 && inputDims[1] === 1 && inputDims[2] === 28 && inputDims[3] === 28) {
    spec.inputShape = [28, 28, 1];
    shape = { height: 28, width: 28, channels: 1 };
    isImage = true;
  } else if (inputDims?.length === 2 && inputDims[1] === 784) {
    shape = { height: 1, width: 1, channels: 784 };
    isImage = false;
  } else {
    const shown = inputDims ? `[${inputDims.map((d) => d ?? 'N').join(', ')}]` : 'unknown';
    throw fail(
      `its input '${input.name}' has shape ${shown}; Tegaki imports an input of [N, 1, 28, 28] or [N, 784] float32`,
    );
  }
  if (input.type?.tensor_type?.elem_type !== TensorDataType.FLOAT) {
    throw fail(`its input '${input.name}' is not float32`);
  }

  const weights: PendingWeight[] = [];
  // Features of a flattened multi-channel image arrive in ONNX's NCHW order: how they map to Tegaki's (layout.ts).
  let order: Int32Array | undefined;
  let x = input.name ?? '';
  let ended = false;
  /** A Div of the logits by a scalar right before the Softmax: a Tegaki export's temperature. */
  let temperature: number | undefined;
  const consumed = new Set<string>((graph.output ?? []).map((o) => o.name ?? ''));
  for (const node of nodes) for (const name of node.input ?? []) consumed.add(name);

  const flatten = (): void => {
    if (!isImage) return;
    order = nchwToNhwcOrder(shape);
    shape = { height: 1, width: 1, channels: featureCount(shape) };
    isImage = false;
    spec.layers.push({ type: 'flatten' });
  };
  const add = (layer: LayerSpec): string => {
    spec.layers.push(layer);
    return `layer${spec.layers.length - 1}`;
  };

  for (let index = 0; index < nodes.length; index++) {
    const node = nodes[index];
    const op = node.op_type ?? '';
    if (op === 'Constant') continue;
    const where = `node ${index} (${op} '${node.name ?? ''}')`;
    if (node.domain && node.domain !== 'ai.onnx')
      throw fail(`${where} is from the operator set '${node.domain}'; Tegaki imports standard ONNX operators only`);
    if (ended)
      throw fail(
        `${where} comes after the final ${spec.loss === 'softmax-cross-entropy' ? 'Softmax' : 'output'}; only the last node may be a Softmax`,
      );
    if (temperature !== undefined && op !== 'Softmax' && op !== 'LogSoftmax')
      throw fail(`${where} comes after a Div; Tegaki imports a Div only right before the final Softmax`);
    const inputs = node.input ?? [];
    if (inputs[0] !== x) {
      throw fail(
        `${where} does not take the previous node's output; Tegaki imports a chain of layers, one after another`,
      );
    }
    const constant = (i: number, what: string): OnnxTensor => {
      const t = constants.get(inputs[i] ?? '');
      if (!t) throw fail(`${where}: its ${what} ('${inputs[i] ?? ''}') is not a constant weight`);
      return t;
    };
    const optionalConstant = (i: number, what: string): OnnxTensor | undefined =>
      inputs[i] ? constant(i, what) : undefined;
    const extraOutputsUnused = (): void => {
      for (const out of (node.output ?? []).slice(1))
        if (out && consumed.has(out))
          throw fail(`${where}: its output '${out}' is used; Tegaki imports only the first output`);
    };
    const needsImage = (): void => {
      if (!isImage) throw fail(`${where} works on images but gets a flat vector of ${featureCount(shape)}`);
    };
    const needsVector = (): void => {
      if (isImage) throw fail(`${where} needs a flat input but gets an image; add a Flatten before it`);
    };

    switch (op) {
      case 'Gemm': {
        const a = attributesOf(node, fail, where, ['alpha', 'beta', 'transA', 'transB']);
        needsVector();
        if (intOf(a.transA, 0) !== 0) throw fail(`${where}: transA = 1 is not supported`);
        const transB = intOf(a.transB, 0) === 1;
        const alpha = floatOf(a.alpha, 1);
        const beta = floatOf(a.beta, 1);
        const b = constant(1, 'weight B');
        const c = optionalConstant(2, 'bias C');
        const dims = b.dims ?? [];
        const inFeatures = featureCount(shape);
        const units = dims.length === 2 ? (transB ? dims[0] : dims[1]) : 0;
        if (dims.length !== 2 || (transB ? dims[1] : dims[0]) !== inFeatures) {
          throw fail(`${where}: weight B of shape [${dims.join(', ')}] does not fit ${inFeatures} inputs`);
        }
        // Read later, so the row order is captured now.
        const rowOrder = order;
        weights.push(
          ...denseWeights(add({ type: 'dense', units, init: { kind: 'xavier' } }), inFeatures, units, {
            readW: () => {
              const raw = floatValues(b, inFeatures * units, `${where} weight B`, fail);
              const w = transB ? transpose(raw, units, inFeatures) : raw;
              return scaled(rowOrder ? permuteRows(w, units, rowOrder, true) : w, alpha);
            },
            readB: () => scaled(c ? biasValues(c, units, `${where} bias C`, fail) : new Float32Array(units), beta),
          }),
        );
        order = undefined;
        shape = { height: 1, width: 1, channels: units };
        break;
      }
      case 'MatMul': {
        attributesOf(node, fail, where, []);
        needsVector();
        const b = constant(1, 'weight');
        const dims = b.dims ?? [];
        const inFeatures = featureCount(shape);
        if (dims.length !== 2 || dims[0] !== inFeatures) {
          throw fail(`${where}: weight of shape [${dims.join(', ')}] does not fit ${inFeatures} inputs`);
        }
        const units = dims[1];
        // The Add of a bias that exporters put right after a dense layer's MatMul.
        const next = nodes[index + 1];
        const out = node.output?.[0] ?? '';
        let bias: OnnxTensor | undefined;
        if (next?.op_type === 'Add' && next.input?.length === 2 && next.input.includes(out)) {
          bias = constants.get(next.input[next.input[0] === out ? 1 : 0]);
        }
        const rowOrder = order;
        weights.push(
          ...denseWeights(add({ type: 'dense', units, init: { kind: 'xavier' } }), inFeatures, units, {
            readW: () => {
              const w = floatValues(b, inFeatures * units, `${where} weight`, fail);
              return rowOrder ? permuteRows(w, units, rowOrder, true) : w;
            },
            readB: () => (bias ? biasValues(bias, units, `${where} bias`, fail) : new Float32Array(units)),
          }),
        );
        order = undefined;
        shape = { height: 1, width: 1, channels: units };
        if (bias) {
          index++;
          x = next.output?.[0] ?? '';
          continue;
        }
        break;
      }
      case 'Conv': {
        const a = attributesOf(node, fail, where, [
          'kernel_shape',
          'strides',
          'pads',
          'dilations',
          'group',
          'auto_pad',
        ]);
        needsImage();
        const w = constant(1, 'kernel');
        const bias = optionalConstant(2, 'bias');
        const [filters, channels, kh, kw] = w.dims ?? [];
        if ((w.dims ?? []).length !== 4 || channels !== shape.channels) {
          throw fail(
            `${where}: kernel of shape [${(w.dims ?? []).join(', ')}] does not fit an input of ${shape.channels} channel(s)`,
          );
        }
        if (kh !== kw) throw fail(`${where}: kernel ${kh}x${kw}; Tegaki's convolutions are square`);
        if (intOf(a.group, 1) !== 1)
          throw fail(`${where}: group = ${intOf(a.group, 1)}; Tegaki imports group = 1 only`);
        if (!intsOf(a.dilations, [1, 1]).every((d) => d === 1))
          throw fail(`${where}: dilations other than 1 are not supported`);
        const stride = squareOf(intsOf(a.strides, [1, 1]), 'strides', where, fail);
        const padding = convPadding(shape, kh, stride, a, where, fail);
        const name = add({ type: 'conv2d', filters, kernelSize: kh, stride, padding, init: { kind: 'he' } });
        weights.push(
          {
            name: `${name}.W`,
            shape: [kh, kh, channels, filters],
            read: () =>
              kernelFromOihw(
                floatValues(w, filters * channels * kh * kh, `${where} kernel`, fail),
                kh,
                channels,
                filters,
              ),
          },
          {
            name: `${name}.b`,
            shape: [filters],
            read: () => (bias ? biasValues(bias, filters, `${where} bias`, fail) : new Float32Array(filters)),
          },
        );
        const rows = convAxis(shape.height, kh, stride, padding);
        const cols = convAxis(shape.width, kh, stride, padding);
        shape = { height: rows.out, width: cols.out, channels: filters };
        break;
      }
      case 'MaxPool': {
        const a = attributesOf(node, fail, where, [
          'kernel_shape',
          'strides',
          'pads',
          'dilations',
          'auto_pad',
          'ceil_mode',
          'storage_order',
        ]);
        needsImage();
        extraOutputsUnused();
        const size = squareOf(intsOf(a.kernel_shape, []), 'kernel_shape', where, fail);
        const stride = squareOf(intsOf(a.strides, [1, 1]), 'strides', where, fail);
        if (!intsOf(a.pads, [0, 0, 0, 0]).every((p) => p === 0))
          throw fail(`${where}: padded pooling is not supported`);
        if (!['NOTSET', 'VALID'].includes(textOf(a.auto_pad, 'NOTSET')))
          throw fail(`${where}: auto_pad = ${textOf(a.auto_pad, '')} is not supported`);
        if (!intsOf(a.dilations, [1, 1]).every((d) => d === 1))
          throw fail(`${where}: dilations other than 1 are not supported`);
        const rows = convAxis(shape.height, size, stride, 'valid');
        const cols = convAxis(shape.width, size, stride, 'valid');
        // ceil_mode only matters when a window would hang over the edge.
        const exact = (shape.height - size) % stride === 0 && (shape.width - size) % stride === 0;
        if (intOf(a.ceil_mode, 0) === 1 && !exact)
          throw fail(`${where}: ceil_mode = 1 with windows past the edge is not supported`);
        add({ type: 'max-pool', size, stride });
        shape = { height: rows.out, width: cols.out, channels: shape.channels };
        break;
      }
      case 'BatchNormalization': {
        const a = attributesOf(node, fail, where, ['epsilon', 'momentum', 'training_mode', 'spatial']);
        extraOutputsUnused();
        if (intOf(a.training_mode, 0) !== 0)
          throw fail(`${where}: training_mode = 1; Tegaki imports the inference form`);
        const channels = shape.channels;
        const statistics = ['gamma', 'beta', 'runningMean', 'runningVar'].map((tensor, i) => ({
          tensor,
          onnx: constant(i + 1, ['scale', 'B', 'input_mean', 'input_var'][i]),
        }));
        const name = add({ type: 'batch-norm', epsilon: floatOf(a.epsilon, 1e-5) });
        const rowOrder = order;
        for (const { tensor, onnx } of statistics) {
          weights.push({
            name: `${name}.${tensor}`,
            shape: [channels],
            read: () => {
              const v = floatValues(onnx, channels, `${where} ${tensor}`, fail);
              return rowOrder ? permuteRows(v, 1, rowOrder, true) : v;
            },
          });
        }
        break;
      }
      case 'Relu':
      case 'Sigmoid':
      case 'Tanh':
        attributesOf(node, fail, where, []);
        add({ type: op === 'Relu' ? 'relu' : op === 'Sigmoid' ? 'sigmoid' : 'tanh' });
        break;
      case 'LeakyRelu': {
        const a = attributesOf(node, fail, where, ['alpha']);
        add({ type: 'leaky-relu', alpha: floatOf(a.alpha, 0.01) });
        break;
      }
      case 'Flatten': {
        const a = attributesOf(node, fail, where, ['axis']);
        if (intOf(a.axis, 1) !== 1)
          throw fail(`${where}: axis = ${intOf(a.axis, 1)}; Tegaki imports Flatten with axis 1`);
        flatten();
        break;
      }
      case 'Reshape': {
        const a = attributesOf(node, fail, where, ['allowzero']);
        if (intOf(a.allowzero, 0) !== 0) throw fail(`${where}: allowzero = 1 is not supported`);
        const target = int64Values(constant(1, 'shape'), `${where} shape`, fail);
        const features = featureCount(shape);
        const batch = target[0] === 0 || target[0] === -1;
        if (batch && target.length === 2 && (target[1] === features || target[1] === -1)) {
          flatten();
        } else if (
          batch &&
          target.length === 4 &&
          !isImage &&
          spec.layers.length === 0 &&
          target[1] === 1 &&
          target[2] === 28 &&
          target[3] === 28
        ) {
          // [N, 784] -> [N, 1, 28, 28] at the input: the same bytes, now seen as an image.
          spec.inputShape = [28, 28, 1];
          shape = { height: 28, width: 28, channels: 1 };
          isImage = true;
        } else {
          throw fail(
            `${where}: reshaping to [${target.join(', ')}] is not supported; Tegaki imports a Reshape that flattens, or [N, 784] to [N, 1, 28, 28] at the input`,
          );
        }
        break;
      }
      case 'Dropout': {
        attributesOf(node, fail, where, ['ratio', 'seed']);
        extraOutputsUnused();
        // Opset 12 moved ratio and training_mode to inputs; training_mode must be false.
        if (inputs[2]) {
          const mode = constants.get(inputs[2]);
          if (!mode || int64OrBoolValues(mode).some((v) => v !== 0))
            throw fail(`${where}: training_mode is not a constant false`);
        }
        break;
      }
      case 'Identity':
        break;
      case 'Div': {
        needsVector();
        const divisor = floatValues(constant(1, 'divisor'), 1, `${where}: its divisor`, fail)[0];
        if (!(divisor > 0 && Number.isFinite(divisor)))
          throw fail(`${where}: it divides by ${divisor}; a temperature is a positive number`);
        temperature = divisor;
        break;
      }
      case 'Softmax':
      case 'LogSoftmax': {
        const a = attributesOf(node, fail, where, ['axis']);
        const axis = intOf(a.axis, opset >= 13 ? -1 : 1);
        flatten();
        if (axis !== 1 && axis !== -1)
          throw fail(`${where}: axis = ${axis}; Tegaki imports a softmax over the classes (axis 1)`);
        ended = true;
        break;
      }
      default:
        throw fail(`${where}: the operator ${op} is not supported; Tegaki imports ${IMPORTABLE_OPERATORS.join(', ')}`);
    }
    x = node.output?.[0] ?? '';
  }

  const outputs = graph.output ?? [];
  if (outputs.length !== 1 || outputs[0].name !== x) {
    throw fail(
      `the graph's output is not the end of its chain of layers (${outputs.map((o) => `'${o.name}'`).join(', ') || 'none'})`,
    );
  }
  if (isImage && shape.height * shape.width > 1)
    throw fail(`the graph ends on an image of ${shape.height}x${shape.width}x${shape.channels}, not on class scores`);
  if (order) throw fail('the graph ends on a flattened multi-channel image, not on class scores');
  if (featureCount(shape) !== 10) throw fail(`it gives ${featureCount(shape)} outputs; a digit classifier gives 10`);
  return { spec, weights, temperature };
}

/** A dense layer's weight [in, units] and bias [units], read later. */
function denseWeights(
  name: string,
  inFeatures: number,
  units: number,
  read: { readW: () => Float32Array; readB: () => Float32Array },
): PendingWeight[] {
  return [
    { name: `${name}.W`, shape: [inFeatures, units], read: read.readW },
    { name: `${name}.b`, shape: [units], read: read.readB },
  ];
}

/** Tegaki's padding for a Conv's pads or auto_pad, when it has one. */
function convPadding(
  input: FeatureShape,
  k: number,
  stride: number,
  a: Record<string, OnnxAttribute>,
  where: string,
  fail: Fail,
): Padding {
  const autoPad = textOf(a.auto_pad, 'NOTSET');
  const same = (['height', 'width'] as const).flatMap((axis) => {
    const { out, padBefore } = convAxis(input[axis], k, stride, 'same');
    return [padBefore, Math.max(0, (out - 1) * stride + k - input[axis] - padBefore)];
  });
  if (autoPad === 'VALID') return 'valid';
  if (autoPad === 'SAME_UPPER') return 'same';
  if (autoPad === 'SAME_LOWER') {
    // Same as SAME_UPPER when the padding splits evenly.
    if (same[0] === same[1] && same[2] === same[3]) return 'same';
    throw fail(`${where}: auto_pad = SAME_LOWER with uneven padding is not supported`);
  }
  if (autoPad !== 'NOTSET') throw fail(`${where}: auto_pad = ${autoPad} is not supported`);
  const [top, left, bottom, right] = intsOf(a.pads, [0, 0, 0, 0]);
  if (top === left && left === bottom && bottom === right) return top === 0 ? 'valid' : top;
  // ONNX order [top, left, bottom, right]; `same` above is [top, bottom, left, right].
  if (top === same[0] && bottom === same[1] && left === same[2] && right === same[3]) return 'same';
  throw fail(
    `${where}: pads [${[top, left, bottom, right].join(', ')}] are uneven; Tegaki imports equal pads or TensorFlow's 'same'`,
  );
}

/** The node's attributes by name, refusing any that Tegaki does not understand for this operator. */
function attributesOf(node: OnnxNode, fail: Fail, where: string, known: string[]): Record<string, OnnxAttribute> {
  const byName: Record<string, OnnxAttribute> = {};
  for (const attribute of node.attribute ?? []) {
    const name = attribute.name ?? '';
    if (!known.includes(name)) throw fail(`${where}: the attribute ${name} is not supported`);
    byName[name] = attribute;
  }
  return byName;
}

const intOf = (a: OnnxAttribute | undefined, fallback: number): number =>
  a?.type === AttributeType.INT ? (a.i ?? 0) : fallback;
const floatOf = (a: OnnxAttribute | undefined, fallback: number): number =>
  a?.type === AttributeType.FLOAT ? (a.f ?? 0) : fallback;
const intsOf = (a: OnnxAttribute | undefined, fallback: number[]): number[] =>
  a?.type === AttributeType.INTS ? (a.ints ?? []) : fallback;
const textOf = (a: OnnxAttribute | undefined, fallback: string): string =>
  a?.type === AttributeType.STRING ? attributeText(a) : fallback;

function squareOf(values: number[], what: string, where: string, fail: Fail): number {
  if (values.length !== 2 || values[0] !== values[1] || !(values[0] >= 1)) {
    throw fail(`${where}: ${what} [${values.join(', ')}]; Tegaki imports equal sizes of at least 1 on both axes`);
  }
  return values[0];
}

/** A value-info's dimensions; a symbolic or missing dimension (the batch) is undefined. */
function tensorDims(value: OnnxValueInfo): (number | undefined)[] | undefined {
  const dims = value.type?.tensor_type?.shape?.dim;
  return dims?.map((d) => (d.dim_value ? d.dim_value : undefined));
}

const scaled = (values: Float32Array, factor: number): Float32Array =>
  factor === 1 ? values : values.map((v) => v * factor);

/** A bias of `count` values, stored as [count] or [1, count] (or one value, broadcast). */
function biasValues(t: OnnxTensor, count: number, what: string, fail: Fail): Float32Array {
  const elements = elementCount(t, what, fail);
  if (elements === 1 && count !== 1) return new Float32Array(count).fill(floatValues(t, 1, what, fail)[0]);
  return floatValues(t, count, what, fail);
}

function elementCount(t: OnnxTensor, what: string, fail: Fail): number {
  let n = 1;
  for (const d of t.dims ?? []) {
    if (!Number.isInteger(d) || d < 0) throw fail(`${what} has dimension ${d}`);
    n *= d;
    if (n > MODEL_FILE_LIMITS.parameters) throw fail(`${what} holds more than ${MODEL_FILE_LIMITS.parameters} values`);
  }
  return n;
}

/** A float32 tensor's values, checked to be exactly `count` of them. */
function floatValues(t: OnnxTensor, count: number, what: string, fail: Fail): Float32Array {
  if (t.data_location === 1) throw fail(`${what} is stored in an external file; Tegaki imports self-contained models`);
  if (t.data_type !== TensorDataType.FLOAT)
    throw fail(`${what} has ONNX data type ${t.data_type}; Tegaki imports float32 weights`);
  const elements = elementCount(t, what, fail);
  if (elements !== count) throw fail(`${what} holds ${elements} values where ${count} are needed`);
  const raw = t.raw_data;
  if (raw && raw.length > 0) {
    if (raw.length !== count * 4) throw fail(`${what} has ${raw.length} bytes of data for ${count} float32 values`);
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
    return out;
  }
  const values = t.float_data ?? [];
  if (values.length !== count) throw fail(`${what} has ${values.length} values for ${count}`);
  return Float32Array.from(values);
}

/** A small int64 tensor (a Reshape's shape). */
function int64Values(t: OnnxTensor, what: string, fail: Fail): number[] {
  if (t.data_type !== TensorDataType.INT64) throw fail(`${what} is not int64`);
  const count = elementCount(t, what, fail);
  if (count > 8) throw fail(`${what} has ${count} dimensions`);
  return int64OrBoolValues(t).slice(0, count);
}

function int64OrBoolValues(t: OnnxTensor): number[] {
  const raw = t.raw_data;
  if (raw && raw.length > 0) {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const width = t.data_type === TensorDataType.INT64 ? 8 : 1;
    return Array.from({ length: Math.min(8, Math.floor(raw.length / width)) }, (_, i) =>
      width === 8 ? Number(view.getBigInt64(i * 8, true)) : view.getUint8(i),
    );
  }
  return (t.int64_data ?? t.int32_data ?? []).slice(0, 8).map(Number);
}

/**
 * The metadata of an imported model: a Tegaki export's own metadata comes back whole
 * (the weights are the same, so its figures still hold); otherwise the name and where
 * the model came from, and the report is computed when the person opens it.
 */
function importedMetadata(model: OnnxModel, opset: number, source: string, now: Date): ModelMetadata {
  const props = new Map((model.metadata_props ?? []).map((p) => [p.key ?? '', p.value ?? '']));
  const producer = [model.producer_name, model.producer_version].filter(Boolean).join(' ') || undefined;
  const importedFrom = { format: 'onnx' as const, producer, opset };
  const own = props.get(ONNX_METADATA_KEYS.metadata);
  if (own && own.length <= MODEL_FILE_LIMITS.headerBytes) {
    try {
      return { ...parseModelMetadata(JSON.parse(own)), importedFrom };
    } catch {
      // Not Tegaki's JSON after all: fall through to the plain description.
    }
  }
  const stem = source
    .split(/[\\/]/)
    .pop()
    ?.replace(/\.onnx$/i, '');
  const name = props.get(ONNX_METADATA_KEYS.name) || stem || model.graph?.name || 'Imported ONNX model';
  return { name, createdAt: now.toISOString(), importedFrom };
}
