/**
 * The SigV4 signing key ("Derive a signing key for Signature Version 4"):
 * kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").
 * Derived keys are cached per isolate; the cache is only a cache (bounded, lost on eviction).
 */
import { toHex, utf8 } from './encoding.ts';
import { setBounded } from '../store/bounded-map.ts';

const MAX_CACHED_KEYS = 256;
const cache = new Map<string, Promise<CryptoKey>>();

async function hmac(key: Uint8Array<ArrayBuffer>, data: string): Promise<Uint8Array<ArrayBuffer>> {
  const k = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  return new Uint8Array(await crypto.subtle.sign('HMAC', k, utf8(data)));
}

async function derive(
  secret: string,
  date: string,
  region: string,
  service: string,
): Promise<CryptoKey> {
  let key = utf8(`AWS4${secret}`);
  for (const part of [date, region, service, 'aws4_request']) key = await hmac(key, part);
  return crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
    'verify',
  ]);
}

/** The HMAC key that signs strings to sign for this secret and credential scope. */
export function signingKey(
  secret: string,
  date: string,
  region: string,
  service: string,
): Promise<CryptoKey> {
  const id = JSON.stringify([secret, date, region, service]);
  const hit = cache.get(id);
  if (hit) {
    // Re-insert so the Map's insertion order tracks recency.
    setBounded(cache, id, hit, MAX_CACHED_KEYS);
    return hit;
  }
  const key = derive(secret, date, region, service);
  setBounded(cache, id, key, MAX_CACHED_KEYS);
  key.catch(() => cache.delete(id));
  return key;
}

export async function sha256Hex(data: Uint8Array<ArrayBuffer>): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', data)));
}
