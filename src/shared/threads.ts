import { z } from 'zod';

/**
 * How many threads share each training batch (src/engine/training/data-parallel.ts).
 * Not a hyperparameter: it does not change what is learnt beyond float32 summation order
 * and dropout's masks, but with the seed it fixes the weights, so a model file records it.
 * Its defaults depend on the machine: `tegaki` takes every core
 * (os.availableParallelism()); the app's engine one fewer, so drawing stays smooth.
 */
export const MAX_THREADS = 64;
export const threadsSchema = z.number().int().min(1).max(MAX_THREADS);
export type Threads = z.infer<typeof threadsSchema>;

/** The default for a machine with `cores` cores: all of them, or one fewer (at least 1) beside the app's window. */
export function defaultThreads(cores: number, windowOpen: boolean): Threads {
  return Math.min(MAX_THREADS, Math.max(1, windowOpen ? cores - 1 : cores));
}
