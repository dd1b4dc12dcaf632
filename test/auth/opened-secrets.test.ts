import { describe, expect, it } from 'vitest';
import { deriveKeys, openSecret, sealSecret } from '../../src/auth/seal.ts';

const KEY_A = 'cm9sZWNhbGwtbG9jYWwtZGV2ZWxvcG1lbnQta2V5ISE=';
const KEY_B = btoa('a-rotated-32-byte-sealing-key!!!');
const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

describe('opened secrets are remembered per sealing key', () => {
  it('a rotated SEAL_KEY does not open what the old key opened (no answer from memory)', async () => {
    const a = (await deriveKeys(KEY_A)).seal;
    const b = (await deriveKeys(KEY_B)).seal;
    const sealed = await sealSecret(a, secret, 'AKIAROTATEDKEYTEST01');
    expect(await openSecret(a, sealed, 'AKIAROTATEDKEYTEST01')).toBe(secret);
    expect(await openSecret(a, sealed, 'AKIAROTATEDKEYTEST01')).toBe(secret);
    await expect(openSecret(b, sealed, 'AKIAROTATEDKEYTEST01')).rejects.toThrow();
  });

  it('another record (aad) or an altered text is not answered from memory', async () => {
    const a = (await deriveKeys(KEY_A)).seal;
    const sealed = await sealSecret(a, secret, 'AKIAREMEMBEREDTEST01');
    expect(await openSecret(a, sealed, 'AKIAREMEMBEREDTEST01')).toBe(secret);
    await expect(openSecret(a, sealed, 'AKIAREMEMBEREDTEST02')).rejects.toThrow();
    const altered = sealed.slice(0, -2) + (sealed.endsWith('AA') ? 'BA' : 'AA');
    await expect(openSecret(a, altered, 'AKIAREMEMBEREDTEST01')).rejects.toThrow();
  });
});
