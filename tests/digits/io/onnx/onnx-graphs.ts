import type { OnnxAttribute, OnnxModel, OnnxNode, OnnxTensor } from '../../../../src/digits/io/onnx/onnx-proto';
import { AttributeType, encodeOnnxModel, TensorDataType } from '../../../../src/digits/io/onnx/onnx-proto';

/**
 * Small ONNX graphs built by hand for the import tests: the variants exporters produce,
 * and the ones Tegaki must refuse. Written with the same protobufjs schema as the export.
 */

export function floatTensor(name: string, dims: number[], values?: ArrayLike<number>): OnnxTensor {
  const count = dims.reduce((a, b) => a * b, 1);
  const data = Float32Array.from(values ?? Array.from({ length: count }, (_, i) => Math.sin(i * 12.9898) * 0.1));
  return { name, dims, data_type: TensorDataType.FLOAT, raw_data: new Uint8Array(data.buffer) };
}

export function int64Tensor(name: string, values: number[]): OnnxTensor {
  return { name, dims: [values.length], data_type: TensorDataType.INT64, int64_data: values };
}

export const ints = (name: string, values: number[]): OnnxAttribute => ({
  name,
  type: AttributeType.INTS,
  ints: values,
});
export const int = (name: string, i: number): OnnxAttribute => ({ name, type: AttributeType.INT, i });
export const float = (name: string, f: number): OnnxAttribute => ({ name, type: AttributeType.FLOAT, f });
export const text = (name: string, s: string): OnnxAttribute => ({
  name,
  type: AttributeType.STRING,
  s: new TextEncoder().encode(s),
});

export function node(op: string, input: string[], output: string, attribute: OnnxAttribute[] = []): OnnxNode {
  return { op_type: op, input, output: [output], attribute, name: output };
}

export interface GraphOptions {
  /** The input's shape after the batch dimension: [784] (default) or [1, 28, 28]. */
  inputDims?: number[];
  opset?: number;
  /** The graph output's name; the last node's output by default. */
  output?: string;
}

/** A model of `nodes` reading input "x"; initializers are the weights. */
export function onnxModel(nodes: OnnxNode[], initializers: OnnxTensor[], options: GraphOptions = {}): OnnxModel {
  const dims = options.inputDims ?? [784];
  return {
    ir_version: 7,
    opset_import: [{ domain: '', version: options.opset ?? 13 }],
    producer_name: 'tests',
    graph: {
      name: 'hand-made',
      node: nodes,
      initializer: initializers,
      input: [
        {
          name: 'x',
          type: {
            tensor_type: {
              elem_type: TensorDataType.FLOAT,
              shape: { dim: [{ dim_param: 'N' }, ...dims.map((d) => ({ dim_value: d }))] },
            },
          },
        },
      ],
      output: [
        {
          name: options.output ?? nodes.at(-1)?.output?.[0] ?? 'y',
          type: { tensor_type: { elem_type: TensorDataType.FLOAT } },
        },
      ],
    },
  };
}

export const encode = (model: OnnxModel): Uint8Array => encodeOnnxModel(model);

/** [N, 784] -> Gemm -> Softmax: the smallest model that imports. */
export function linearClassifier(): OnnxModel {
  return onnxModel(
    [node('Gemm', ['x', 'W', 'b'], 'logits'), node('Softmax', ['logits'], 'y', [int('axis', 1)])],
    [floatTensor('W', [784, 10]), floatTensor('b', [10])],
  );
}
