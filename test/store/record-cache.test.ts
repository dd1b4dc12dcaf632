import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import {
  MAX_AGE_MS,
  MAX_KEY_BYTES,
  RecordCache,
  storableKey,
} from '../../src/store/record-cache.ts';

describe('record cache', () => {
  it('answers a remembered record until MAX_AGE_MS, then reads again', () => {
    const cache = new RecordCache();
    cache.remember('akey/A', '{"status":"Active"}', 1000, cache.sequence);
    expect(cache.get('akey/A', 1000 + MAX_AGE_MS - 1)).toBe('{"status":"Active"}');
    expect(cache.get('akey/A', 1000 + MAX_AGE_MS)).toBeUndefined();
    expect(cache.get('akey/A', 1000)).toBeUndefined();
  });

  it('a write forgets the key, and a read that overlapped a write is not remembered', () => {
    const cache = new RecordCache();
    cache.remember('akey/A', 'old', 0, cache.sequence);
    const before = cache.sequence;
    cache.forget('akey/A');
    expect(cache.get('akey/A', 1)).toBeUndefined();
    // A read that started before the write completes after it: its (old) value is dropped.
    cache.remember('akey/A', 'old', 2, before);
    expect(cache.get('akey/A', 3)).toBeUndefined();
    cache.remember('akey/A', 'new', 4, cache.sequence);
    expect(cache.get('akey/A', 5)).toBe('new');
  });

  it('stays within its byte budget, least recently used out first', () => {
    const cache = new RecordCache();
    const big = 'x'.repeat(100_000);
    for (let i = 0; i < 40; i++) {
      cache.remember(`k${i}`, big, 0, cache.sequence);
      if (i > 0) cache.get('k0', 0); // k0 stays recently used
    }
    expect(cache.bytes).toBeLessThanOrEqual(2 * 1024 * 1024);
    expect(cache.get('k0', 0)).toBe(big);
    expect(cache.get('k1', 0)).toBeUndefined();
    cache.remember('huge', 'x'.repeat(2 * 1024 * 1024), 0, cache.sequence);
    expect(cache.get('huge', 0)).toBeUndefined();
  });

  it.each([
    ['acct/1/role/x', true],
    ['a'.repeat(MAX_KEY_BYTES), true],
    ['a'.repeat(MAX_KEY_BYTES + 1), false],
    ['\u00e9'.repeat(MAX_KEY_BYTES / 2), true],
    ['\u00e9'.repeat(MAX_KEY_BYTES / 2) + 'a', false],
    ['\u4e00'.repeat(171), false],
    ['k/\ud83d\ude00', true],
    ['k/\ud800', false],
    ['k/\udc00x', false],
  ])('storableKey(%j) is %s (KV: 512 bytes of UTF-8)', (key, storable) => {
    expect(storableKey(key)).toBe(storable);
  });

  it('a key KV cannot hold reads as nothing, without asking KV (which would fail the read)', async () => {
    const cache = new RecordCache();
    for (const key of ['acct/1/oidc/' + '\u00e9'.repeat(300), 'acct/1/oidc/\ud800']) {
      await expect(env.IAM.get(key, 'text')).rejects.toThrow();
      expect(await cache.read(env.IAM, key)).toBeNull();
    }
  });
});
