import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { explainPrediction } from '../../digits/explain/gradient-times-input';
import type { ParsedRequestOf, ResponseOf } from '../../shared/ipc/contract';
import { writeFileAtomicSync } from '../../digits/io/atomic-write';
import type { ActiveModel } from './active-model';
import { ServiceError } from './errors';
import type { FileDialogs } from './file-dialogs';
import type { PersonalSampleStore } from './personal-samples';

type PersonalChannel =
  'explain' | 'personal:add' | 'personal:list' | 'personal:delete' | 'personal:export' | 'personal:import';
export type PersonalHandlers = { [C in PersonalChannel]: (request: ParsedRequestOf<C>) => Promise<ResponseOf<C>> };

export interface PersonalHandlerDeps {
  samples: PersonalSampleStore;
  activeModel: ActiveModel;
  /** The app's native dialogs; without them (browser mode, tests) export returns the JSON. */
  dialogs?: FileDialogs;
}

/**
 * The personal sample set and the explanation behind the IPC contract. Explaining runs
 * where predicting does, on the active model already loaded for predictions: one
 * forward and one backward pass, far below a frame's time.
 */
export function createPersonalHandlers({ samples, activeModel, dialogs }: PersonalHandlerDeps): PersonalHandlers {
  return {
    explain: async ({ pixels, target }) => {
      const { summary, model } = await activeModel.get();
      const { label, probabilities, attribution } = explainPrediction(model, pixels, target);
      return { modelId: summary.id, label, probabilities, attribution };
    },
    'personal:add': async ({ strokes, label }) => {
      const sample = await samples.add(strokes, label);
      return { sample, counts: await samples.counts() };
    },
    'personal:list': async () => {
      const list = await samples.list();
      return { counts: await samples.counts(), samples: list };
    },
    'personal:delete': async ({ id }) => {
      await samples.delete(id);
      return { counts: await samples.counts() };
    },
    'personal:export': async () => {
      const { json, count } = await samples.exportJson();
      if (!dialogs) return { path: null, json, count };
      const path = await dialogs.chooseExportPath('tegaki-samples.json', 'samples');
      if (path === null) return { path: null, count };
      mkdirSync(dirname(path), { recursive: true });
      writeFileAtomicSync(path, json);
      return { path, count };
    },
    'personal:import': async (request) => {
      let text = request?.text;
      let fileName = request?.fileName ?? 'the file';
      if (text === undefined) {
        if (!dialogs) throw new ServiceError('invalid-payload', 'personal:import: give the file as text');
        const path = await dialogs.chooseImportPath('samples');
        if (path === null) return { cancelled: true, added: 0, skipped: 0, counts: await samples.counts() };
        fileName = basename(path);
        try {
          text = await readFile(path, 'utf8');
        } catch (error) {
          throw new ServiceError('invalid-payload', `${fileName} could not be read: ${(error as Error).message}`);
        }
      }
      const { added, skipped } = await samples.importJson(text, fileName);
      return { cancelled: false, added, skipped, counts: await samples.counts() };
    },
  };
}
