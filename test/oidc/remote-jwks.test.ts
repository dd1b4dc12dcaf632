import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { AwsError } from '../../src/protocol/errors.ts';
import {
  MAX_DOCUMENT_BYTES,
  MAX_REDIRECTS,
  RemoteJwks,
  type Fetcher,
} from '../../src/oidc/remote-jwks.ts';
import { verifyToken } from '../../src/oidc/verify.ts';

const ISSUER = 'https://issuer.example';

async function keyPair(kid: string) {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

/** A fake network: the discovery document and a JWKS that the test can change, counting fetches. */
function issuerServer(jwks: () => unknown) {
  const calls: string[] = [];
  const fetcher: Fetcher = async (url) => {
    calls.push(url);
    if (url === `${ISSUER}/.well-known/openid-configuration`) {
      return Response.json({ issuer: ISSUER, jwks_uri: `${ISSUER}/keys` });
    }
    if (url === `${ISSUER}/keys`) return Response.json(jwks());
    return new Response('not found', { status: 404 });
  };
  return { fetcher, calls };
}

const code = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    if (e instanceof AwsError) return e.code;
    throw e;
  }
  return 'ok';
};

describe('RemoteJwks', { timeout: 30_000 }, () => {
  it('fetches discovery then jwks_uri once, and serves later calls from the cache', async () => {
    const k1 = await keyPair('k1');
    const net = issuerServer(() => ({ keys: [k1.jwk] }));
    const cache = new RemoteJwks(net.fetcher);
    expect((await cache.keys(ISSUER, 0)).keys[0]!.kid).toBe('k1');
    await cache.keys(ISSUER, 1000);
    expect(net.calls).toEqual([`${ISSUER}/.well-known/openid-configuration`, `${ISSUER}/keys`]);
  });

  it('refetches for an unknown kid, but not more than once per refetch interval', async () => {
    const k1 = await keyPair('k1');
    const k2 = await keyPair('k2');
    let published = [k1.jwk];
    const net = issuerServer(() => ({ keys: published }));
    const cache = new RemoteJwks(net.fetcher);
    const now = Date.now();
    await cache.keys(ISSUER, now);
    published = [k1.jwk, k2.jwk];
    const token = await new SignJWT({ sub: 's', aud: 'a' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k2' })
      .setIssuer(ISSUER)
      .setExpirationTime(Math.floor(now / 1000) + 300)
      .sign(k2.privateKey);
    const source = (at: number) => ({
      keys: (stale: boolean) => cache.keys(ISSUER, at, stale),
      refreshable: true,
    });
    // Within the refetch interval the cached set stands: the rotated key is not found yet.
    expect(await code(verifyToken(token, source(now + 1000), now + 1000))).toBe(
      'InvalidIdentityToken',
    );
    expect(net.calls.length).toBe(2);
    // Past it, the unknown kid triggers one refetch and the token verifies.
    expect((await verifyToken(token, source(now + 31_000), now + 31_000)).sub).toBe('s');
    expect(net.calls.length).toBe(4);
  });

  it('answers IDPCommunicationError when the issuer is unreachable or answers badly', async () => {
    const down: Fetcher = async () => {
      throw new TypeError('connection refused');
    };
    expect(await code(new RemoteJwks(down).keys(ISSUER, 0))).toBe('IDPCommunicationError');
    const error: Fetcher = async () => new Response('oops', { status: 500 });
    expect(await code(new RemoteJwks(error).keys(ISSUER, 0))).toBe('IDPCommunicationError');
    const noJwksUri: Fetcher = async () => Response.json({ issuer: ISSUER });
    expect(await code(new RemoteJwks(noJwksUri).keys(ISSUER, 0))).toBe('IDPCommunicationError');
    const plainHttp: Fetcher = async () => Response.json({ jwks_uri: 'http://issuer.example/k' });
    expect(await code(new RemoteJwks(plainHttp).keys(ISSUER, 0))).toBe('IDPCommunicationError');
  });

  it('refuses documents over the size limit, even without a Content-Length', async () => {
    const huge: Fetcher = async () =>
      new Response(
        new ReadableStream({
          start(c) {
            c.enqueue(new TextEncoder().encode(' '.repeat(MAX_DOCUMENT_BYTES + 1)));
            c.close();
          },
        }),
      );
    expect(await code(new RemoteJwks(huge).keys(ISSUER, 0))).toBe('IDPCommunicationError');
  });

  it('refuses a key set without usable public keys', async () => {
    const k1 = await keyPair('k1');
    const leaky = issuerServer(() => ({ keys: [{ ...k1.jwk, d: 'private' }] }));
    expect(await code(new RemoteJwks(leaky.fetcher).keys(ISSUER, 0))).toBe('InvalidIdentityToken');
  });

  it('stays within its byte bound, evicting the least recently used issuer', async () => {
    const k1 = await keyPair('k1');
    const fetcher: Fetcher = async (url) =>
      url.endsWith('/.well-known/openid-configuration')
        ? Response.json({ jwks_uri: url.replace('/.well-known/openid-configuration', '/keys') })
        : Response.json({ keys: [k1.jwk] });
    const one = JSON.stringify({ keys: [k1.jwk] }).length;
    const cache = new RemoteJwks(fetcher, {
      cacheBytes: one * 3,
      ttlMs: 600_000,
      refetchMs: 30_000,
    });
    for (let i = 0; i < 10; i++) await cache.keys(`https://issuer${i}.example`, 0);
    expect(cache.size.bytes).toBeLessThanOrEqual(one * 3);
    expect(cache.size.entries).toBeLessThanOrEqual(3);
  });
  it('remembers a failed load: junk tokens for a broken issuer cost one fetch per interval', async () => {
    let calls = 0;
    const down: Fetcher = async () => {
      calls++;
      return new Response('oops', { status: 500 });
    };
    const cache = new RemoteJwks(down);
    for (let i = 0; i < 50; i++) {
      expect(await code(cache.keys(ISSUER, 1000 + i, true))).toBe('IDPCommunicationError');
    }
    expect(calls).toBe(1);
    // Past the refetch interval the issuer is asked again (it may be back).
    expect(await code(cache.keys(ISSUER, 1000 + 30_000))).toBe('IDPCommunicationError');
    expect(calls).toBe(2);
  });

  it('keeps serving the cached keys when a refetch for an unknown kid fails', async () => {
    const k1 = await keyPair('k1');
    let up = true;
    const net = issuerServer(() => ({ keys: [k1.jwk] }));
    const flaky: Fetcher = async (url, init) =>
      up ? net.fetcher(url, init) : new Response('down', { status: 503 });
    const cache = new RemoteJwks(flaky);
    await cache.keys(ISSUER, 0);
    up = false;
    expect(await code(cache.keys(ISSUER, 31_000, true))).toBe('IDPCommunicationError');
    expect((await cache.keys(ISSUER, 32_000, true)).keys[0]!.kid).toBe('k1');
  });

  it('follows https redirects only, and at most MAX_REDIRECTS of them', async () => {
    const k1 = await keyPair('k1');
    const redirecting = (hops: number, last: string): Fetcher => {
      const seen: string[] = [];
      return async (url, init) => {
        seen.push(url);
        expect(init.redirect).toBe('manual');
        if (url === `${ISSUER}/.well-known/openid-configuration`) {
          return Response.json({ jwks_uri: `${ISSUER}/hop/0` });
        }
        const n = Number(url.split('/hop/')[1] ?? NaN);
        if (n < hops) {
          const next = n + 1 === hops ? last : `${ISSUER}/hop/${n + 1}`;
          return new Response(null, { status: 302, headers: { location: next } });
        }
        return Response.json({ keys: [k1.jwk] });
      };
    };
    const ok = new RemoteJwks(redirecting(MAX_REDIRECTS, `${ISSUER}/hop/99`));
    expect((await ok.keys(ISSUER, 0)).keys[0]!.kid).toBe('k1');
    const tooMany = new RemoteJwks(redirecting(MAX_REDIRECTS + 1, `${ISSUER}/hop/99`));
    expect(await code(tooMany.keys(ISSUER, 0))).toBe('IDPCommunicationError');
    const toHttp = new RemoteJwks(redirecting(1, 'http://169.254.169.254/latest/meta-data'));
    expect(await code(toHttp.keys(ISSUER, 0))).toBe('IDPCommunicationError');
  });
});
