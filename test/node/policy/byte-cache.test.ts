import { describe, expect, it } from 'vitest';
import { ByteBoundedCache } from '../../../src/policy/byte-cache.ts';

describe('ByteBoundedCache', () => {
  it('never holds more than its budget, whatever is inserted', () => {
    const cache = new ByteBoundedCache<string>(64 * 1024);
    for (let i = 0; i < 20_000; i++) {
      cache.set(`key-${i}`, 'v', 1 + (i % 500));
      expect(cache.bytes).toBeLessThanOrEqual(64 * 1024);
    }
    expect(cache.peek('key-19999')).toBe('v');
    expect(cache.peek('key-0')).toBeUndefined();
  });

  it('refuses a value larger than the whole budget', () => {
    const cache = new ByteBoundedCache<string>(1024);
    cache.set('big', 'v', 4096);
    expect(cache.size).toBe(0);
  });

  it('evicts in batches, so a stream of new keys costs linear time, not a rescan per insertion', () => {
    const cache = new ByteBoundedCache<number>(2 * 1024 * 1024);
    const start = performance.now();
    for (let i = 0; i < 200_000; i++) cache.set(`k${i}`, i, 200);
    // A rescan of the Map's holes per insertion took seconds here; batches take milliseconds.
    expect(performance.now() - start).toBeLessThan(2000);
  });
});
