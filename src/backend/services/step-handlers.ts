import type { ParsedRequestOf, ResponseOf } from '../../shared/ipc/contract';
import type { EngineHost } from '../engine/engine-host';

type StepChannel = 'step:start' | 'step:next';
export type StepHandlers = { [C in StepChannel]: (request: ParsedRequestOf<C>) => Promise<ResponseOf<C>> };

/**
 * Step mode behind the IPC contract: the run lives in the engine process
 * (engine-process/step-mode.ts), so the backend only forwards; nothing is saved.
 */
export function createStepHandlers({ engineHost }: { engineHost: EngineHost }): StepHandlers {
  return {
    'step:start': ({ hyperparameters }) => engineHost.stepStart(hyperparameters),
    'step:next': () => engineHost.stepNext(),
  };
}
