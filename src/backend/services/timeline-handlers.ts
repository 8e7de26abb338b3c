import type { ParsedRequestOf, ResponseOf } from '../../shared/ipc/contract';
import type { EngineHost } from '../engine/engine-host';
import type { ActiveModel } from './active-model';
import type { ModelStore } from './model-store';

type TimelineChannel = 'timeline:list' | 'timeline:evaluate' | 'timeline:delete';
export type TimelineHandlers = { [C in TimelineChannel]: (request: ParsedRequestOf<C>) => Promise<ResponseOf<C>> };

export interface TimelineDeps {
  engineHost: EngineHost;
  models: ModelStore;
  activeModel: ActiveModel;
}

/** The model a request names, else the active one, with its file and its timeline's. */
export async function modelFiles(
  models: ModelStore,
  activeModel: ActiveModel,
  id: string | undefined,
): Promise<{ modelId: string; path: string; snapshotsPath: string }> {
  if (id === undefined) {
    const { summary, path } = await activeModel.get();
    return { modelId: summary.id, path, snapshotsPath: models.snapshotsPathOf(summary.id) };
  }
  return { modelId: id, path: models.pathOf(id), snapshotsPath: models.snapshotsPathOf(id) };
}

/**
 * A model's training timeline (issue #18 item 2): the snapshots its training kept, read
 * and evaluated by the engine (engine-process/timeline.ts), which keeps each snapshot's
 * evaluation once measured; and deleting them, which keeps the model.
 */
export function createTimelineHandlers({ engineHost, models, activeModel }: TimelineDeps): TimelineHandlers {
  return {
    'timeline:list': async ({ id } = {}) => {
      const { modelId, path, snapshotsPath } = await modelFiles(models, activeModel, id);
      return { modelId, ...(await engineHost.timeline(path, snapshotsPath)) };
    },
    'timeline:evaluate': async ({ id, index, testSize }) => {
      const { modelId, path, snapshotsPath } = await modelFiles(models, activeModel, id);
      return { modelId, ...(await engineHost.evaluateSnapshot(path, { path: snapshotsPath, index }, testSize)) };
    },
    'timeline:delete': async ({ id }) => ({ modelId: id, deleted: await models.deleteSnapshots(id) }),
  };
}
