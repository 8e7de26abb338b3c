import { describe, expect, it } from 'vitest';
import { LruCache, MODEL_CACHE_CAPACITY } from '../../src/engine-process/model-cache';

describe("the engine's model cache", () => {
  it('never holds more than its capacity, however many models are loaded', () => {
    const cache = new LruCache<string, number>(MODEL_CACHE_CAPACITY);
    for (let i = 0; i < 50; i++) {
      cache.set(`model-${i}.tgk`, i);
      expect(cache.size).toBeLessThanOrEqual(MODEL_CACHE_CAPACITY);
    }
    expect(cache.keys()).toEqual(
      Array.from({ length: MODEL_CACHE_CAPACITY }, (_, i) => `model-${50 - MODEL_CACHE_CAPACITY + i}.tgk`),
    );
  });

  it('forgets the least recently used model: a model read again stays', () => {
    const cache = new LruCache<string, string>(2);
    cache.set('a', 'A');
    cache.set('b', 'B');
    expect(cache.get('a')).toBe('A');
    cache.set('c', 'C');
    expect(cache.keys()).toEqual(['a', 'c']);
    expect(cache.get('b')).toBeUndefined();
  });

  it("drops a failed load only while it is still the cached one, so a retry's load stays", () => {
    const cache = new LruCache<string, string>(2);
    cache.set('a', 'first');
    cache.set('a', 'retry');
    cache.deleteIf('a', 'first');
    expect(cache.get('a')).toBe('retry');
    cache.deleteIf('a', 'retry');
    expect(cache.size).toBe(0);
  });

  it('refuses a capacity below one', () => {
    expect(() => new LruCache(0)).toThrow(RangeError);
  });
});
