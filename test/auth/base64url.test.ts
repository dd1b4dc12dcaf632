import { describe, expect, it } from 'vitest';
import { fromBase64, fromBase64Url, toBase64Url } from '../../src/auth/encoding.ts';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The definition: a text is canonical when encoding what it decodes to gives it back. */
function reference(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  const bytes = fromBase64(text);
  return bytes !== null && toBase64Url(bytes) === text ? bytes : null;
}

describe('fromBase64Url accepts exactly the canonical spelling', () => {
  it('round-trips every length of random bytes', () => {
    for (let n = 0; n < 64; n++) {
      const bytes = crypto.getRandomValues(new Uint8Array(n));
      expect(fromBase64Url(toBase64Url(bytes))).toEqual(bytes);
    }
  });

  it('agrees with encode-and-compare on every last character of texts of each length', () => {
    for (let length = 1; length <= 9; length++) {
      const prefix = toBase64Url(crypto.getRandomValues(new Uint8Array(8))).slice(0, length - 1);
      for (const last of ALPHABET + '=+/.') {
        const text = prefix + last;
        expect([text, fromBase64Url(text)]).toEqual([text, reference(text)]);
      }
    }
  });
});
