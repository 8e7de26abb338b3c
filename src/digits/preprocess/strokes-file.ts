import { z } from 'zod';
import { INPUT_SIDE } from './image';
import type { Stroke } from './strokes';
import { strokesToInput } from './strokes';

/**
 * The command line's strokes file: one sample `{"id", "strokes", "label"?}` or an
 * array of them. Strokes are lists of `[x, y]` points in any unit (y down), exactly
 * what the app's canvas records, so a drawing saved from the app classifies the same
 * way from the command line.
 */
export interface StrokeSample {
  id: string;
  strokes: Stroke[];
  /** The digit the drawing is meant to be, when known (for accuracy reports). */
  label?: number;
}

/**
 * What one drawing, and one file of drawings, may hold. Rasterising is linear in the
 * number of points (strokes.ts), so these caps bound its time wherever a drawing comes
 * from: the canvas (personal:add), a samples file (personal:import, tegaki --personal)
 * or a strokes file given to tegaki predict. A person drawing a digit makes a few
 * hundred points; ten thousand is a minute of continuous drawing.
 */
export const DRAWING_LIMITS = {
  /** Strokes in one drawing. */
  strokes: 1_000,
  /** Points in one drawing, all strokes together. */
  pointsPerDrawing: 10_000,
  /** Points in one file, all drawings together: the 20,000-sample personal set at 100 points a drawing. */
  pointsPerFile: 2_000_000,
} as const;

/** How many points a value that claims to be a drawing holds, counted without looking at a single point. */
function pointsIn(strokes: unknown): number {
  if (!Array.isArray(strokes)) return 0;
  let points = 0;
  for (const stroke of strokes) points += Array.isArray(stroke) ? stroke.length : 0;
  return points;
}

/** Which drawing limit `strokes` breaks, if any; cheap (one pass over the strokes), so it runs before the points are parsed. */
export function drawingLimitProblem(strokes: unknown): string | undefined {
  if (!Array.isArray(strokes)) return undefined;
  if (strokes.length > DRAWING_LIMITS.strokes) {
    return `a drawing has at most ${DRAWING_LIMITS.strokes} strokes; this one has ${strokes.length}`;
  }
  const points = pointsIn(strokes);
  if (points > DRAWING_LIMITS.pointsPerDrawing) {
    return `a drawing has at most ${DRAWING_LIMITS.pointsPerDrawing} points; this one has ${points}`;
  }
  return undefined;
}

/** A zod check that refuses before parsing what it checks, so a huge input is refused in the time it takes to count it. */
function cappedFirst<T>(problem: (value: unknown) => string | undefined) {
  return z.custom<T>((value) => problem(value) === undefined, { error: (issue) => problem(issue.input) ?? 'too large', abort: true });
}

// z.number() refuses NaN and ±Infinity.
const coordinate = z.number({ error: 'expected a finite number' });
const point = z.tuple([coordinate, coordinate], { error: 'expected a pair [x, y]' });

/**
 * A drawing: strokes of `[x, y]` points (y down), at most DRAWING_LIMITS. The IPC
 * contract's drawing (personal:add) is this schema, with at least one stroke.
 */
export const strokesSchema = cappedFirst<Stroke[]>(drawingLimitProblem).pipe(
  z.array(z.array(point).min(1, { error: 'a stroke needs at least one point' }), {
    error: 'expected a list of strokes',
  }),
);

export const strokeSampleSchema = z.object({
  id: z.string({ error: 'expected a string' }).min(1, { error: 'expected a non-empty id' }),
  strokes: strokesSchema,
  label: z
    .number({ error: 'expected a digit 0..9' })
    .int({ error: 'expected a digit 0..9' })
    .min(0, { error: 'expected a digit 0..9' })
    .max(9, { error: 'expected a digit 0..9' })
    .optional(),
});

function fileLimitProblem(samples: unknown): string | undefined {
  if (!Array.isArray(samples)) return undefined;
  let points = 0;
  for (const sample of samples) points += pointsIn((sample as { strokes?: unknown } | null)?.strokes);
  if (points > DRAWING_LIMITS.pointsPerFile) return `a file holds at most ${DRAWING_LIMITS.pointsPerFile} points; this one has ${points}`;
  return undefined;
}

/** Ids name results in the command line's output, so they must tell samples apart. */
const strokeSamplesSchema = cappedFirst<unknown[]>(fileLimitProblem).pipe(z.array(strokeSampleSchema)).superRefine((samples, context) => {
  const seen = new Set<string>();
  samples.forEach(({ id }, index) => {
    if (seen.has(id)) context.addIssue({ code: 'custom', path: [index, 'id'], message: `duplicate id "${id}"` });
    seen.add(id);
  });
});

/**
 * Parses a strokes file into samples (always an array). Errors name the source and
 * where in the document the problem is, e.g. `[0].strokes[1][3]: expected a pair [x, y]`.
 */
export function parseStrokesJson(text: string, source = 'strokes JSON'): StrokeSample[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new Error(`${source}: invalid JSON: ${reason}`, { cause });
  }
  // Validate against the form the document claims, so errors point inside it rather
  // than reporting that the union as a whole failed.
  const result = Array.isArray(json) ? strokeSamplesSchema.safeParse(json) : strokeSampleSchema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
    throw new Error(`${source}: ${problems.join('; ')}`);
  }
  const samples = Array.isArray(result.data) ? result.data : [result.data];
  return samples.map(({ id, strokes, label }) => (label === undefined ? { id, strokes } : { id, strokes, label }));
}

/** The inverse of parseStrokesJson: an array, one sample per line, so files diff well. */
export function serialiseStrokeSamples(samples: readonly StrokeSample[]): string {
  const lines = samples.map(({ id, label, strokes }) => `  ${JSON.stringify({ id, label, strokes })}`);
  return lines.length === 0 ? '[]\n' : `[\n${lines.join(',\n')}\n]\n`;
}

/** `[0, 'strokes', 1, 3]` -> `[0].strokes[1][3]`; the document root is `(root)`. */
function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`)).join('');
}

/** A drawing beyond DRAWING_LIMITS, refused before it is rasterised. */
export class DrawingLimitError extends RangeError {
  override name = 'DrawingLimitError';
}

/**
 * Several drawings -> their network inputs as bytes (0 = background), `count x 784`,
 * each float rounded as MNIST stores its images. What the engine process runs for the
 * personal sample set; a drawing beyond DRAWING_LIMITS is refused with the limit.
 */
export function drawingsToInputBytes(drawings: readonly (readonly Stroke[])[]): Uint8Array {
  const side = INPUT_SIDE * INPUT_SIDE;
  const bytes = new Uint8Array(drawings.length * side);
  drawings.forEach((strokes, i) => {
    const problem = drawingLimitProblem(strokes);
    if (problem) throw new DrawingLimitError(`drawing ${i + 1}: ${problem}`);
    const input = strokesToInput(strokes);
    for (let j = 0; j < side; j++) bytes[i * side + j] = Math.round(input[j] * 255);
  });
  return bytes;
}
