import { describe, expect, it } from 'vitest';
import { setBounded } from '../../src/store/bounded-map.ts';

describe('setBounded', () => {
  it('keeps at most max entries, forgetting the oldest set first', () => {
    const map = new Map<string, number>();
    for (const [i, k] of ['a', 'b', 'c', 'd'].entries()) setBounded(map, k, i, 3);
    expect([...map.keys()]).toEqual(['b', 'c', 'd']);
  });

  it('setting a key again makes it the newest, so it outlives older ones', () => {
    const map = new Map([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
    setBounded(map, 'a', 10, 3);
    setBounded(map, 'd', 4, 3);
    expect([...map]).toEqual([
      ['c', 3],
      ['a', 10],
      ['d', 4],
    ]);
  });
});
