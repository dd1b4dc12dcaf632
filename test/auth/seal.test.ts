import { describe, expect, it } from 'vitest';
import { deriveKeys, importSealKey, openSecret, sealSecret } from '../../src/auth/seal.ts';

const DEV_KEY = 'cm9sZWNhbGwtbG9jYWwtZGV2ZWxvcG1lbnQta2V5ISE=';
const OTHER_KEY = btoa('another-32-byte-secret-key-here!');
const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const aad = 'AKIAIOSFODNN7EXAMPLE';

describe('sealing secrets', () => {
  it('round-trips, with a fresh IV each time, and never contains the plaintext', async () => {
    const key = await importSealKey(DEV_KEY);
    const a = await sealSecret(key, secret, aad);
    const b = await sealSecret(key, secret, aad);
    expect(a).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain(secret);
    expect(await openSecret(key, a, aad)).toBe(secret);
    expect(await openSecret(key, b, aad)).toBe(secret);
  });

  it('uses the same key as deriveKeys().seal', async () => {
    const sealed = await sealSecret(await importSealKey(DEV_KEY), secret, aad);
    expect(await openSecret((await deriveKeys(DEV_KEY)).seal, sealed, aad)).toBe(secret);
  });

  it('does not open with another record (aad)', async () => {
    const key = await importSealKey(DEV_KEY);
    const sealed = await sealSecret(key, secret, aad);
    await expect(openSecret(key, sealed, 'AKIAIOSFODNN7EXAMPLF')).rejects.toThrow();
  });

  it('does not open with another key', async () => {
    const sealed = await sealSecret(await importSealKey(DEV_KEY), secret, aad);
    await expect(openSecret(await importSealKey(OTHER_KEY), sealed, aad)).rejects.toThrow();
  });

  it('does not open when any character of the ciphertext is changed', async () => {
    const key = await importSealKey(DEV_KEY);
    const sealed = await sealSecret(key, secret, aad);
    for (let i = 3; i < sealed.length; i++) {
      if (sealed[i] === '.') continue;
      const swapped = sealed[i] === 'A' ? 'B' : 'A';
      const tampered = sealed.slice(0, i) + swapped + sealed.slice(i + 1);
      await expect(openSecret(key, tampered, aad)).rejects.toThrow();
    }
  });

  it.each([
    '',
    'v1',
    'v2.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA',
    'v1..',
    'v1.AAAA.AAAA',
    'garbage',
  ])('rejects the malformed sealed text %j', async (text) => {
    await expect(openSecret(await importSealKey(DEV_KEY), text, aad)).rejects.toThrow();
  });

  it.each(['', 'not base64!', btoa('too short'), btoa('x'.repeat(33))])(
    'refuses a Worker secret that is not 32 bytes of base64: %j',
    (bad) => {
      expect(() => deriveKeys(bad)).toThrow(/SEAL_KEY must be 32 random bytes/);
    },
  );
});
