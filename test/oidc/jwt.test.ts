/**
 * src/oidc/jwt.ts against an independent JOSE implementation (jose, a test dependency): tokens it
 * signs verify there, tokens signed there verify here, keys and thumbprints are the same, and every
 * way a token can be wrong is refused for the same reason by both.
 */
import * as jose from 'jose';
import { describe, expect, it } from 'vitest';
import { toBase64Url, utf8 } from '../../src/auth/encoding.ts';
import {
  exportJwk,
  generateKeyPair,
  importSigningKey,
  jwkThumbprint,
  JwtError,
  KeySet,
  signJwt,
  verifyJwt,
  type JwtFailure,
} from '../../src/oidc/jwt.ts';

const ALGS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'] as const;
const NOW = 1_800_000_000_000;
const SECONDS = NOW / 1000;

async function pair(alg: string) {
  const keys = await generateKeyPair(alg, true);
  const publicJwk = await exportJwk(keys.publicKey);
  const kid = await jwkThumbprint(publicJwk);
  return { ...keys, publicJwk, kid };
}

describe('signing, keys and thumbprints agree with jose', () => {
  it.each(ALGS)(
    '%s: our tokens verify with jose, and jose tokens verify with ours',
    async (alg) => {
      const k = await pair(alg);
      expect(k.kid).toBe(await jose.calculateJwkThumbprint(k.publicJwk));
      expect(k.publicJwk).toEqual(await jose.exportJWK(k.publicKey));
      const privateJwk = await exportJwk(k.privateKey);
      expect(privateJwk).toEqual(await jose.exportJWK(k.privateKey));
      const signer = await importSigningKey(privateJwk, alg);
      const claims = {
        iss: 'https://issuer.example',
        sub: 'me',
        aud: 'sts.amazonaws.com',
        exp: SECONDS + 60,
      };
      const ours = await signJwt({ alg, kid: k.kid, typ: 'JWT' }, claims, signer);
      const jwks = { keys: [{ ...k.publicJwk, kid: k.kid, alg, use: 'sig' }] };
      const theirs = await jose.jwtVerify(ours, jose.createLocalJWKSet(jwks), {
        currentDate: new Date(NOW),
      });
      expect(theirs.payload).toEqual(claims);
      expect(theirs.protectedHeader).toEqual({ alg, kid: k.kid, typ: 'JWT' });
      const signed = await new jose.SignJWT(claims)
        .setProtectedHeader({ alg, kid: k.kid, typ: 'JWT' })
        .sign(k.privateKey);
      expect(signed).toBe(alg.startsWith('RS') ? ours : signed); // RSA PKCS#1 v1.5 is deterministic
      const verified = await verifyJwt(signed, new KeySet(jwks), {
        algorithms: ALGS,
        currentDate: NOW,
      });
      expect(verified.claims).toEqual(claims);
    },
  );
});

/** What jose's error says, in this module's words. */
function joseFailure(e: unknown): string {
  const { errors } = jose;
  if (e instanceof errors.JWTExpired) return 'expired';
  if (e instanceof errors.JWTClaimValidationFailed) return `claim ${e.claim} ${e.reason}`;
  if (e instanceof errors.JWSInvalid || e instanceof errors.JWTInvalid) return 'malformed';
  if (e instanceof errors.JOSENotSupported) return 'unsupported';
  if (e instanceof errors.JWKSInvalid) return 'keys';
  if (e instanceof errors.JWKSNoMatchingKey) return 'noKey';
  if (e instanceof errors.JOSEError) return 'invalid';
  if (e instanceof TypeError || (e instanceof Error && e.name === 'DataError')) return 'keys';
  throw e;
}

const oursFailure = (e: unknown): string => {
  if (!(e instanceof JwtError)) throw e;
  return e.failure === 'claim' ? `claim ${e.claim} ${e.reason}` : (e.failure satisfies JwtFailure);
};

const part = (v: unknown) => toBase64Url(utf8(typeof v === 'string' ? v : JSON.stringify(v)));

describe('refusals agree with jose', async () => {
  const rs = await pair('RS256');
  const es = await pair('ES256');
  const other = await pair('RS256');
  const small = (await crypto.subtle.generateKey(
    {
      name: 'RSASSA-PKCS1-v1_5',
      modulusLength: 1024,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: 'SHA-256',
    },
    true,
    ['sign', 'verify'],
  )) as CryptoKeyPair;
  const smallJwk = await exportJwk(small.publicKey);
  const set = {
    keys: [
      { ...rs.publicJwk, kid: rs.kid },
      { ...es.publicJwk, kid: es.kid },
    ],
  };
  const good = { iss: 'https://issuer.example', sub: 'me', aud: 'sts', exp: SECONDS + 600 };
  const sign = (
    claims: jose.JWTPayload,
    header: object = { alg: 'RS256', kid: rs.kid },
    key = rs.privateKey,
  ) => signJwt(header as { alg: string }, claims, key);
  const options = {
    algorithms: ['RS256', 'ES256'],
    currentDate: NOW,
    clockTolerance: 60,
    requiredClaims: ['sub', 'aud', 'exp'],
  };

  const cases: Array<
    [string, () => Promise<string>, object?, { audience?: string; issuer?: string }?]
  > = [
    ['two parts', async () => 'a.b'],
    ['a header that is not base64url', async () => `!!.${part(good)}.sig`],
    ['a header that is a JSON array', async () => `${part([1])}.${part(good)}.c2ln`],
    ['no alg', async () => `${part({ kid: rs.kid })}.${part(good)}.c2ln`],
    ['alg none', async () => `${part({ alg: 'none' })}.${part(good)}.`],
    ['an algorithm not allowed', () => sign(good, { alg: 'RS384', kid: rs.kid })],
    ['an unknown kid', () => sign(good, { alg: 'RS256', kid: 'nobody' })],
    [
      'a signature by another key',
      () => sign(good, { alg: 'RS256', kid: rs.kid }, other.privateKey),
    ],
    ['a truncated signature', async () => (await sign(good)).slice(0, -10)],
    ['a signature that is not base64url', async () => `${(await sign(good)).slice(0, -3)}+++`],
    [
      'a payload that is not JSON',
      async () => {
        const t = await sign(good);
        const [h] = t.split('.');
        const body = part('not json');
        const sig = await crypto.subtle.sign(
          'RSASSA-PKCS1-v1_5',
          rs.privateKey,
          utf8(`${h}.${body}`),
        );
        return `${h}.${body}.${toBase64Url(new Uint8Array(sig))}`;
      },
    ],
    ['expired', () => sign({ ...good, exp: SECONDS - 61 })],
    ['expired within the leeway', () => sign({ ...good, exp: SECONDS - 59 })],
    ['not yet valid', () => sign({ ...good, nbf: SECONDS + 61 })],
    ['missing sub and exp', () => sign({ iss: good.iss, aud: 'sts' })],
    ['missing aud', () => sign({ iss: good.iss, sub: 'me', exp: good.exp })],
    [
      'exp not a number',
      () => sign({ ...good, exp: String(good.exp) } as unknown as jose.JWTPayload),
    ],
    ['iat not a number', () => sign({ ...good, iat: 'yesterday' } as unknown as jose.JWTPayload)],
    [
      'an unknown critical extension',
      () => sign(good, { alg: 'RS256', kid: rs.kid, crit: ['exp'], exp: 1 }),
    ],
    [
      'an unencoded payload',
      () => sign(good, { alg: 'RS256', kid: rs.kid, crit: ['b64'], b64: false }),
    ],
    ['ES256 by the EC key', () => sign(good, { alg: 'ES256', kid: es.kid }, es.privateKey)],
    ['ES256 naming the RSA key', () => sign(good, { alg: 'ES256', kid: rs.kid }, es.privateKey)],
    ['no kid, one key of the kind', () => sign(good, { alg: 'ES256' }, es.privateKey)],
    [
      'no kid, two keys of the kind',
      () => sign(good, { alg: 'RS256' }),
      { keys: [...set.keys, other.publicJwk] },
    ],
    ['a key set that is not one', () => sign(good), { keys: 'none' }],
    [
      'a private key in the set',
      async () => sign(good),
      { keys: [{ ...(await exportJwk(rs.privateKey)), kid: rs.kid }] },
    ],
    [
      'an RSA key of 1024 bits',
      async () => {
        const t = `${part({ alg: 'RS256', kid: 'small' })}.${part(good)}`;
        const sig = await crypto.subtle.sign('RSASSA-PKCS1-v1_5', small.privateKey, utf8(t));
        return `${t}.${toBase64Url(new Uint8Array(sig))}`;
      },
      { keys: [{ ...smallJwk, kid: 'small' }] },
    ],
    [
      'a key with key_ops without verify',
      () => sign(good),
      { keys: [{ ...rs.publicJwk, kid: rs.kid, key_ops: ['sign'] }] },
    ],
    [
      'a key for another use',
      () => sign(good),
      { keys: [{ ...rs.publicJwk, kid: rs.kid, use: 'enc' }] },
    ],
    ['the right audience', () => sign(good), undefined, { audience: 'sts' }],
    ['another audience', () => sign(good), undefined, { audience: 'other' }],
    [
      'an audience among several',
      () => sign({ ...good, aud: ['x', 'sts'] }),
      undefined,
      { audience: 'sts' },
    ],
    ['another issuer', () => sign(good), undefined, { issuer: 'https://other.example' }],
    [
      'no issuer when one is asked',
      () => sign({ sub: 'me', aud: 'sts', exp: good.exp }),
      undefined,
      { issuer: good.iss },
    ],
  ];

  it.each(cases)('%s', async (_name, make, jwks = set, extra = {}) => {
    const token = await make();
    const theirs = await Promise.resolve()
      .then(() =>
        jose.jwtVerify(token, jose.createLocalJWKSet(jwks as jose.JSONWebKeySet), {
          ...options,
          ...extra,
          currentDate: new Date(NOW),
        }),
      )
      .then(() => 'verified', joseFailure);
    const ours = await Promise.resolve()
      .then(() =>
        verifyJwt(token, new KeySet(jwks as jose.JSONWebKeySet), { ...options, ...extra }),
      )
      .then(() => 'verified', oursFailure);
    expect(ours).toBe(theirs);
  });
});
