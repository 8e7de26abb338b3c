import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { loadModel } from '../../digits/io/saved-model';
import { pngToInput } from '../../digits/preprocess/png';
import { groupStrokes, splitIntoDigits } from '../../digits/preprocess/segment';
import { strokesToInput } from '../../digits/preprocess/strokes';
import { NOT_A_DIGIT, readDigit } from '../../digits/rejection';
import { parseStrokesJson } from '../../digits/preprocess/strokes-file';
import type { StrokeSample } from '../../digits/preprocess/strokes-file';
import type { Sequential } from '../../engine/model/sequential';
import type { ModelRejection } from '../../shared/model-metadata';
import { emitJson } from '../output';

export interface PredictFlags {
  json?: boolean;
  /** Split each drawing into digits side by side and read each (strokes files only). */
  number?: boolean;
}

/**
 * The label the model gives, or null with the reason when it says the drawing is not a
 * digit (digits/rejection.ts); the probabilities are given either way.
 */
type Labelled = { label: number } | { label: null; reason: typeof NOT_A_DIGIT };

type Prediction = { id: string; probabilities: number[] } & Labelled;

/** One digit of a number: its reading and which of the drawing's strokes it is made of. */
type DigitReading = { probabilities: number[]; strokes: number[] } & Labelled;

interface NumberReading {
  id: string;
  /** The digits read, left to right, "?" for a part that is not a digit ("" for a drawing without ink). */
  number: string;
  digits: DigitReading[];
}

/** The model's reading of one input: its probabilities and label, or no label when it is not a digit. */
function labelled(model: Sequential, rejection: ModelRejection | undefined, pixels: ArrayLike<number>) {
  const { probabilities, notADigit } = readDigit(model, rejection, pixels);
  const label: Labelled = notADigit
    ? { label: null, reason: NOT_A_DIGIT }
    : { label: probabilities.indexOf(Math.max(...probabilities)) };
  return { ...label, probabilities };
}

/** "4 (98.1%)", or "not a digit (likeliest 4, 43.1%)". */
function describeReading(r: Labelled & { probabilities: number[] }): string {
  const top = r.probabilities.indexOf(Math.max(...r.probabilities));
  const percent = `${(r.probabilities[top] * 100).toFixed(1)}%`;
  return r.label === null ? `not a digit (likeliest ${top}, ${percent})` : `${r.label} (${percent})`;
}

/**
 * `tegaki predict MODEL INPUT...`: each INPUT is a PNG of a digit or a strokes JSON
 * file (one object or an array). Strokes go through the same preprocessing as the
 * app's drawing canvas. A drawing the model says is not a digit gets no label.
 */
export async function predictCommand(modelPath: string, inputs: string[], flags: PredictFlags): Promise<void> {
  const { model, metadata } = await loadModel(modelPath);
  if (flags.number) {
    await predictNumbers(model, metadata.rejection, inputs, flags);
    return;
  }
  const predictions: Prediction[] = [];
  for (const path of inputs) {
    for (const { id, pixels } of await readInputs(path)) {
      predictions.push({ id, ...labelled(model, metadata.rejection, pixels) });
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
    process.stdout.write(`${p.id}: ${describeReading(p)}\n${bars.join('\n')}\n`);
  }
}

/**
 * `--number`: each drawing is split into digits side by side (splitIntoDigits, as the
 * app's canvas does), and each digit goes through the same preprocessing and model.
 */
async function predictNumbers(
  model: Sequential,
  rejection: ModelRejection | undefined,
  inputs: string[],
  flags: PredictFlags,
): Promise<void> {
  const readings: NumberReading[] = [];
  for (const path of inputs) {
    for (const { id, strokes } of await readStrokeSamples(path)) {
      const digits = splitIntoDigits(strokes).map((group): DigitReading => ({
        ...labelled(model, rejection, strokesToInput(groupStrokes(strokes, group))),
        strokes: group,
      }));
      readings.push({ id, number: digits.map((d) => d.label ?? '?').join(''), digits });
    }
  }
  if (flags.json) {
    emitJson(readings);
    return;
  }
  for (const r of readings) {
    const lines = r.digits.map(
      (d) =>
        `  ${d.label === null ? `? ${describeReading(d)}` : `${d.label} ${(d.probabilities[d.label] * 100).toFixed(1).padStart(5)}%`} |` +
        d.probabilities.map((q, digit) => ` ${digit}:${(q * 100).toFixed(1)}`).join(''),
    );
    process.stdout.write(`${r.id}: ${r.number === '' ? '(no ink)' : r.number}\n${lines.map((l) => `${l}\n`).join('')}`);
  }
}

async function readStrokeSamples(path: string): Promise<StrokeSample[]> {
  const bytes = await readBytes(path);
  if (isPng(path, bytes)) throw new Error(`--number splits strokes files into digits, not images: ${path}`);
  return parseStrokesJson(bytes.toString('utf8'), path);
}

async function readBytes(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new Error(`cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
}

function isPng(path: string, bytes: Buffer): boolean {
  return extname(path).toLowerCase() === '.png' || bytes.subarray(0, 4).toString('latin1') === '\x89PNG';
}

export async function readInputs(path: string): Promise<{ id: string; pixels: Float32Array }[]> {
  const bytes = await readBytes(path);
  if (isPng(path, bytes)) {
    return [{ id: path, pixels: pngToInput(bytes) }];
  }
  return parseStrokesJson(bytes.toString('utf8'), path).map((sample) => ({
    id: sample.id,
    pixels: strokesToInput(sample.strokes),
  }));
}
