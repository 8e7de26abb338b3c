/**
 * Work that must not be cut off by quitting (a trained model being written): tracked
 * while it runs, and waited for, with a bound, before the app exits.
 */
export class PendingWork {
  private readonly running = new Set<Promise<void>>();

  /** Call as the work starts; returns `work` unchanged. */
  track<T>(work: Promise<T>): Promise<T> {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.running.add(settled);
    void settled.then(() => this.running.delete(settled));
    return work;
  }

  get size(): number {
    return this.running.size;
  }

  /**
   * Resolves true once everything tracked has settled (including work started while
   * waiting), or false when `boundMs` runs out first: a save stuck on a dead network
   * drive must not keep the app from quitting for ever.
   */
  async settled(boundMs: number): Promise<boolean> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), boundMs)));
    const drained = (async (): Promise<true> => {
      while (this.running.size > 0) await Promise.all(this.running);
      return true;
    })();
    try {
      return await Promise.race([drained, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }
}
