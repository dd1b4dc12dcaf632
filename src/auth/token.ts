/**
 * Session tokens: opaque to clients (base64url), authenticated with HMAC-SHA-256 so a forged,
 * truncated or altered token is rejected before any storage read. The token names the Durable
 * Object shard that holds the session. Layout (bytes): version (1) | claims length (2, big-endian) |
 * claims JSON | random padding | MAC (32) over everything before it. The padding makes tokens as
 * long as AWS's (several hundred characters), which clients already budget for.
 */
import { concatBytes, fromBase64Url, toBase64Url, utf8 } from './encoding.ts';

export { deriveKeys, type SecretKeys } from './secret-keys.ts';

export interface SessionTokenClaims {
  /** Name of the Durable Object (shard) that holds the session. */
  shard: string;
  sessionId: string;
  /** The ASIA access key id the token was issued with; a request must pair them. */
  accessKeyId: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

const VERSION = 1;
const MAC_BYTES = 32;
const PADDING_BYTES = 256;
const MAX_TOKEN_CHARS = 8192;

/** Random bytes a token takes for its padding. */
export const TOKEN_RANDOM_BYTES = PADDING_BYTES;

/**
 * A new token for `claims`. `random`: TOKEN_RANDOM_BYTES fresh random bytes for the padding, when
 * the caller drew them with others in one call.
 */
export async function issueSessionToken(
  macKey: CryptoKey,
  claims: SessionTokenClaims,
  random?: Uint8Array,
): Promise<string> {
  const json = utf8(
    JSON.stringify({
      s: claims.shard,
      i: claims.sessionId,
      k: claims.accessKeyId,
      e: claims.expiresAt,
    }),
  );
  if (json.length > 0xffff) throw new Error('session token claims too large');
  const header = new Uint8Array([VERSION, json.length >> 8, json.length & 0xff]);
  const padding =
    random?.subarray(0, PADDING_BYTES) ?? crypto.getRandomValues(new Uint8Array(PADDING_BYTES));
  const payload = concatBytes(header, json, padding);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', macKey, payload));
  return toBase64Url(concatBytes(payload, mac));
}

function readClaims(json: Uint8Array): SessionTokenClaims | null {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(json));
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { s, i, k, e } = value as Record<string, unknown>;
  if (typeof s !== 'string' || typeof i !== 'string' || typeof k !== 'string') return null;
  if (typeof e !== 'number' || !Number.isFinite(e)) return null;
  return { shard: s, sessionId: i, accessKeyId: k, expiresAt: e };
}

/**
 * The token's claims, or null when it is not a token this key issued (forged, altered, truncated
 * or garbage). Expiry is the caller's to check: claims.expiresAt, then the session itself.
 */
export async function openSessionToken(
  macKey: CryptoKey,
  token: string,
): Promise<SessionTokenClaims | null> {
  if (token.length > MAX_TOKEN_CHARS) return null;
  const known = opened.get(macKey)?.get(token);
  if (known !== undefined) return { ...known };
  const claims = await verifyToken(macKey, token);
  if (claims !== null) remember(macKey, token, claims);
  return claims;
}

/**
 * Tokens this isolate verified, by MAC key (a rotated SEAL_KEY derives another key, which finds
 * nothing): verifying a token is a pure function of the key and the text, and a session signs many
 * requests with the same one. Whether the session is still live is never remembered: the caller
 * asks its Durable Object every time. Bounded in bytes (UTF-16 token texts), oldest out first.
 */
const OPENED_BUDGET_BYTES = 512 * 1024;
const opened = new WeakMap<CryptoKey, Map<string, SessionTokenClaims>>();
let openedBytes = 0;
let openedMap: Map<string, SessionTokenClaims> | undefined;

function remember(macKey: CryptoKey, token: string, claims: SessionTokenClaims): void {
  let map = opened.get(macKey);
  if (map === undefined) {
    map = new Map();
    opened.set(macKey, map);
  }
  // One key in use at a time: a new key's map replaces the budget of the old one.
  if (map !== openedMap) {
    openedMap?.clear();
    openedMap = map;
    openedBytes = 0;
  }
  const bytes = (token.length + 128) * 2;
  if (map.has(token)) return;
  map.set(token, { ...claims });
  openedBytes += bytes;
  if (openedBytes <= OPENED_BUDGET_BYTES) return;
  // Down to three quarters in one pass (src/policy/byte-cache.ts: no rescan per insertion).
  for (const [old] of map) {
    if (openedBytes <= OPENED_BUDGET_BYTES - (OPENED_BUDGET_BYTES >> 2)) break;
    map.delete(old);
    openedBytes -= (old.length + 128) * 2;
  }
}

async function verifyToken(macKey: CryptoKey, token: string): Promise<SessionTokenClaims | null> {
  const bytes = fromBase64Url(token);
  if (!bytes || bytes.length < 3 + MAC_BYTES) return null;
  const payload = bytes.slice(0, bytes.length - MAC_BYTES);
  const mac = bytes.slice(bytes.length - MAC_BYTES);
  // Constant-time comparison inside HMAC verify.
  if (!(await crypto.subtle.verify('HMAC', macKey, mac, payload))) return null;
  if (payload[0] !== VERSION) return null;
  const length = (payload[1] << 8) | payload[2];
  if (3 + length > payload.length) return null;
  return readClaims(payload.subarray(3, 3 + length));
}
