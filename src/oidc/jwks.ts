import type { JSONWebKeySet, JWK } from 'jose';

/** The signature algorithms AssumeRoleWithWebIdentity accepts ("Create an OIDC identity provider in IAM", prerequisites). */
export const TOKEN_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'] as const;

/** At most this many keys are kept from one set (issuers publish a handful); a token without a kid costs at most this many signature checks. */
export const MAX_KEYS = 20;

const PUBLIC_MEMBERS: Record<string, readonly string[]> = {
  RSA: ['n', 'e'],
  EC: ['crv', 'x', 'y'],
};
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'];

/**
 * A JSON Web Key Set (RFC 7517 section 5) reduced to the public RSA and EC signature keys it holds;
 * null when the value is no key set or holds no such key. Private members anywhere make the whole
 * set unusable: a set that leaks a private key is a mistake to refuse, not to repair.
 */
export function parseJwks(value: unknown): JSONWebKeySet | null {
  if (value === null || typeof value !== 'object' || !('keys' in value)) return null;
  const keys = value.keys;
  if (!Array.isArray(keys)) return null;
  const out: JWK[] = [];
  for (const k of keys.slice(0, MAX_KEYS)) {
    if (k === null || typeof k !== 'object') continue;
    const jwk = k as Record<string, unknown>;
    if (PRIVATE_MEMBERS.some((m) => m in jwk)) return null;
    const kty = jwk.kty;
    const needed = typeof kty === 'string' ? PUBLIC_MEMBERS[kty] : undefined;
    if (!needed || !needed.every((m) => typeof jwk[m] === 'string')) continue;
    if (jwk.use !== undefined && jwk.use !== 'sig') continue;
    const key: JWK = { kty: kty as string };
    for (const m of needed) (key as Record<string, unknown>)[m] = jwk[m];
    for (const m of ['kid', 'alg', 'use'] as const) {
      if (typeof jwk[m] === 'string') key[m] = jwk[m];
    }
    out.push(key);
  }
  return out.length > 0 ? { keys: out } : null;
}

/** Why a JWKS given in a seed file or request is refused, or null when it is usable. */
export function jwksProblem(value: unknown): string | null {
  if (
    value === null ||
    typeof value !== 'object' ||
    !Array.isArray((value as { keys?: unknown }).keys)
  ) {
    return 'jwks must be a JSON Web Key Set: { "keys": [ ... ] }';
  }
  const keys = (value as { keys: unknown[] }).keys;
  if (keys.length > MAX_KEYS) return `jwks may hold at most ${MAX_KEYS} keys`;
  if (
    keys.some((k) => k !== null && typeof k === 'object' && PRIVATE_MEMBERS.some((m) => m in k))
  ) {
    return 'jwks holds a private key member (d, p, q, ...): give public keys only';
  }
  return parseJwks(value) === null ? 'jwks holds no public RSA or EC signature key' : null;
}
