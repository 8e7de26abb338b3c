import type { EngineHost } from '../engine/engine-host';
import type { ActiveModel } from './active-model';
import { reasonOf } from './model-store';

/**
 * Corrected drawings a person has saved before Tegaki prepares a fine-tune of the active
 * model: by then they are collecting drawings to fine-tune on, and a person who corrects
 * one drawing in passing costs the engine nothing.
 */
export const PREPARE_FINE_TUNE_AT = 5;

/**
 * Gets the first fine-tune of the active model ready before it is asked for. A conv
 * model's fine-tune trains its dense head on the frozen conv features of about 22,000
 * replay and test images (digits/personal/head-fine-tune.ts); computing them is most of
 * a first fine-tune's time. Once the person has saved PREPARE_FINE_TUNE_AT corrected
 * drawings, the engine computes them in the background (engine 'prepare-fine-tune', on
 * every core, a chunk at a time between other jobs), so the click trains at once. Once
 * per model file and process: the features then stay in the engine and on disk.
 */
export class FineTunePreparer {
  /** The model file prepared, or being prepared. */
  private preparedFor: string | undefined;

  constructor(
    private readonly deps: {
      engineHost: Pick<EngineHost, 'prepareFineTune'>;
      activeModel: Pick<ActiveModel, 'get'>;
      featureCachePath?: string;
      log: (line: string) => void;
    },
  ) {}

  /** Call when the person's samples change; resolves when any preparation it started ends (never rejects). */
  async samplesChanged(sampleCount: number): Promise<void> {
    if (sampleCount < PREPARE_FINE_TUNE_AT) return;
    try {
      const { path } = await this.deps.activeModel.get();
      if (this.preparedFor === path) return;
      this.preparedFor = path;
      const job = this.deps.engineHost.prepareFineTune({
        modelPath: path,
        featureCachePath: this.deps.featureCachePath,
      });
      await job.result.catch((error: unknown) => {
        // Not fatal: the fine-tune computes what is missing. Tried again on the next change.
        if (this.preparedFor === path) this.preparedFor = undefined;
        this.deps.log(`[fine-tune] preparing ${path} failed: ${reasonOf(error)}`);
      });
    } catch (error) {
      this.deps.log(`[fine-tune] preparing failed: ${reasonOf(error)}`);
    }
  }
}
