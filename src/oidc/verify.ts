import {
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  errors,
  jwtVerify,
  type JSONWebKeySet,
  type JWTPayload,
  type ProtectedHeaderParameters,
} from 'jose';
import { ByteBoundedCache } from '../policy/byte-cache.ts';
import { AwsError, WebIdentityErrors } from '../protocol/errors.ts';
import { TOKEN_ALGORITHMS } from './jwks.ts';

/** Clock skew tolerated on exp, nbf and iat, in seconds. */
export const LEEWAY_SECONDS = 60;

/** Where a token's verification keys come from. */
export interface KeySource {
  /** The key set; `stale` asks again because the one given lacked the token's key id. */
  keys(stale: boolean): Promise<JSONWebKeySet>;
  /** Whether asking again can give other keys (a remote issuer's rotated set). */
  refreshable: boolean;
}

export interface PeekedToken {
  header: ProtectedHeaderParameters;
  claims: JWTPayload;
  issuer: string;
}

/**
 * The header and claims of a compact JWS, unverified: enough to find the provider. Anything that
 * is no JWT, and any algorithm outside the accepted list (`none` included), is refused here,
 * before any key is fetched.
 */
export function peekToken(token: string): PeekedToken {
  let header: ProtectedHeaderParameters;
  let claims: JWTPayload;
  try {
    header = decodeProtectedHeader(token);
    claims = decodeJwt(token);
  } catch {
    throw WebIdentityErrors.notJwt();
  }
  if (token.split('.').length !== 3) throw WebIdentityErrors.notJwt();
  if (!(TOKEN_ALGORITHMS as readonly string[]).includes(header.alg ?? '')) {
    throw WebIdentityErrors.invalid();
  }
  if (typeof claims.iss !== 'string' || claims.iss === '')
    throw WebIdentityErrors.missingClaim('iss');
  return { header, claims, issuer: claims.iss };
}

/**
 * Key sets ready to verify with, by their JSON text: jose imports each key of a set into WebCrypto
 * the first time a token names it and keeps it in the set, so one set per distinct content spares
 * every later token of the same keys that import. A rotated or changed set is other text, so
 * another entry. Bounded in bytes (each imported key is estimated at 2 KiB over its text).
 */
const KEY_SETS_BYTES = 512 * 1024;
const keySets = new ByteBoundedCache<ReturnType<typeof createLocalJWKSet>>(KEY_SETS_BYTES);

function localKeySet(jwks: JSONWebKeySet): ReturnType<typeof createLocalJWKSet> {
  const id = JSON.stringify(jwks);
  let set = keySets.get(id);
  if (set === undefined) {
    set = createLocalJWKSet(jwks);
    keySets.set(id, set, (jwks.keys?.length ?? 0) * 2048);
  }
  return set;
}

/**
 * Verifies the signature against the source's keys, then exp / nbf / iat with LEEWAY_SECONDS and
 * the presence of sub, aud and exp. Returns the verified claims. An unknown key id makes one
 * second attempt with a refreshed set when the source can refresh.
 */
export async function verifyToken(
  token: string,
  source: KeySource,
  now: number,
): Promise<JWTPayload> {
  const options = {
    algorithms: [...TOKEN_ALGORITHMS],
    currentDate: new Date(now),
    clockTolerance: LEEWAY_SECONDS,
    requiredClaims: ['sub', 'aud', 'exp'],
  };
  const attempt = async (stale: boolean) => {
    const { payload } = await jwtVerify(token, localKeySet(await source.keys(stale)), options);
    // jose checks iat only against a maximum age; a token issued in the future is not valid yet.
    if (typeof payload.iat === 'number' && payload.iat > now / 1000 + LEEWAY_SECONDS) {
      throw WebIdentityErrors.invalid();
    }
    return payload;
  };
  try {
    try {
      return await attempt(false);
    } catch (e) {
      if (!(e instanceof errors.JWKSNoMatchingKey) || !source.refreshable) throw e;
      return await attempt(true);
    }
  } catch (e) {
    throw toAwsError(e, token, now);
  }
}

function toAwsError(e: unknown, token: string, now: number): AwsError {
  if (e instanceof AwsError) return e;
  if (e instanceof errors.JWTExpired) {
    const exp = Number(decodeJwt(token).exp);
    return WebIdentityErrors.expired(Math.floor(now / 1000), exp);
  }
  if (e instanceof errors.JWTClaimValidationFailed) {
    return e.reason === 'missing'
      ? WebIdentityErrors.missingClaim(e.claim)
      : WebIdentityErrors.invalid();
  }
  if (e instanceof errors.JWSInvalid || e instanceof errors.JWTInvalid)
    return WebIdentityErrors.notJwt();
  if (e instanceof errors.JOSENotSupported || e instanceof errors.JWKSInvalid) {
    return WebIdentityErrors.unusableKeys();
  }
  if (e instanceof errors.JOSEError) return WebIdentityErrors.invalid();
  // WebCrypto refusing a malformed key from the set: the provider's keys are unusable.
  if (e instanceof TypeError || (e instanceof Error && e.name === 'DataError')) {
    return WebIdentityErrors.unusableKeys();
  }
  throw e;
}
