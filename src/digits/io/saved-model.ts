import { decodeModelFile, encodeModelFile, MODEL_FILE_MAGIC, ModelFileError, readModelFileBytes, saveModelFile } from './model-file';
import type { ModelFileContent } from './model-file';
import { onnxToModel } from './onnx/import-onnx';
import type { ModelFormat, ModelMetadata } from '../../shared/model-metadata';
import { temperatureOf } from '../../shared/model-metadata';
import { Sequential } from '../../engine/model/sequential';
import type { ModelSpec } from '../../engine/model/spec';

/** Reads a model file (Tegaki's, see model-file.ts, or ONNX) into a ready-to-run model plus its metadata. */
export async function loadModel(path: string): Promise<{ model: Sequential; metadata: ModelMetadata }> {
  const { content } = await loadAnyModel(path);
  return { model: modelOf(content), metadata: content.metadata };
}

/**
 * The ready-to-run model a file holds: its weights, and the temperature its metadata gives
 * (1 when uncalibrated), so every reader (the app's predictions, the engine's evaluations,
 * the command line) predicts the calibrated probabilities.
 */
export function modelOf(content: ModelFileContent): Sequential {
  return Sequential.fromWeights(content.spec, content.tensors, { temperature: temperatureOf(content.metadata) });
}

export async function saveModel(path: string, model: Sequential, metadata: ModelMetadata): Promise<void> {
  await saveModelFile(path, { spec: model.spec, metadata, tensors: model.exportWeights() });
}

/** The formats a model arrives in: Tegaki's own file (.tgk) or ONNX (digits/io/onnx); one list in src/shared. */
export type { ModelFormat };

/**
 * A model's bytes in either format, told apart by Tegaki's magic ("TGKI"; ONNX files
 * have none, being a bare protobuf message). Both decoders check the same limits.
 */
export function decodeAnyModel(bytes: Uint8Array, source = 'model file'): { content: ModelFileContent; format: ModelFormat } {
  const magic = new TextDecoder().decode(bytes.subarray(0, 4));
  if (magic === MODEL_FILE_MAGIC) return { content: decodeModelFile(bytes, source), format: 'tegaki' };
  return { content: onnxToModel(bytes, source), format: 'onnx' };
}

/** Reads a model file from disk in either format. */
export async function loadAnyModel(path: string): Promise<{ content: ModelFileContent; format: ModelFormat }> {
  return decodeAnyModel(await readModelFileBytes(path), path);
}

/** What trying a model file found: its architecture and metadata, and how many classes it gives. */
export interface ModelTrial {
  spec: ModelSpec;
  metadata: ModelMetadata;
  classes: number;
  format: ModelFormat;
  /** For a model that arrived in another format: the same model as a Tegaki file, to store. */
  modelFile?: Uint8Array;
}

/** A digit classifier reads the 28x28 input and gives the 10 digits. */
export const DIGIT_MODEL_INPUTS = 784;
export const DIGIT_MODEL_CLASSES = 10;

/** Why a tried model is not a digit classifier Tegaki can use, or undefined when it is. */
export function digitModelProblem(trial: Pick<ModelTrial, 'spec' | 'classes'>): string | undefined {
  if (trial.spec.inputSize === DIGIT_MODEL_INPUTS && trial.classes === DIGIT_MODEL_CLASSES) return undefined;
  return `takes ${trial.spec.inputSize} inputs and gives ${trial.classes} classes; Tegaki needs ${DIGIT_MODEL_INPUTS} and ${DIGIT_MODEL_CLASSES}`;
}

/**
 * Decodes a model file's bytes (Tegaki's or ONNX), builds the model and runs one forward
 * pass on a blank input. An import asks the engine process to do this (request
 * 'try-model'), so a file that could still misbehave costs that process, which restarts,
 * and never the app.
 */
export function tryModelBytes(bytes: Uint8Array, source?: string): ModelTrial {
  const { content, format } = decodeAnyModel(bytes, source);
  const { spec, metadata } = content;
  const model = modelOf(content);
  const probabilities = model.predictOne(new Float32Array(spec.inputSize));
  if (!probabilities.every(Number.isFinite)) {
    throw new ModelFileError('corrupted', source ?? 'model file', 'its output for a blank image is not a number');
  }
  return { spec, metadata, classes: model.classes, format, modelFile: format === 'tegaki' ? undefined : encodeModelFile(content) };
}
