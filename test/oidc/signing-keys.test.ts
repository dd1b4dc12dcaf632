import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { AccountClient } from '../../src/accounts/client.ts';
import { keyRingWith } from '../../src/oidc/signing-keys.ts';
import { KvWebIdentityStore } from '../../src/store/web-identity.ts';

/** An account no other test touches, so its rings start empty. */
const fresh = () => String(100_000_000_000 + Math.floor(Math.random() * 800_000_000_000));

describe('signing-key rings', { timeout: 60_000 }, () => {
  it('racing first uses store one key, and every one of them signs with it', async () => {
    const account = fresh();
    const now = Date.now();
    const rings = await Promise.all(
      Array.from({ length: 4 }, () =>
        keyRingWith({ env, account, purpose: 'test-issuer', algs: ['RS256'], now }),
      ),
    );
    const kids = new Set(rings.map((r) => r.keys[0]!.kid));
    expect(kids.size).toBe(1);
    const stored = await new KvWebIdentityStore(env.IAM).getKeyRing(account, 'test-issuer');
    expect(stored?.keys.map((k) => k.kid)).toEqual([...kids]);
  });

  it('a rotation racing first uses keeps the key they signed with, as the one before', async () => {
    const account = fresh();
    const now = Date.now();
    const [first, rotated] = await Promise.all([
      keyRingWith({ env, account, purpose: 'test-issuer', algs: ['RS256'], now }),
      AccountClient.of(env, account).rotateKeyRing('test-issuer', ['RS256'], now),
    ]);
    const stored = await new KvWebIdentityStore(env.IAM).getKeyRing(account, 'test-issuer');
    const kids = stored!.keys.map((k) => k.kid);
    expect(kids).toEqual(rotated.keys.map((k) => k.kid));
    expect(kids).toContain(first.keys[0]!.kid);
    expect(kids).toHaveLength(2);
  });

  it('a ring that has every algorithm asked for is read, not written', async () => {
    const account = fresh();
    const now = Date.now();
    const made = await keyRingWith({ env, account, purpose: 'outbound', algs: ['RS256'], now });
    const again = await keyRingWith({ env, account, purpose: 'outbound', algs: ['RS256'], now });
    expect(again).toEqual(made);
    const both = await keyRingWith({
      env,
      account,
      purpose: 'outbound',
      algs: ['RS256', 'ES384'],
      now,
    });
    expect(both.keys.map((k) => k.alg).sort()).toEqual(['ES384', 'RS256']);
    expect(both.keys.find((k) => k.alg === 'RS256')).toEqual(made.keys[0]);
  });
});
