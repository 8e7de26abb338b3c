import { loadModelFile, saveModelFile } from './model-file';
import type { ModelMetadata } from '../../shared/model-metadata';
import { Sequential } from '../../engine/model/sequential';

/** Reads a model file (see model-file.ts for the format) into a ready-to-run model plus its metadata. */
export async function loadModel(path: string): Promise<{ model: Sequential; metadata: ModelMetadata }> {
  const content = await loadModelFile(path);
  return { model: Sequential.fromWeights(content.spec, content.tensors), metadata: content.metadata };
}

export async function saveModel(path: string, model: Sequential, metadata: ModelMetadata): Promise<void> {
  await saveModelFile(path, { spec: model.spec, metadata, tensors: model.exportWeights() });
}
