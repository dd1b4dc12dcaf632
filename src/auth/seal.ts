/**
 * Sealing secrets at rest: AES-256-GCM with a fresh random 96-bit IV per seal (NIST SP 800-38D),
 * and additional authenticated data binding the ciphertext to its record (e.g. the access key id),
 * so a sealed secret copied onto another record does not open. Compact, versioned text format:
 * `v1.<base64url iv>.<base64url ciphertext+tag>`.
 */
import { fromBase64Url, toBase64Url, utf8 } from './encoding.ts';
import { cachedOpen, rememberOpen } from './opened-secrets.ts';
import { deriveKeys } from './secret-keys.ts';

export { deriveKeys, type SecretKeys } from './secret-keys.ts';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The sealing key derived from the base64 Worker secret (the same key as `deriveKeys(...).seal`). */
export async function importSealKey(base64: string): Promise<CryptoKey> {
  return (await deriveKeys(base64)).seal;
}

/** Random bytes a seal takes for its IV. */
export const SEAL_RANDOM_BYTES = IV_BYTES;

/**
 * Seals `plaintext` bound to `aad`. `random`: SEAL_RANDOM_BYTES fresh random bytes for the IV, when
 * the caller drew them with others in one call; never reused.
 */
export async function sealSecret(
  key: CryptoKey,
  plaintext: string,
  aad: string,
  random?: Uint8Array,
): Promise<string> {
  const iv = random?.slice(0, IV_BYTES) ?? crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const ciphertext = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: utf8(aad) },
    key,
    utf8(plaintext),
  );
  return `${VERSION}.${toBase64Url(iv)}.${toBase64Url(new Uint8Array(ciphertext))}`;
}

/**
 * The plaintext of a sealed secret. Throws when the text is not a sealed secret, or was sealed
 * with another key or another `aad`, or was altered: stored state is then corrupt or forged.
 */
export async function openSecret(key: CryptoKey, sealed: string, aad: string): Promise<string> {
  const cached = cachedOpen(key, sealed, aad);
  if (cached !== undefined) return cached;
  const parts = sealed.split('.');
  const iv = parts.length === 3 ? fromBase64Url(parts[1]) : null;
  const body = parts.length === 3 ? fromBase64Url(parts[2]) : null;
  if (parts[0] !== VERSION || !iv || iv.length !== IV_BYTES || !body || body.length < TAG_BYTES) {
    throw new Error('not a sealed secret');
  }
  let plaintext: ArrayBuffer;
  try {
    plaintext = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv, additionalData: utf8(aad) },
      key,
      body,
    );
  } catch {
    throw new Error('sealed secret does not open with this key and record');
  }
  const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(plaintext);
  rememberOpen(key, sealed, aad, text);
  return text;
}
