/**
 * Runs an async task on the latest value only: at most one run in flight (two while one
 * overtakes, see `push`), runs started
 * at least `minIntervalMs` apart, values that arrive meanwhile replaced by newer ones,
 * and the last value always run (the final stroke is never dropped).
 *
 * Live prediction pushes the drawing on every pointer move; the engine sees at most one
 * request per interval, and the bars always end on the finished drawing.
 */
export interface LatestRunner<T> {
  /**
   * `overtake`: starts the value at once, beside a run in flight and within the interval
   * (at most one such run beside it), for a value that ends a burst, such as the pen
   * lifting: it need not queue behind a run whose answer is already stale.
   */
  push(value: T, options?: { overtake?: boolean }): void;
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

export function createLatestRunner<T>(
  task: (value: T) => Promise<void>,
  options: LatestRunnerOptions,
): LatestRunner<T> {
  const now = options.now ?? (() => performance.now());
  const setTimer = options.setTimer ?? ((callback, ms) => setTimeout(callback, ms));
  const clearTimer = options.clearTimer ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
  let pending: { value: T } | undefined;
  let running = 0;
  let timer: unknown;
  let lastStart = -Infinity;
  let disposed = false;
  let idleWaiters: (() => void)[] = [];

  const settleIdle = (): void => {
    if (running > 0 || pending || timer !== undefined) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  };

  const start = (): void => {
    timer = undefined;
    if (disposed || running > 0 || !pending) return settleIdle();
    launch(pending.value);
  };

  const launch = (value: T): void => {
    pending = undefined;
    running++;
    lastStart = now();
    void task(value)
      .catch(() => undefined)
      .finally(() => {
        running--;
        schedule();
        settleIdle();
      });
  };

  const schedule = (): void => {
    if (disposed || running > 0 || !pending || timer !== undefined) return;
    const wait = lastStart + options.minIntervalMs - now();
    if (wait <= 0) start();
    else timer = setTimer(start, wait);
  };

  return {
    push(value, options) {
      if (disposed) return;
      pending = { value };
      if (options?.overtake && running < 2) {
        if (timer !== undefined) clearTimer(timer);
        timer = undefined;
        launch(value);
        return;
      }
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
