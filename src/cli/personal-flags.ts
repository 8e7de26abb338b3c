import { readFile } from 'node:fs/promises';
import type { Dataset } from '../engine/data/dataset';
import { holdOutPersonal } from '../digits/personal/fine-tune';
import { personalDataset } from '../digits/personal/samples';
import { parseStrokesJson } from '../digits/preprocess/strokes-file';

export interface PersonalFlags {
  personal?: string;
  personalWeight?: number;
  personalTestSplit?: number;
}

/** Reads a labelled strokes file and splits off the personal test set (seeded). */
export async function loadPersonal(
  path: string,
  testSplit: number,
  seed: number,
): Promise<{ train: Dataset; test: Dataset; total: number }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read personal samples ${path}: ${(error as Error).message}`, { cause: error });
  }
  const all = personalDataset(parseStrokesJson(text, path), path);
  const { train, test } = holdOutPersonal(all, testSplit, seed);
  return { train, test, total: all.count };
}
