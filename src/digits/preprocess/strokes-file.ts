import { z } from 'zod';
import type { Stroke } from './strokes';

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

const coordinate = z.number({ error: 'expected a finite number' });
const point = z.tuple([coordinate, coordinate], { error: 'expected a pair [x, y]' });

export const strokeSampleSchema = z.object({
  id: z.string({ error: 'expected a string' }).min(1, { error: 'expected a non-empty id' }),
  strokes: z.array(z.array(point).min(1, { error: 'a stroke needs at least one point' }), {
    error: 'expected a list of strokes',
  }),
  label: z
    .number({ error: 'expected a digit 0..9' })
    .int({ error: 'expected a digit 0..9' })
    .min(0, { error: 'expected a digit 0..9' })
    .max(9, { error: 'expected a digit 0..9' })
    .optional(),
});

/** Ids name results in the command line's output, so they must tell samples apart. */
const strokeSamplesSchema = z.array(strokeSampleSchema).superRefine((samples, context) => {
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
