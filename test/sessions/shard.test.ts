import { describe, expect, it } from 'vitest';
import { accountFromAccessKeyId, newAccessKeyId } from '../../src/auth/keys.ts';
import { keyInShard, SHARDS_PER_ACCOUNT, shardFor } from '../../src/sessions/shard.ts';

const ACCOUNT = '123456789012';

describe('keyInShard', () => {
  it('moves a new key into every shard, keeping its prefix, length, alphabet and account', () => {
    for (let i = 0; i < 200; i++) {
      const key = newAccessKeyId('ASIA', ACCOUNT);
      for (let n = 0; n < SHARDS_PER_ACCOUNT; n++) {
        const moved = keyInShard(key, n);
        expect(shardFor(ACCOUNT, moved)).toBe(`${ACCOUNT}:${n}`);
        expect(moved).toMatch(/^ASIA[A-Z2-7]{16}$/);
        expect(moved.slice(0, -1)).toBe(key.slice(0, -1));
        expect(accountFromAccessKeyId(moved)).toBe(ACCOUNT);
      }
    }
  });

  it('leaves a key that is in the shard already as it is', () => {
    const key = newAccessKeyId('ASIA', ACCOUNT);
    const n = Number(shardFor(ACCOUNT, key).split(':')[1]);
    expect(keyInShard(key, n)).toBe(key);
  });
});
