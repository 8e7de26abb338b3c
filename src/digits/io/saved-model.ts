import { decodeModelFile, loadModelFile, ModelFileError, saveModelFile } from './model-file';
import type { ModelMetadata } from '../../shared/model-metadata';
import { Sequential } from '../../engine/model/sequential';
import type { ModelSpec } from '../../engine/model/spec';

/** Reads a model file (see model-file.ts for the format) into a ready-to-run model plus its metadata. */
export async function loadModel(path: string): Promise<{ model: Sequential; metadata: ModelMetadata }> {
  const content = await loadModelFile(path);
  return { model: Sequential.fromWeights(content.spec, content.tensors), metadata: content.metadata };
}

export async function saveModel(path: string, model: Sequential, metadata: ModelMetadata): Promise<void> {
  await saveModelFile(path, { spec: model.spec, metadata, tensors: model.exportWeights() });
}

/** What trying a model file found: its architecture and metadata, and how many classes it gives. */
export interface ModelTrial {
  spec: ModelSpec;
  metadata: ModelMetadata;
  classes: number;
}

/**
 * Decodes a model file's bytes, builds the model and runs one forward pass on a blank
 * input. An import asks the engine process to do this (request 'try-model'), so a file
 * that could still misbehave costs that process, which restarts, and never the app.
 */
export function tryModelBytes(bytes: Uint8Array, source?: string): ModelTrial {
  const { spec, metadata, tensors } = decodeModelFile(bytes, source);
  const model = Sequential.fromWeights(spec, tensors);
  const probabilities = model.predictOne(new Float32Array(spec.inputSize));
  if (!probabilities.every(Number.isFinite)) {
    throw new ModelFileError('corrupted', source ?? 'model file', 'its output for a blank image is not a number');
  }
  return { spec, metadata, classes: model.classes };
}
