import { describe, expect, it } from 'vitest';
import { deriveKeys, issueSessionToken, openSessionToken } from '../../src/auth/token.ts';

const DEV_KEY = 'cm9sZWNhbGwtbG9jYWwtZGV2ZWxvcG1lbnQta2V5ISE=';
const claims = {
  shard: 'acct/123456789012/3',
  sessionId: 'c6104cbe-af31-11e0-8154-cbc7ccf896c7',
  accessKeyId: 'ASIARZPUZDIKGHCJYQYC',
  expiresAt: Date.UTC(2026, 10, 28, 13, 34, 41),
};

describe('session tokens', () => {
  it('round-trip their claims and are opaque, URL-safe and AWS-length', async () => {
    const { mac } = await deriveKeys(DEV_KEY);
    const token = await issueSessionToken(mac, claims);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(token.length).toBeGreaterThanOrEqual(400);
    expect(token).not.toContain(claims.sessionId);
    expect(await openSessionToken(mac, token)).toEqual(claims);
  });

  it('differ each time for the same claims', async () => {
    const { mac } = await deriveKeys(DEV_KEY);
    expect(await issueSessionToken(mac, claims)).not.toBe(await issueSessionToken(mac, claims));
  });

  it('are rejected when any character is altered', async () => {
    const { mac } = await deriveKeys(DEV_KEY);
    const token = await issueSessionToken(mac, claims);
    for (let i = 0; i < token.length; i += 7) {
      const swapped = token[i] === 'A' ? 'B' : 'A';
      expect(
        await openSessionToken(mac, token.slice(0, i) + swapped + token.slice(i + 1)),
      ).toBeNull();
    }
  });

  it('are rejected when truncated or extended', async () => {
    const { mac } = await deriveKeys(DEV_KEY);
    const token = await issueSessionToken(mac, claims);
    for (const cut of [1, 2, 10, 43, token.length - 4]) {
      expect(await openSessionToken(mac, token.slice(0, token.length - cut))).toBeNull();
    }
    expect(await openSessionToken(mac, `${token}AAAA`)).toBeNull();
  });

  it('issued under another Worker secret are rejected', async () => {
    const other = await deriveKeys(btoa('another-32-byte-secret-key-here!'));
    const token = await issueSessionToken(other.mac, claims);
    expect(await openSessionToken((await deriveKeys(DEV_KEY)).mac, token)).toBeNull();
  });

  it('cannot be forged from the seal key (keys are separated by HKDF info)', async () => {
    const keys = await deriveKeys(DEV_KEY);
    const token = await issueSessionToken(keys.mac, claims);
    await expect(crypto.subtle.sign('HMAC', keys.seal, new Uint8Array([1]))).rejects.toThrow();
    expect(await openSessionToken(keys.mac, token)).toEqual(claims);
  });

  it.each([
    '',
    'AAAA',
    'not a token!',
    'x'.repeat(9000),
    'AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==',
  ])('garbage %# is rejected', async (garbage) => {
    expect(await openSessionToken((await deriveKeys(DEV_KEY)).mac, garbage)).toBeNull();
  });
});
