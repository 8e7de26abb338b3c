import { readFile } from 'node:fs/promises';
import type { PersonalTrainingData } from '../digits/personal/recipe';
import { personalTrainingData } from '../digits/personal/recipe';
import type { PersonalTraining } from '../shared/personal-training';
import { personalTrainingSchema } from '../shared/personal-training';
import { describeIssues, HyperparameterError } from '../shared/hyperparameters';
import { personalDataset } from '../digits/personal/samples';
import { parseStrokesJson } from '../digits/preprocess/strokes-file';

export interface PersonalFlags {
  personal?: string;
  personalWeight?: number;
  personalTestSplit?: number;
}

/** The personal-training options from the flags, checked by the schema the app uses. */
export function personalOptions(flags: PersonalFlags, mode: PersonalTraining['mode']): PersonalTraining {
  const parsed = personalTrainingSchema.safeParse({ mode, weight: flags.personalWeight, testSplit: flags.personalTestSplit });
  if (!parsed.success) throw new HyperparameterError(`invalid personal-training options:\n${describeIssues(parsed.error)}`);
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
