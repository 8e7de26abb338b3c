import protobuf from 'protobufjs/light';
import onnxSchema from './onnx-schema.json';

/**
 * ONNX's protobuf messages, read and written by protobufjs from the official schema
 * (onnx.proto, turned into onnx-schema.json by scripts/build-onnx-schema.ts). The
 * interfaces below name only the fields Tegaki reads or writes; field names are ONNX's
 * own (snake_case), so they match the ONNX documentation (docs/IR.md, Operators.md).
 */

const root = protobuf.Root.fromJSON(onnxSchema as protobuf.INamespace);
const ModelProto = root.lookupType('onnx.ModelProto');

/** TensorProto.DataType values Tegaki meets. */
export const TensorDataType = { FLOAT: 1, INT64: 7 } as const;
/** AttributeProto.AttributeType values. */
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const;

export interface OnnxTensor {
  name?: string;
  dims?: number[];
  data_type?: number;
  float_data?: number[];
  int64_data?: number[];
  /** Where bool, int8..int32 and float16 values go when raw_data is not used. */
  int32_data?: number[];
  raw_data?: Uint8Array;
  /** DataLocation.EXTERNAL (1) when the values live in another file. */
  data_location?: number;
}

export interface OnnxAttribute {
  name?: string;
  type?: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: OnnxTensor;
  floats?: number[];
  ints?: number[];
}

export interface OnnxNode {
  name?: string;
  op_type?: string;
  domain?: string;
  input?: string[];
  output?: string[];
  attribute?: OnnxAttribute[];
}

export interface OnnxDimension {
  dim_value?: number;
  dim_param?: string;
}

export interface OnnxValueInfo {
  name?: string;
  type?: { tensor_type?: { elem_type?: number; shape?: { dim?: OnnxDimension[] } } };
  doc_string?: string;
}

export interface OnnxGraph {
  name?: string;
  node?: OnnxNode[];
  initializer?: OnnxTensor[];
  input?: OnnxValueInfo[];
  output?: OnnxValueInfo[];
  doc_string?: string;
}

export interface OnnxModel {
  ir_version?: number;
  opset_import?: { domain?: string; version?: number }[];
  producer_name?: string;
  producer_version?: string;
  model_version?: number;
  doc_string?: string;
  graph?: OnnxGraph;
  metadata_props?: { key?: string; value?: string }[];
}

/** Encodes a model; protobufjs checks every field against the schema first. */
export function encodeOnnxModel(model: OnnxModel): Uint8Array {
  const problem = ModelProto.verify(model);
  if (problem) throw new Error(`not a valid ONNX model: ${problem}`);
  return ModelProto.encode(ModelProto.fromObject(model)).finish();
}

/**
 * Decodes a model. Throws on bytes that are not a protobuf ModelProto. 64-bit integers
 * come back as numbers (dims and attributes above 2^53 lose precision, and are refused
 * later by the size limits anyway); bytes fields stay views of `bytes`, not copies.
 */
export function decodeOnnxModel(bytes: Uint8Array): OnnxModel {
  const message = ModelProto.decode(bytes);
  return ModelProto.toObject(message, { longs: Number, enums: Number, arrays: true }) as OnnxModel;
}

/** The value of a STRING attribute or metadata entry as text. */
export const attributeText = (attribute: OnnxAttribute): string =>
  new TextDecoder().decode(attribute.s ?? new Uint8Array());
