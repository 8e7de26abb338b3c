import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { PersonalTrainingData } from '../digits/personal/recipe';
import { personalTrainingData } from '../digits/personal/recipe';
import type { FineTuneOptions, PersonalTraining } from '../shared/personal-training';
import { FINE_TUNE_DEFAULTS, fineTuneOptionsSchema, personalTrainingSchema } from '../shared/personal-training';
import { describeIssues, HyperparameterError } from '../shared/hyperparameters';
import { personalDataset } from '../digits/personal/samples';
import { parseStrokesJson } from '../digits/preprocess/strokes-file';
import { aliasOption, joinedName, resolveAliases, schemaFields, schemaOption } from './schema-flags';

/** The request's keys a flag sets; the command decides the mode. */
type PersonalKey = Exclude<keyof PersonalTraining, 'mode'>;

/** personalTrainingSchema's keys under `personal` (weight → personalWeight → `--personal-weight`). */
export type PersonalFlags = { personal?: string } & {
  [K in PersonalKey as `personal${Capitalize<K>}`]?: PersonalTraining[K];
};

const personalHelp = {
  weight: 'how many times each personal drawing is repeated',
  testSplit: 'hold out this fraction of the personal drawings',
} as const satisfies Record<PersonalKey, string>;

const personalKeys = Object.keys(personalHelp) as PersonalKey[];
const personalFlagName = (key: PersonalKey) => joinedName(['personal', key]) as keyof PersonalFlags;

/** `--personal-weight` and `--personal-test-split`, with the schema's bounds and defaults. */
export function addPersonalFlags(command: Command): Command {
  const fields = schemaFields(personalTrainingSchema);
  for (const key of personalKeys) {
    command.addOption(schemaOption(personalFlagName(key), fields.get(key)!.field, personalHelp[key]));
  }
  return command;
}

/** fineTuneOptionsSchema's keys as flags: `--learning-rate`, `--epochs`, `--train-size`, `--full`. */
export type FineTuneFlags = { [K in keyof FineTuneOptions]?: FineTuneOptions[K] } & {
  [A in keyof typeof fineTuneAliases]?: FineTuneOptions[(typeof fineTuneAliases)[A]];
};

/** Today's short flags of `finetune`, kept working: alias → the option it stands for. */
export const fineTuneAliases = { lr: 'learningRate', mnistSize: 'trainSize' } as const satisfies Record<
  string,
  keyof FineTuneOptions
>;

/** The numeric overrides, flags with a value; `full` is a switch of its own. */
type NumericFineTuneKey = Exclude<keyof FineTuneOptions, 'full'>;

const fineTuneHelp = {
  learningRate: [
    'learning rate',
    `${FINE_TUNE_DEFAULTS.headLearningRateFactor} × the model's for the head alone, ${FINE_TUNE_DEFAULTS.learningRateFactor} × with --full`,
  ],
  epochs: ['passes over the mixed data', String(FINE_TUNE_DEFAULTS.epochs)],
  trainSize: ['MNIST images mixed in so the model does not forget', String(FINE_TUNE_DEFAULTS.trainSize)],
} as const satisfies Record<NumericFineTuneKey, readonly [string, string]>;

/** `finetune`'s overrides of the model's hyperparameters, with the schema's bounds and today's aliases, and `--full`. */
export function addFineTuneFlags(command: Command): Command {
  const fields = schemaFields(fineTuneOptionsSchema);
  for (const [key, [help, fallback]] of Object.entries(fineTuneHelp)) {
    command.addOption(schemaOption(key, fields.get(key)!.field, help, fallback));
  }
  command.option(
    '--full',
    'train every layer of a conv model on images, not only its dense head on the frozen conv features (slower)',
  );
  for (const [alias, key] of Object.entries(fineTuneAliases)) {
    command.addOption(aliasOption(alias, key, fields.get(key)!.field));
  }
  return command;
}

/** The fine-tune overrides from the flags, under the schema's names. */
export function fineTuneOptions(flags: FineTuneFlags): FineTuneOptions {
  const resolved = resolveAliases(flags, fineTuneAliases);
  const given = Object.fromEntries(
    [...Object.keys(fineTuneHelp), 'full'].map((key) => [key, resolved[key as keyof FineTuneOptions]]),
  );
  const parsed = fineTuneOptionsSchema.safeParse(given);
  if (!parsed.success) throw new HyperparameterError(`invalid fine-tune options:\n${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** The personal-training options from the flags, checked by the schema the app uses. */
export function personalOptions(flags: PersonalFlags, mode: PersonalTraining['mode']): PersonalTraining {
  const given = Object.fromEntries(personalKeys.map((key) => [key, flags[personalFlagName(key)]]));
  const parsed = personalTrainingSchema.safeParse({ mode, ...given });
  if (!parsed.success)
    throw new HyperparameterError(`invalid personal-training options:\n${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** Reads a labelled strokes file and prepares it as the app does (held-out split, weight). */
export async function loadPersonal(
  path: string,
  personal: PersonalTraining,
  seed: number,
): Promise<PersonalTrainingData & { total: number }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read personal samples ${path}: ${(error as Error).message}`, { cause: error });
  }
  const all = personalDataset(parseStrokesJson(text, path), path);
  return { ...personalTrainingData(all, personal, seed), total: all.count };
}
