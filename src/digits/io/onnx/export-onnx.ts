import type { FeatureShape, ModelSpec, Padding } from '../../../engine/model/spec';
import { temperatureOf } from '../../../shared/model-metadata';
import { convAxis, featureCount, inputShapeOf, layerShapes } from '../../../engine/model/spec';
import { INPUT_RECIPE } from '../../preprocess/image';
import type { ModelFileContent, ModelTensor } from '../model-file';
import { kernelToOihw, nchwToNhwcOrder, permuteRows } from './layout';
import type { OnnxAttribute, OnnxModel, OnnxNode, OnnxTensor, OnnxValueInfo } from './onnx-proto';
import { AttributeType, encodeOnnxModel, TensorDataType } from './onnx-proto';

/**
 * A Tegaki model as an ONNX model that onnxruntime, Netron or any framework opens:
 *
 *   input "image" float32 [N, 1, 28, 28], 0..1, white ink on black (as MNIST)
 *   -> one standard operator per layer -> output "probabilities" [N, 10] (Softmax)
 *
 * dense -> Gemm (B stored [in, out], transB = 0), conv2d -> Conv (explicit pads),
 * max-pool -> MaxPool, batch-norm -> BatchNormalization (inference form, running
 * statistics), flatten -> Flatten, relu/sigmoid/tanh/leaky-relu -> Relu/Sigmoid/Tanh/
 * LeakyRelu; dropout does nothing at inference and is left out. Weights cross from
 * Tegaki's channels-last layout to ONNX's channels-first in layout.ts. A calibrated
 * model's temperature T is a Div of the logits by T before the Softmax, so onnxruntime
 * gives the probabilities Tegaki gives.
 *
 * Opset 13 (onnxruntime 1.8 and newer, PyTorch 1.8 and newer read it). The metadata
 * carries the name, the architecture, the training figures and the input recipe, and
 * the whole Tegaki metadata as JSON so that importing the file back loses nothing.
 */
export const ONNX_OPSET = 13;
/** ONNX IR version 7 goes with opset 13. */
const IR_VERSION = 7;
export const ONNX_INPUT_NAME = 'image';
export const ONNX_OUTPUT_NAME = 'probabilities';
/** The scalar initializer a calibrated model's logits are divided by before the Softmax. */
export const ONNX_TEMPERATURE = 'temperature';
/** metadata_props keys this exporter writes; `import-onnx.ts` reads the last two back. */
export const ONNX_METADATA_KEYS = {
  name: 'name',
  recipe: 'input_recipe',
  testAccuracy: 'test_accuracy',
  validationAccuracy: 'validation_accuracy',
  spec: 'tegaki.spec',
  metadata: 'tegaki.metadata',
} as const;

export function modelToOnnx(content: ModelFileContent): Uint8Array {
  return encodeOnnxModel(onnxModelOf(content));
}

/** The ONNX model as a plain object (what `modelToOnnx` encodes). */
export function onnxModelOf({ spec, metadata, tensors }: ModelFileContent): OnnxModel {
  const graph = new GraphBuilder(tensors);
  const inputShape = onnxInputShape(spec);
  // Where the data is: an image (N, C, H, W in ONNX) or a flat vector, and for a vector
  // made by flattening a multi-channel image, how its features map onto Tegaki's order.
  let shape = inputShapeOf(spec);
  let isImage = inputShape.length === 3;
  let order: Int32Array | undefined;
  let x = ONNX_INPUT_NAME;
  const flatten = (): void => {
    if (!isImage) return;
    x = graph.node('Flatten', [x], [int('axis', 1)]);
    order = nchwToNhwcOrder(shape);
    isImage = false;
  };
  const shapes = layerShapes(spec);
  spec.layers.forEach((layer, i) => {
    const name = `layer${i}`;
    const needsImage = (): void => {
      if (!isImage) throw new Error(`${name} (${layer.type}) comes after a flatten; ONNX needs it on an image`);
    };
    switch (layer.type) {
      case 'dense': {
        flatten();
        const w = graph.tensor(`${name}.W`);
        const rows = order ? permuteRows(w.data, layer.units, order) : w.data;
        x = graph.node('Gemm', [x, graph.initializer(`${name}.W`, w.shape, rows), graph.initializer(`${name}.b`)]);
        order = undefined;
        break;
      }
      case 'conv2d': {
        needsImage();
        const stride = layer.stride ?? 1;
        const w = graph.tensor(`${name}.W`);
        const [k, , channels, filters] = w.shape;
        const kernel = graph.initializer(
          `${name}.W`,
          [filters, channels, k, k],
          kernelToOihw(w.data, k, channels, filters),
        );
        x = graph.node(
          'Conv',
          [x, kernel, graph.initializer(`${name}.b`)],
          [
            ints('kernel_shape', [k, k]),
            ints('strides', [stride, stride]),
            ints('pads', convPads(shape, shapes[i], k, stride, layer.padding)),
          ],
        );
        break;
      }
      case 'max-pool': {
        needsImage();
        const stride = layer.stride ?? layer.size;
        x = graph.node(
          'MaxPool',
          [x],
          [ints('kernel_shape', [layer.size, layer.size]), ints('strides', [stride, stride])],
        );
        break;
      }
      case 'batch-norm': {
        const statistic = (tensor: string): string => {
          const t = graph.tensor(`${name}.${tensor}`);
          return graph.initializer(`${name}.${tensor}`, t.shape, order ? permuteRows(t.data, 1, order) : t.data);
        };
        const inputs = ['gamma', 'beta', 'runningMean', 'runningVar'].map(statistic);
        x = graph.node('BatchNormalization', [x, ...inputs], [float('epsilon', layer.epsilon ?? 1e-5)]);
        break;
      }
      case 'flatten':
        flatten();
        break;
      case 'relu':
        x = graph.node('Relu', [x]);
        break;
      case 'sigmoid':
        x = graph.node('Sigmoid', [x]);
        break;
      case 'tanh':
        x = graph.node('Tanh', [x]);
        break;
      case 'leaky-relu':
        x = graph.node('LeakyRelu', [x], [float('alpha', layer.alpha ?? 0.01)]);
        break;
      case 'dropout':
        break;
    }
    shape = shapes[i];
  });
  flatten();
  if (order) throw new Error('the model ends on a multi-channel image; its outputs have no ONNX order to match');
  const temperature = temperatureOf(metadata);
  if (temperature !== 1)
    x = graph.node('Div', [x, graph.initializer(ONNX_TEMPERATURE, [], Float32Array.of(temperature))]);
  graph.node('Softmax', [x], [int('axis', 1)], ONNX_OUTPUT_NAME);
  const classes = featureCount(shape);

  const metrics = metadata.metrics;
  const props: Record<string, string | undefined> = {
    [ONNX_METADATA_KEYS.name]: metadata.name,
    [ONNX_METADATA_KEYS.recipe]: INPUT_RECIPE,
    [ONNX_METADATA_KEYS.testAccuracy]: metrics?.testAccuracy?.toString(),
    [ONNX_METADATA_KEYS.validationAccuracy]: metrics?.validationAccuracy?.toString(),
    [ONNX_METADATA_KEYS.spec]: JSON.stringify(spec),
    [ONNX_METADATA_KEYS.metadata]: JSON.stringify(metadata),
  };
  return {
    ir_version: IR_VERSION,
    opset_import: [{ domain: '', version: ONNX_OPSET }],
    producer_name: 'Tegaki',
    doc_string: `${metadata.name ?? 'A Tegaki model'}: a handwritten-digit classifier trained on MNIST with Tegaki.`,
    graph: {
      name: metadata.name ?? 'tegaki',
      node: graph.nodes,
      initializer: graph.initializers,
      input: [
        {
          name: ONNX_INPUT_NAME,
          type: floatTensorType(['N', ...inputShape]),
          doc_string: INPUT_RECIPE,
        },
      ],
      output: [
        {
          name: ONNX_OUTPUT_NAME,
          type: floatTensorType(['N', classes]),
          doc_string: `Softmax probabilities of the ${classes} digits 0..${classes - 1}.`,
        },
      ],
    },
    metadata_props: Object.entries(props)
      .filter((entry): entry is [string, string] => entry[1] !== undefined)
      .map(([key, value]) => ({ key, value })),
  };
}

/**
 * The ONNX input's shape after the batch: [C, H, W] for a model that declares an image, and for a
 * flat 784-input MLP too (MNIST's 28x28, one channel: the same bytes as the flat vector,
 * so every exported digit model takes the same input); [features] otherwise.
 */
function onnxInputShape(spec: ModelSpec): number[] {
  if (spec.inputShape) {
    const [height, width, channels] = spec.inputShape;
    return [channels, height, width];
  }
  return spec.inputSize === 28 * 28 ? [1, 28, 28] : [spec.inputSize];
}

/** ONNX pads [top, left, bottom, right] that give the output size Tegaki's padding rule gives. */
function convPads(input: FeatureShape, output: FeatureShape, k: number, stride: number, padding: Padding): number[] {
  // A number pads every side by itself, as ONNX's explicit pads do, even where a stride's
  // last window stops short of the far side: the same output, and what import-onnx reads back.
  if (typeof padding === 'number') return [padding, padding, padding, padding];
  const axis = (size: number, out: number): [number, number] => {
    const { padBefore } = convAxis(size, k, stride, padding);
    // What the last window reaches beyond the input; never negative (a stride may skip pixels).
    const after = Math.max(0, (out - 1) * stride + k - size - padBefore);
    return [padBefore, after];
  };
  const [top, bottom] = axis(input.height, output.height);
  const [left, right] = axis(input.width, output.width);
  return [top, left, bottom, right];
}

/** A float32 tensor type; a string dimension is symbolic (the batch). */
function floatTensorType(dims: (number | string)[]): OnnxValueInfo['type'] {
  return {
    tensor_type: {
      elem_type: TensorDataType.FLOAT,
      shape: { dim: dims.map((d) => (typeof d === 'string' ? { dim_param: d } : { dim_value: d })) },
    },
  };
}

/** Collects nodes and initializers, naming each node's output after the node. */
class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  private readonly byName: Map<string, ModelTensor>;

  constructor(tensors: readonly ModelTensor[]) {
    this.byName = new Map(tensors.map((t) => [t.name, t]));
  }

  tensor(name: string): ModelTensor {
    const t = this.byName.get(name);
    if (!t) throw new Error(`the model has no tensor ${name}`);
    return t;
  }

  /** Adds a float32 initializer (by default the model's tensor of that name, as stored) and returns its name. */
  initializer(name: string, shape?: number[], data?: Float32Array): string {
    const t = data && shape ? { shape, data } : this.tensor(name);
    const raw = new Uint8Array(t.data.length * 4);
    const view = new DataView(raw.buffer);
    for (let i = 0; i < t.data.length; i++) view.setFloat32(i * 4, t.data[i], true);
    this.initializers.push({ name, dims: t.shape, data_type: TensorDataType.FLOAT, raw_data: raw });
    return name;
  }

  node(opType: string, inputs: string[], attribute: OnnxAttribute[] = [], output?: string): string {
    const name = `${opType.toLowerCase()}${this.nodes.length}`;
    const out = output ?? `${name}_out`;
    this.nodes.push({ name, op_type: opType, input: inputs, output: [out], attribute });
    return out;
  }
}

const int = (name: string, i: number): OnnxAttribute => ({ name, type: AttributeType.INT, i });
const ints = (name: string, values: number[]): OnnxAttribute => ({ name, type: AttributeType.INTS, ints: values });
const float = (name: string, f: number): OnnxAttribute => ({ name, type: AttributeType.FLOAT, f });
