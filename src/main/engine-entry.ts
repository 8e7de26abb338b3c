import engineEntry from '../engine-process/entry?modulePath';
import gradientWorkerEntry from '../engine/training/gradient-worker?modulePath';

/**
 * Absolute path of the built engine process entry (src/engine-process/entry.ts), which
 * electron-vite bundles as a file of its own under out/main/chunks.
 *
 * The `?modulePath` import only resolves inside electron-vite, so it lives alone here:
 * the engine-process class should take the path as a parameter and stay testable in Node.
 */
export const engineEntryPath: string = engineEntry;

/**
 * Absolute path of the built worker thread of data-parallel training
 * (src/engine/training/gradient-worker.ts), which the engine starts from
 * TEGAKI_GRADIENT_WORKER (data-parallel.ts).
 */
export const gradientWorkerPath: string = gradientWorkerEntry;
