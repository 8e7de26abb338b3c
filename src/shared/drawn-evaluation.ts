import { z } from 'zod';

/**
 * How a model reads digits drawn as the app sees them, beside its MNIST test figures:
 * the shape the engine's evaluation carries (src/digits/synthetic/drawn-figures.ts makes
 * it), the saved evaluation file keeps and the report shows. The drawings are the bench's
 * (src/digits/synthetic/drawn-digits.ts: 5,000 synthetic canvas drawings, seed 2026), the
 * non-digits are drawn from held-out templates no fitting ever saw
 * (src/digits/synthetic/non-digits.ts, nonDigitDataset('held-out')).
 */

/** The styles the issue names as missing from MNIST, each with at least one drawn-digit template. */
export const MNIST_LACKING_STYLES = [
  'slashed zero',
  'continental 1',
  'continental 1 with base',
  'open-top 4',
  'crossed 7',
  'straight stem',
] as const;
export type MnistLackingStyle = (typeof MNIST_LACKING_STYLES)[number];

/** Far more drawings than any set here holds: a saved evaluation claiming more is refused. */
export const DRAWN_EVALUATION_MAX_COUNT = 100_000;

const count = z.number().int().min(0).max(DRAWN_EVALUATION_MAX_COUNT);

export const drawnStyleTallySchema = z
  .object({ style: z.enum(MNIST_LACKING_STYLES), right: count, total: count, templates: count })
  .strict()
  .refine(({ right, total }) => right <= total, 'right cannot exceed total');
export type DrawnStyleTally = z.infer<typeof drawnStyleTallySchema>;

/** Drawn digits read right, overall and per style MNIST lacks (in MNIST_LACKING_STYLES' order). */
export const drawnDigitsFiguresSchema = z
  .object({
    right: count,
    total: count,
    styles: z.array(drawnStyleTallySchema).max(MNIST_LACKING_STYLES.length),
  })
  .strict()
  .refine(({ right, total }) => right <= total, 'right cannot exceed total');
export type DrawnDigitsFigures = z.infer<typeof drawnDigitsFiguresSchema>;

export const rejectedShareSchema = z
  .object({ rejected: count, total: count })
  .strict()
  .refine(({ rejected, total }) => rejected <= total, 'rejected cannot exceed total');
export type RejectedShare = z.infer<typeof rejectedShareSchema>;

/** At the threshold the model file keeps, how many of each set it calls "not a digit". */
export const notADigitFiguresSchema = z
  .object({
    /** The MNIST test images evaluated (never used to fit the threshold). */
    mnistTest: rejectedShareSchema,
    drawnDigits: rejectedShareSchema,
    heldOutNonDigits: rejectedShareSchema,
  })
  .strict();
export type NotADigitFigures = z.infer<typeof notADigitFiguresSchema>;
