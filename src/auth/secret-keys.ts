/**
 * The Worker's keys, derived from one 32-byte secret (the SEAL_KEY binding) with HKDF-SHA-256
 * (RFC 5869) and a distinct info string per use, so the sealing key and the MAC keys (session
 * tokens, list markers) are independent. Derivations are cached per isolate (only a cache).
 */
import { fromBase64, utf8 } from './encoding.ts';

export interface SecretKeys {
  /** AES-256-GCM key that seals secret access keys at rest. */
  seal: CryptoKey;
  /** HMAC-SHA-256 key that authenticates session tokens. */
  mac: CryptoKey;
  /** HMAC-SHA-256 key that binds IAM list markers to the list and account they page. */
  marker: CryptoKey;
}

const SEAL_INFO = 'rolecall/v1/seal/aes-256-gcm';
const MAC_INFO = 'rolecall/v1/session-token/hmac-sha256';
const MARKER_INFO = 'rolecall/v1/list-marker/hmac-sha256';
const cache = new Map<string, Promise<SecretKeys>>();

function decodeSecret(base64Secret: string): Uint8Array<ArrayBuffer> {
  const raw = fromBase64(base64Secret.trim());
  if (raw === null || raw.length !== 32) {
    throw new Error(
      'SEAL_KEY must be 32 random bytes in base64 (44 characters), e.g. `openssl rand -base64 32`',
    );
  }
  return raw;
}

async function derive(raw: Uint8Array<ArrayBuffer>): Promise<SecretKeys> {
  const ikm = await crypto.subtle.importKey('raw', raw, 'HKDF', false, ['deriveKey']);
  const params = (info: string) => ({
    name: 'HKDF',
    hash: 'SHA-256',
    salt: new Uint8Array(32),
    info: utf8(info),
  });
  const hmac = (info: string) =>
    crypto.subtle.deriveKey(
      params(info),
      ikm,
      { name: 'HMAC', hash: 'SHA-256', length: 256 },
      false,
      ['sign', 'verify'],
    );
  const [seal, mac, marker] = await Promise.all([
    crypto.subtle.deriveKey(params(SEAL_INFO), ikm, { name: 'AES-GCM', length: 256 }, false, [
      'encrypt',
      'decrypt',
    ]),
    hmac(MAC_INFO),
    hmac(MARKER_INFO),
  ]);
  return { seal, mac, marker };
}

/**
 * The keys from the base64 Worker secret. Throws (synchronously, a plain Error: a configuration
 * fault, not a client error) when the secret is not base64 of exactly 32 bytes.
 */
export function deriveKeys(base64Secret: string): Promise<SecretKeys> {
  const hit = cache.get(base64Secret);
  if (hit) return hit;
  const keys = derive(decodeSecret(base64Secret));
  cache.set(base64Secret, keys);
  keys.catch(() => cache.delete(base64Secret));
  return keys;
}
