/**
 * Compact JWS JWTs (RFC 7515, RFC 7519) on WebCrypto, for the six signature algorithms web
 * identity tokens may use (TOKEN_ALGORITHMS): signing the tokens rolecall issues, verifying the
 * tokens it is given against a JSON Web Key Set (RFC 7517), key pairs, JWK export and import, and
 * RFC 7638 thumbprints. The tests check both directions against an independent JOSE library.
 */
import type { JSONWebKeySet, JWK, JWTPayload, ProtectedHeaderParameters } from 'jose';
import { fromBase64Url, toBase64Url, utf8 } from '../auth/encoding.ts';

/**
 * Why a token was refused: `malformed` (no compact JWS, or its header or claims are not JSON
 * objects), `unsupported` (an algorithm or critical extension this verifier does not know),
 * `keys` (the key set, or the key it names, cannot verify anything), `noKey` (no key of the set
 * fits the token), `invalid` (an algorithm not allowed, several keys fit, the signature does not
 * verify), `claim` (a claim missing or not as required; `reason` says which), `expired`.
 */
export type JwtFailure =
  'malformed' | 'unsupported' | 'keys' | 'noKey' | 'invalid' | 'claim' | 'expired';

export class JwtError extends Error {
  constructor(
    readonly failure: JwtFailure,
    message: string,
    readonly claim?: string,
    readonly reason?: 'missing' | 'invalid' | 'check_failed',
  ) {
    super(message);
  }
}

interface Algorithm {
  kty: 'RSA' | 'EC';
  crv?: string;
  key: SubtleCryptoImportKeyAlgorithm;
  sign: SubtleCryptoSignAlgorithm;
}

/** RS256/384/512 (RSASSA-PKCS1-v1_5) and ES256/384/512 (ECDSA on P-256, P-384, P-521). */
function algorithm(alg: unknown): Algorithm | undefined {
  const m = typeof alg === 'string' ? /^(RS|ES)(256|384|512)$/.exec(alg) : null;
  if (!m) return undefined;
  const hash = `SHA-${m[2]}`;
  if (m[1] === 'RS') {
    const name = 'RSASSA-PKCS1-v1_5';
    return { kty: 'RSA', key: { name, hash }, sign: { name } };
  }
  const crv = `P-${m[2] === '512' ? '521' : m[2]}`;
  return { kty: 'EC', crv, key: { name: 'ECDSA', namedCurve: crv }, sign: { name: 'ECDSA', hash } };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** One base64url segment holding a JSON object, or null. */
function jsonSegment(segment: string | undefined): Record<string, unknown> | null {
  const bytes = segment === undefined ? null : fromBase64Url(segment);
  if (!bytes) return null;
  try {
    const value: unknown = JSON.parse(strict.decode(bytes));
    return isObject(value) ? value : null;
  } catch {
    return null;
  }
}

/** The header and claims of a compact JWS, unverified; `malformed` when it is no JWT. */
export function decodeJwt(token: string): {
  header: ProtectedHeaderParameters;
  claims: JWTPayload;
} {
  const parts = token.split('.');
  const header = parts.length === 3 ? jsonSegment(parts[0]) : null;
  const claims = header && parts[1] ? jsonSegment(parts[1]) : null;
  if (!header || !claims) throw new JwtError('malformed', 'Not a compact JWS JWT');
  return { header, claims };
}

const segment = (value: object) => toBase64Url(utf8(JSON.stringify(value)));

/** A signed JWT: `header` (alg, kid, typ) and `claims` as given, in that order. */
export async function signJwt(
  header: { alg: string; kid?: string; typ?: string },
  claims: JWTPayload,
  key: CryptoKey,
): Promise<string> {
  const alg = algorithm(header.alg);
  if (!alg) throw new TypeError(`Unsupported JWS algorithm ${header.alg}`);
  const input = `${segment(header)}.${segment(claims)}`;
  const signature = await crypto.subtle.sign(alg.sign, key, utf8(input));
  return `${input}.${toBase64Url(new Uint8Array(signature))}`;
}

/** A key pair for `alg` (RSA keys of 2048 bits); the private half extractable when asked. */
export async function generateKeyPair(alg: string, extractable = false): Promise<CryptoKeyPair> {
  const a = algorithm(alg);
  if (!a) throw new TypeError(`Unsupported JWS algorithm ${alg}`);
  const params =
    a.kty === 'RSA'
      ? { ...a.key, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) }
      : a.key;
  return (await crypto.subtle.generateKey(params, extractable, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
}

/** A key as a bare JWK: its key members only (no ext, key_ops, use or alg, nothing undefined). */
export async function exportJwk(key: CryptoKey): Promise<JWK> {
  const jwk = (await crypto.subtle.exportKey('jwk', key)) as unknown as Record<string, unknown>;
  const skip = new Set(['ext', 'key_ops', 'use', 'alg']);
  return Object.fromEntries(
    Object.entries(jwk).filter(([k, v]) => v !== undefined && !skip.has(k)),
  ) as JWK;
}

/** The private key of a JWK exported by exportJwk, for signing with `alg`. */
export async function importSigningKey(jwk: JWK, alg: string): Promise<CryptoKey> {
  const a = algorithm(alg);
  if (!a) throw new TypeError(`Unsupported JWS algorithm ${alg}`);
  return crypto.subtle.importKey('jwk', jwk as JsonWebKey, a.key, false, ['sign']);
}

/** RFC 7638: SHA-256 of the key's required members in lexicographic order, base64url. */
export async function jwkThumbprint(jwk: JWK): Promise<string> {
  const members =
    jwk.kty === 'RSA'
      ? { e: jwk.e, kty: jwk.kty, n: jwk.n }
      : { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y };
  const digest = await crypto.subtle.digest('SHA-256', utf8(JSON.stringify(members)));
  return toBase64Url(new Uint8Array(digest));
}

/**
 * A key set ready to verify with: checked once, each key imported the first time a token needs it
 * (per algorithm) and kept. `keys` when the value is no key set.
 */
export class KeySet {
  private readonly keys: JWK[];
  private readonly imported = new Map<string, Promise<CryptoKey>>();

  constructor(jwks: JSONWebKeySet) {
    if (!isObject(jwks) || !Array.isArray(jwks.keys) || !jwks.keys.every(isObject)) {
      throw new JwtError('keys', 'JSON Web Key Set malformed');
    }
    this.keys = structuredClone(jwks.keys);
  }

  /** The one key of the set that can verify `alg` for `kid` (RFC 7517's kty, use, key_ops, alg). */
  key(alg: string, a: Algorithm, kid: unknown): Promise<CryptoKey> {
    const fits = (k: JWK) => {
      const ops = k.key_ops as unknown;
      return (
        (k.ext === undefined || typeof k.ext === 'boolean') &&
        (ops === undefined ||
          (Array.isArray(ops) &&
            ops.every((o, j) => typeof o === 'string' && ops.indexOf(o) === j) &&
            ops.includes('verify'))) &&
        k.kty === a.kty &&
        (kid === undefined || (typeof kid === 'string' && kid === k.kid)) &&
        (k.alg === undefined || k.alg === alg) &&
        (k.use === undefined || k.use === 'sig') &&
        (a.crv === undefined || k.crv === a.crv)
      );
    };
    const candidates = this.keys.map((k, i) => [k, i] as const).filter(([k]) => fits(k));
    if (candidates.length === 0) throw new JwtError('noKey', 'No key of the set fits the token');
    if (candidates.length > 1)
      throw new JwtError('invalid', 'Several keys of the set fit the token');
    const [jwk, index] = candidates[0]!;
    const id = `${index}/${alg}`;
    let key = this.imported.get(id);
    if (!key) {
      key = (async () => {
        if (jwk.d !== undefined) throw new JwtError('keys', 'Key set members must be public keys');
        const { alg: _alg, use: _use, key_ops: _ops, ext: _ext, ...members } = jwk;
        let imported: CryptoKey;
        try {
          imported = await crypto.subtle.importKey('jwk', members as JsonWebKey, a.key, true, [
            'verify',
          ]);
        } catch {
          throw new JwtError('keys', 'The key cannot be imported');
        }
        const bits = (imported.algorithm as CryptoKeyRsaKeyAlgorithm).modulusLength;
        if (a.kty === 'RSA' && !(bits >= 2048)) {
          throw new JwtError('keys', `${alg} requires an RSA key of 2048 bits or more`);
        }
        return imported;
      })();
      key.catch(() => this.imported.delete(id));
      this.imported.set(id, key);
    }
    return key;
  }
}

export interface VerifyOptions {
  /** The algorithms accepted (the header's `alg` must be one). */
  algorithms: readonly string[];
  /** Milliseconds since the epoch. */
  currentDate: number;
  /** Seconds of leeway for exp and nbf. */
  clockTolerance?: number;
  /** Claims that must be present. */
  requiredClaims?: readonly string[];
  issuer?: string;
  audience?: string;
}

/**
 * Verifies a compact JWS JWT with a key of `keys` and checks its claims: presence of the required
 * ones (and iss, aud when asked), iss and aud values, numeric iat, nbf and exp, nbf and exp against
 * the time with the tolerance. Returns the claims; throws a JwtError saying why not.
 */
export async function verifyJwt(
  token: string,
  keys: KeySet,
  options: VerifyOptions,
): Promise<{ header: ProtectedHeaderParameters; claims: JWTPayload }> {
  const parts = token.split('.');
  if (parts.length !== 3) throw new JwtError('malformed', 'Invalid Compact JWS');
  const header = jsonSegment(parts[0]);
  if (!header) throw new JwtError('malformed', 'JWS Protected Header is invalid');
  checkCritical(header);
  const { alg } = header;
  if (typeof alg !== 'string' || !alg) throw new JwtError('malformed', 'JWS "alg" missing');
  if (!options.algorithms.includes(alg)) throw new JwtError('invalid', '"alg" not allowed');
  const a = algorithm(alg);
  if (!a) throw new JwtError('unsupported', `Unsupported "alg" ${alg}`);
  const key = await keys.key(alg, a, header.kid);
  const signature = fromBase64Url(parts[2]!);
  if (!signature) throw new JwtError('malformed', 'JWS signature is not base64url');
  if (!/^[\x00-\x7f]*$/.test(parts[1]!))
    throw new JwtError('malformed', 'JWS payload is not ASCII');
  let verified = false;
  try {
    verified = await crypto.subtle.verify(a.sign, key, signature, utf8(`${parts[0]}.${parts[1]}`));
  } catch {
    verified = false;
  }
  if (!verified) throw new JwtError('invalid', 'signature verification failed');
  const claims = jsonSegment(parts[1]) as JWTPayload | null;
  if (!claims) throw new JwtError('malformed', 'JWT Claims Set must be a top-level JSON object');
  checkClaims(claims, options);
  return { header, claims };
}

/** RFC 7515 section 4.1.11: only `b64` (RFC 7797) is known, and a JWT must not turn it off. */
function checkCritical(header: Record<string, unknown>): void {
  const crit = header.crit;
  if (crit === undefined) return;
  if (
    !Array.isArray(crit) ||
    crit.length === 0 ||
    crit.some((c) => typeof c !== 'string' || c === '')
  ) {
    throw new JwtError('malformed', '"crit" must be an array of non-empty strings');
  }
  for (const name of crit as string[]) {
    if (name !== 'b64') throw new JwtError('unsupported', `Extension "${name}" is not recognized`);
  }
  if (header.b64 !== true) throw new JwtError('malformed', 'JWTs must not use unencoded payload');
}

function checkClaims(claims: JWTPayload, options: VerifyOptions): void {
  const fail = (claim: string, reason: 'missing' | 'invalid' | 'check_failed', message: string) =>
    new JwtError('claim', message, claim, reason);
  const present = [...(options.requiredClaims ?? [])];
  if (options.audience !== undefined) present.push('aud');
  if (options.issuer !== undefined) present.push('iss');
  // The last asked is checked first (iss, aud, then the required claims from the last).
  for (const claim of new Set(present.reverse())) {
    if (!Object.hasOwn(claims, claim)) throw fail(claim, 'missing', `missing "${claim}" claim`);
  }
  if (options.issuer !== undefined && claims.iss !== options.issuer) {
    throw fail('iss', 'check_failed', 'unexpected "iss" claim value');
  }
  if (options.audience !== undefined) {
    const aud: unknown = claims.aud;
    const ok =
      typeof aud === 'string'
        ? aud === options.audience
        : Array.isArray(aud) && aud.includes(options.audience);
    if (!ok) throw fail('aud', 'check_failed', 'unexpected "aud" claim value');
  }
  const tolerance = options.clockTolerance ?? 0;
  const now = Math.floor(options.currentDate / 1000);
  const numeric = (claim: 'iat' | 'nbf' | 'exp') => {
    const v = claims[claim];
    if (v !== undefined && typeof v !== 'number') {
      throw fail(claim, 'invalid', `"${claim}" claim must be a number`);
    }
    return v;
  };
  numeric('iat');
  const nbf = numeric('nbf');
  if (nbf !== undefined && nbf > now + tolerance) {
    throw fail('nbf', 'check_failed', '"nbf" claim timestamp check failed');
  }
  const exp = numeric('exp');
  if (exp !== undefined && exp <= now - tolerance) {
    throw new JwtError('expired', '"exp" claim timestamp check failed', 'exp', 'check_failed');
  }
}
