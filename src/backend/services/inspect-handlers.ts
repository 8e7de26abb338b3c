import { omitDerivedValues } from '../../shared/derived-activations';
import type { ParsedRequestOf, ResponseOf } from '../../shared/ipc/contract';
import type { EngineHost } from '../engine/engine-host';
import type { ActiveModel } from './active-model';
import type { CurrentExperiment } from './experiment-handlers';
import type { ModelStore } from './model-store';
import { modelFiles } from './timeline-handlers';

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
 * The activations go without the values the page computes itself (omitDerivedValues).
 */
export function createInspectHandlers({ engineHost, models, activeModel, experiment }: InspectDeps): InspectHandlers {
  return {
    'inspect:activations': async ({ id, pixels, snapshot }) => {
      const { modelId, path, snapshotsPath } = await modelFiles(models, activeModel, id);
      if (snapshot !== undefined) {
        const ref = { path: snapshotsPath, index: snapshot };
        const activations = await engineHost.inspectActivations(path, Float32Array.from(pixels), undefined, undefined, ref);
        return { modelId, snapshot, ...omitDerivedValues(activations) };
      }
      const edits = experiment?.editsFor(modelId);
      const activations = await engineHost.inspectActivations(path, Float32Array.from(pixels), undefined, edits);
      return { modelId, ...omitDerivedValues(activations) };
    },
    'inspect:parameters': async ({ id, layer, snapshot }) => {
      const { modelId, path, snapshotsPath } = await modelFiles(models, activeModel, id);
      if (snapshot !== undefined) {
        const ref = { path: snapshotsPath, index: snapshot };
        return { modelId, snapshot, ...(await engineHost.inspectParameters(path, layer, undefined, undefined, ref)) };
      }
      return {
        modelId,
        ...(await engineHost.inspectParameters(path, layer, undefined, experiment?.editsFor(modelId))),
      };
    },
  };
}
