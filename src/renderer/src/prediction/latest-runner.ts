/**
 * Runs an async task on the latest value only: at most one run in flight, runs started
 * at least `minIntervalMs` apart, values that arrive meanwhile replaced by newer ones,
 * and the last value always run (the final stroke is never dropped).
 *
 * Live prediction pushes the drawing on every pointer move; the engine sees at most one
 * request per interval, and the bars always end on the finished drawing.
 */
export interface LatestRunner<T> {
  push(value: T): void;
  /** Forgets a value not yet started (a run in flight still finishes). */
  cancelPending(): void;
  /** Resolves when nothing is pending or running. */
  idle(): Promise<void>;
  dispose(): void;
}

export interface LatestRunnerOptions {
  minIntervalMs: number;
  now?: () => number;
  setTimer?: (callback: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export function createLatestRunner<T>(task: (value: T) => Promise<void>, options: LatestRunnerOptions): LatestRunner<T> {
  const now = options.now ?? (() => performance.now());
  const setTimer = options.setTimer ?? ((callback, ms) => setTimeout(callback, ms));
  const clearTimer = options.clearTimer ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
  let pending: { value: T } | undefined;
  let running = false;
  let timer: unknown;
  let lastStart = -Infinity;
  let disposed = false;
  let idleWaiters: (() => void)[] = [];

  const settleIdle = (): void => {
    if (running || pending || timer !== undefined) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  };

  const start = (): void => {
    timer = undefined;
    if (disposed || running || !pending) return settleIdle();
    const { value } = pending;
    pending = undefined;
    running = true;
    lastStart = now();
    void task(value)
      .catch(() => undefined)
      .finally(() => {
        running = false;
        schedule();
        settleIdle();
      });
  };

  const schedule = (): void => {
    if (disposed || running || !pending || timer !== undefined) return;
    const wait = lastStart + options.minIntervalMs - now();
    if (wait <= 0) start();
    else timer = setTimer(start, wait);
  };

  return {
    push(value) {
      if (disposed) return;
      pending = { value };
      schedule();
    },
    cancelPending() {
      pending = undefined;
      if (timer !== undefined) {
        clearTimer(timer);
        timer = undefined;
      }
      settleIdle();
    },
    idle() {
      return new Promise((resolve) => {
        idleWaiters.push(resolve);
        settleIdle();
      });
    },
    dispose() {
      disposed = true;
      pending = undefined;
      if (timer !== undefined) clearTimer(timer);
      timer = undefined;
      settleIdle();
    },
  };
}
