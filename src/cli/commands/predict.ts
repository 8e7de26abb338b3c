import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { loadModel } from '../../digits/io/saved-model';
import { pngToInput } from '../../digits/preprocess/png';
import { strokesToInput } from '../../digits/preprocess/strokes';
import { parseStrokesJson } from '../../digits/preprocess/strokes-file';
import { emitJson } from '../output';

export interface PredictFlags {
  json?: boolean;
}

interface Prediction {
  id: string;
  label: number;
  probabilities: number[];
}

/**
 * `tegaki predict MODEL INPUT...`: each INPUT is a PNG of a digit or a strokes JSON
 * file (one object or an array). Strokes go through the same preprocessing as the
 * app's drawing canvas.
 */
export async function predictCommand(modelPath: string, inputs: string[], flags: PredictFlags): Promise<void> {
  const { model } = await loadModel(modelPath);
  const predictions: Prediction[] = [];
  for (const path of inputs) {
    for (const { id, pixels } of await readInputs(path)) {
      const probabilities = model.predictOne(pixels);
      const label = probabilities.indexOf(Math.max(...probabilities));
      predictions.push({ id, label, probabilities });
    }
  }
  if (flags.json) {
    emitJson(predictions);
    return;
  }
  for (const p of predictions) {
    const bars = p.probabilities.map(
      (q, digit) => `  ${digit} ${(q * 100).toFixed(1).padStart(5)}% ${'█'.repeat(Math.round(q * 30))}`,
    );
    process.stdout.write(`${p.id}: ${p.label} (${(p.probabilities[p.label] * 100).toFixed(1)}%)\n${bars.join('\n')}\n`);
  }
}

export async function readInputs(path: string): Promise<{ id: string; pixels: Float32Array }[]> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new Error(`cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  if (extname(path).toLowerCase() === '.png' || bytes.subarray(0, 4).toString('latin1') === '\x89PNG') {
    return [{ id: path, pixels: pngToInput(bytes) }];
  }
  return parseStrokesJson(bytes.toString('utf8'), path).map((sample) => ({
    id: sample.id,
    pixels: strokesToInput(sample.strokes),
  }));
}
