import { z } from 'zod';

/**
 * "Break it" experiments on the Network screen (issue #18 item 4), in one shape from the
 * renderer's controls through the IPC and the engine process to engine/model/experiment.ts:
 * a short list of edits, applied in order to a copy of a model's weights. The model file
 * and the engine's cached model are never touched; an empty list is the model itself.
 */
export const EXPERIMENT_LIMITS = {
  /** Edits in one experiment. */
  edits: 32,
  /** The largest noise, as a multiple of the layer's own weights' RMS (see weight-noise below). */
  noiseScale: 4,
  /** Test images the accuracy is measured on unless the request asks otherwise: the first 1,000 of MNIST's 10,000. */
  defaultTestSize: 1_000,
  testSize: 10_000,
} as const;

const layerIndex = z.number().int().min(0, 'layers count from 0').max(63, 'a model has at most 64 layers');

export const experimentEditSchema = z.discriminatedUnion('kind', [
  /**
   * Unit `unit` of a dense layer, or filter `unit` of a conv layer, switched off: its output
   * is 0 and nothing after it reads it. Its incoming weights and bias are zeroed (so its
   * value, and its map, are 0), a batch norm right after it gets γ = β = 0 on its channel (so
   * it stays 0), and the next dense or conv layer's weights that read it are zeroed (so an
   * activation with f(0) ≠ 0, the sigmoid's 0.5, reaches nothing).
   */
  z.object({ kind: z.literal('unit-off'), layer: layerIndex, unit: z.number().int().min(0).max(65_535) }),
  /** Every bias of a dense or conv layer set to 0. */
  z.object({ kind: z.literal('biases-off'), layer: layerIndex }),
  /**
   * W ← W + σ·ε with ε ~ N(0, 1) drawn from `seed` (engine/random.ts), σ = scale · RMS(W):
   * the same scale hurts a conv layer's large weights and a dense layer's small ones alike.
   * The weights only, not the biases.
   */
  z.object({
    kind: z.literal('weight-noise'),
    layer: layerIndex,
    scale: z
      .number()
      .positive('the noise scale is above 0')
      .max(EXPERIMENT_LIMITS.noiseScale, `the noise scale is at most ${EXPERIMENT_LIMITS.noiseScale}`),
    seed: z.number().int().min(0).max(0xffff_ffff),
  }),
]);
export type ExperimentEdit = z.infer<typeof experimentEditSchema>;

export const experimentEditsSchema = z
  .array(experimentEditSchema)
  .max(EXPERIMENT_LIMITS.edits, `an experiment has at most ${EXPERIMENT_LIMITS.edits} edits`);

/** What an edit changed, for the screen: the noise's σ, how many weights became 0. */
export const appliedEditSchema = z.object({
  /** Weights and biases the edit set to 0 (unit-off, biases-off). */
  zeroed: z.number().int().min(0),
  /** weight-noise: σ = scale · RMS(W). */
  sigma: z.number().optional(),
});
export type AppliedEdit = z.infer<typeof appliedEditSchema>;

/** The model with its edits against the model itself, on the same drawing and the same test images. */
export const experimentResultSchema = z.object({
  edits: experimentEditsSchema,
  applied: z.array(appliedEditSchema),
  /** The broken model's probabilities for the drawing, and the model's own. */
  probabilities: z.array(z.number()),
  originalProbabilities: z.array(z.number()),
  /** On the first `testCount` MNIST test images. */
  testAccuracy: z.number(),
  originalTestAccuracy: z.number(),
  testCount: z.number().int().min(0),
});
export type ExperimentResult = z.infer<typeof experimentResultSchema>;
