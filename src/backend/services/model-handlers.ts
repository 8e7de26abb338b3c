import { join } from 'node:path';
import { readDigit } from '../../digits/rejection';
import type { ParsedRequestOf, ResponseOf } from '../../shared/ipc/contract';
import { MODEL_FILE_EXTENSIONS } from '../../shared/model-metadata';
import type { ActiveModel } from './active-model';
import { ServiceError } from './errors';
import type { FileDialogs } from './file-dialogs';
import type { ModelStore } from './model-store';

type ModelChannel =
  | 'models:list'
  | 'models:active'
  | 'models:rename'
  | 'models:delete'
  | 'models:setActive'
  | 'models:details'
  | 'models:export'
  | 'models:import'
  | 'predict';
export type ModelHandlers = { [C in ModelChannel]: (request: ParsedRequestOf<C>) => Promise<ResponseOf<C>> };

export interface ModelHandlerDeps {
  models: ModelStore;
  activeModel: ActiveModel;
  /** The app's native dialogs; without them (browser mode, tests) exports go to `exportsDir`. */
  dialogs?: FileDialogs;
  exportsDir: string;
}

/** The model list, its files and the active model's predictions behind the IPC contract. */
export function createModelHandlers({ models, activeModel, dialogs, exportsDir }: ModelHandlerDeps): ModelHandlers {
  return {
    'models:list': () => models.list(),
    'models:active': async () => (await activeModel.get()).summary,
    'models:rename': ({ id, name }) => models.rename(id, name),
    'models:delete': async ({ id }) => {
      await models.delete(id);
      return { deleted: true as const };
    },
    'models:setActive': ({ id }) => activeModel.set(id),
    'models:details': async ({ id }) => {
      await models.summary(id);
      // Checked by the metadata schema as the file was decoded: what did not fit is gone.
      const { hyperparameters, personal, history = [], lossCurve = [], metrics, calibration, rejection } = (await models.read(id)).metadata;
      return {
        id,
        hyperparameters,
        personal,
        history,
        lossCurve,
        metrics: metrics && {
          validationAccuracy: metrics.validationAccuracy,
          validationLoss: metrics.validationLoss,
          validationCount: metrics.validationCount,
          testAccuracy: metrics.testAccuracy,
          testLoss: metrics.testLoss,
          samplesPerSecond: metrics.samplesPerSecond,
          trainingSeconds: metrics.trainingSeconds,
          personalTestAccuracy: metrics.personalTestAccuracy,
          personalTestCount: metrics.personalTestCount,
        },
        calibration,
        rejection,
      };
    },
    'models:export': async ({ id, format }) => {
      const suggested = `${fileNameOf((await models.summary(id)).name)}${MODEL_FILE_EXTENSIONS[format]}`;
      const destination = dialogs ? await dialogs.chooseExportPath(suggested, format) : join(exportsDir, suggested);
      if (destination === null) return { path: null };
      return { path: await models.exportTo(id, destination, format) };
    },
    'models:import': async (request) => {
      if (request?.bytes) return { model: await models.importBytes(request.bytes, request.fileName) };
      if (!dialogs) throw new ServiceError('invalid-payload', 'models:import: give the file as bytes');
      const path = await dialogs.chooseImportPath('model');
      return { model: path === null ? null : await models.importFile(path) };
    },
    predict: async ({ pixels }) => {
      const { summary, model, rejection } = await activeModel.get();
      return { modelId: summary.id, ...readDigit(model, rejection, pixels) };
    },
  };
}

/** A model's name as a file name on any system: runs of other characters become one dash. */
function fileNameOf(name: string): string {
  return name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'model';
}
