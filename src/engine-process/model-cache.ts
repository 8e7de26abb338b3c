/**
 * Models the engine keeps loaded: the two a report compares, the active one and one
 * more. Each is at most MODEL_FILE_LIMITS.parameters float32s (64 MiB), so the cache
 * holds at most 256 MiB of weights however many models are evaluated.
 */
export const MODEL_CACHE_CAPACITY = 4;

/**
 * A map that holds at most `capacity` entries and forgets the least recently used one
 * to make room: the engine's loaded models, so evaluating one model after another
 * does not keep every one of them in memory for the life of the process.
 */
export class LruCache<K, V> {
  // A Map iterates in insertion order: re-inserting on each use keeps the oldest first.
  private readonly entries = new Map<K, V>();

  constructor(readonly capacity: number) {
    if (!(Number.isInteger(capacity) && capacity >= 1))
      throw new RangeError(`LruCache: capacity must be a whole number >= 1, not ${capacity}`);
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    if (!this.entries.has(key)) return undefined;
    const value = this.entries.get(key) as V;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.capacity) break;
      this.entries.delete(oldest);
    }
  }

  /** Forgets `key` only while it still maps to `value` (a failed load must not drop its replacement). */
  deleteIf(key: K, value: V): void {
    if (this.entries.get(key) === value) this.entries.delete(key);
  }

  keys(): K[] {
    return [...this.entries.keys()];
  }
}
