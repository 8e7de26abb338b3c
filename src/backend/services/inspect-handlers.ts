import type { ParsedRequestOf, ResponseOf } from '../../shared/ipc/contract';
import type { EngineHost } from '../engine/engine-host';
import type { ActiveModel } from './active-model';
import type { CurrentExperiment } from './experiment-handlers';
import type { ModelStore } from './model-store';

type InspectChannel = 'inspect:activations' | 'inspect:parameters';
export type InspectHandlers = { [C in InspectChannel]: (request: ParsedRequestOf<C>) => Promise<ResponseOf<C>> };

export interface InspectDeps {
  engineHost: EngineHost;
  models: ModelStore;
  activeModel: ActiveModel;
  /** A "break it" experiment on a model: its layers are looked at through the edited copy. */
  experiment?: CurrentExperiment;
}

/**
 * A look inside a model, run by the engine (engine/model/inspect.ts) so that a large
 * model's layers cost the engine process, never the window's: every layer's activations
 * for one image, and one layer's learned tensors. The active model unless the request
 * names another; while a "break it" experiment is on for the model, its edited copy.
 */
export function createInspectHandlers({ engineHost, models, activeModel, experiment }: InspectDeps): InspectHandlers {
  const modelFile = async (id: string | undefined): Promise<{ modelId: string; path: string }> => {
    if (id === undefined) {
      const { summary, path } = await activeModel.get();
      return { modelId: summary.id, path };
    }
    return { modelId: id, path: models.pathOf(id) };
  };
  return {
    'inspect:activations': async ({ id, pixels }) => {
      const { modelId, path } = await modelFile(id);
      const edits = experiment?.editsFor(modelId);
      return { modelId, ...(await engineHost.inspectActivations(path, Float32Array.from(pixels), undefined, edits)) };
    },
    'inspect:parameters': async ({ id, layer }) => {
      const { modelId, path } = await modelFile(id);
      return {
        modelId,
        ...(await engineHost.inspectParameters(path, layer, undefined, experiment?.editsFor(modelId))),
      };
    },
  };
}
