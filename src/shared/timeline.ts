import { z } from 'zod';

/**
 * The training timeline (issue #18 item 2): snapshots of a model's weights taken while it
 * trained (engine/training/snapshots.ts), kept beside its file (digits/io/snapshot-file.ts),
 * scrubbed through on the Network and Report screens. One shape from the engine process to
 * the screens.
 */
export const TIMELINE_LIMITS = {
  /** Snapshots a run keeps at most (the trainer's MAX_SNAPSHOTS; fewer for a big model). */
  snapshots: 24,
  /** A snapshot's accuracy and confusion matrix are measured on the first 1,000 test images unless asked otherwise... */
  defaultTestSize: 1_000,
  /** ...and on at most all 10,000. */
  testSize: 10_000,
} as const;

export const snapshotIndexSchema = z
  .number()
  .int()
  .min(0, 'snapshots count from 0')
  .max(TIMELINE_LIMITS.snapshots - 1, `a timeline has at most ${TIMELINE_LIMITS.snapshots} snapshots`);

/** One point of the timeline: the weights after `step` steps, `epoch` = step / steps per epoch (0: as initialised). */
export const snapshotPointSchema = z.object({ index: snapshotIndexSchema, step: z.number().int().min(0), epoch: z.number().min(0) });
export type SnapshotPoint = z.infer<typeof snapshotPointSchema>;

/** A model's timeline: its snapshots in order (empty when it kept none) and what they take on disk. */
export const timelineSchema = z.object({ snapshots: z.array(snapshotPointSchema), bytes: z.number().int().min(0) });
export type Timeline = z.infer<typeof timelineSchema>;

/** A snapshot on the first `count` test images, at temperature 1 (the weights as they were then). */
export const snapshotEvaluationSchema = snapshotPointSchema.extend({
  count: z.number().int().min(0),
  accuracy: z.number(),
  loss: z.number(),
  confusion: z.array(z.array(z.number())),
});
export type SnapshotEvaluation = z.infer<typeof snapshotEvaluationSchema>;
