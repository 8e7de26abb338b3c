import type { ExperimentEdit } from '../../shared/experiment';
import type { ModelSummary, ParsedRequestOf, ResponseOf } from '../../shared/ipc/contract';
import type { EngineHost } from '../engine/engine-host';
import type { ActiveModel } from './active-model';
import { ServiceError } from './errors';
import type { ModelStore } from './model-store';

type ExperimentChannel = 'network:experiment' | 'network:restore' | 'network:save-experiment';
export type ExperimentHandlers = { [C in ExperimentChannel]: (request: ParsedRequestOf<C>) => Promise<ResponseOf<C>> };

/**
 * The one "break it" experiment on (src/shared/experiment.ts): which model it breaks and
 * how. Only its edits are kept here; the engine applies them to a copy of the model's
 * weights on every request, so ending it is forgetting them.
 */
export class CurrentExperiment {
  private current: { modelId: string; edits: ExperimentEdit[] } | undefined;

  /** The edits on `modelId`, or undefined when no experiment breaks it. */
  editsFor(modelId: string): ExperimentEdit[] | undefined {
    return this.current?.modelId === modelId ? this.current.edits : undefined;
  }

  set(modelId: string, edits: ExperimentEdit[]): void {
    this.current = edits.length === 0 ? undefined : { modelId, edits };
  }

  /** Ends it; true when one was on. */
  clear(): boolean {
    const was = this.current !== undefined;
    this.current = undefined;
    return was;
  }
}

export interface ExperimentDeps {
  engineHost: EngineHost;
  models: ModelStore;
  activeModel: ActiveModel;
  experiment: CurrentExperiment;
}

/**
 * "Break it" on the active model (issue #18 item 4): the engine measures the edited copy
 * against the model itself; restoring forgets the edits; saving writes the copy as a new
 * model through the model store, the only way an experiment reaches a file.
 */
export function createExperimentHandlers({
  engineHost,
  models,
  activeModel,
  experiment,
}: ExperimentDeps): ExperimentHandlers {
  return {
    'network:experiment': async ({ edits, pixels, testSize }) => {
      const { summary, path } = await activeModel.get();
      const result = await engineHost.experiment(path, edits, Float32Array.from(pixels), testSize);
      experiment.set(summary.id, edits);
      return { modelId: summary.id, ...result };
    },
    'network:restore': async () => {
      const { summary } = await activeModel.get();
      return { modelId: summary.id, restored: experiment.clear() };
    },
    'network:save-experiment': async ({ name }): Promise<ModelSummary> => {
      const { summary, path } = await activeModel.get();
      const edits = experiment.editsFor(summary.id);
      if (!edits) throw new ServiceError('not-found', 'there is no experiment on the active model to save');
      const tensors = await engineHost.experimentWeights(path, edits);
      return models.addEdited(summary.id, tensors, name);
    },
  };
}
