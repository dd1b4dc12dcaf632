import { Hono } from 'hono/tiny';
import type { Context } from 'hono';
import { AccountClient } from '../accounts/client.ts';
import type { Env } from '../env.ts';
import { mintTestToken, parseMintRequest, testTokenIssuer } from '../oidc/test-tokens.ts';
import { activeKey, publicJwks } from '../oidc/signing-keys.ts';
import { testIssuerDiscovery, testIssuerUrl } from '../oidc/test-issuer.ts';
import { Errors } from '../protocol/errors.ts';
import { jsonErrors, throttledError } from './errors.ts';
import { KvWebIdentityStore } from '../store/web-identity.ts';
import { withinSandboxLimit } from './limits.ts';
import { authorizeIssuer, signedCaller } from './oidc-signed.ts';

type Ctx = Context<{ Bindings: Env }>;

/**
 * Each account's test OIDC issuer, mounted at /oidc (docs/web-identity.md):
 *   GET  /oidc/<account>/.well-known/openid-configuration   discovery
 *   GET  /oidc/<account>/.well-known/jwks.json              public keys
 *   POST /oidc/<account>/token                              mint a token (SigV4, scope sts)
 *   POST /oidc/<account>/keys/rotate                        rotate the signing key (SigV4, scope sts)
 * Reading the documents generates nothing: keys are made by the first mint, so unauthenticated
 * readers cannot make the service create keys for arbitrary account ids.
 */
export const oidcRoutes = new Hono<{ Bindings: Env }>();

oidcRoutes.onError(jsonErrors);

const ACCOUNT = /^\d{12}$/;
/** JSON bodies are UTF-8: invalid bytes are refused, never replaced. */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

function accountOf(c: Ctx): string {
  const account = c.req.param('account') ?? '';
  if (!ACCOUNT.test(account)) {
    throw Errors.routeNotFound(c.req.method, new URL(c.req.url).pathname);
  }
  return account;
}

oidcRoutes.get('/:account/.well-known/openid-configuration', (c) => {
  const account = accountOf(c);
  const url = new URL(c.req.url);
  c.header('Cache-Control', 'public, max-age=300');
  return c.json(
    testIssuerDiscovery({ issuer: testIssuerUrl(url.host, account), origin: url.origin, account }),
  );
});

oidcRoutes.get('/:account/.well-known/jwks.json', async (c) => {
  const account = accountOf(c);
  const ring = await new KvWebIdentityStore(c.env.IAM).getKeyRing(account, 'test-issuer');
  c.header('Cache-Control', 'public, max-age=60');
  return c.json(publicJwks(ring));
});

oidcRoutes.post('/:account/token', async (c) => {
  const account = accountOf(c);
  const { caller, store, info, body } = await signedCaller(c);
  const host = info.host!;
  await authorizeIssuer(caller, store, info, 'rolecall:CreateTestToken', account);

  let json: unknown;
  try {
    json = JSON.parse(utf8.decode(body));
  } catch {
    throw Errors.validation('The body must be a JSON object.');
  }
  const request = parseMintRequest(json);
  const issuer = await testTokenIssuer({ store, account, host, requested: request.issuer });
  // A token is a credential: never stored by a cache (as OAuth 2.0 token answers, RFC 6749 5.1).
  c.header('Cache-Control', 'no-store');
  return c.json(await mintTestToken({ env: c.env, account, request, issuer, now: info.now }));
});

oidcRoutes.post('/:account/keys/rotate', async (c) => {
  const account = accountOf(c);
  const { caller, store, info } = await signedCaller(c);
  await authorizeIssuer(caller, store, info, 'rolecall:RotateTestIssuerKey', account);
  // A rotation makes an RSA key (tens of milliseconds of CPU): a sandbox gets 10 a minute.
  const rotations = { binding: 'DEMO_SANDBOX_LIMIT', scope: 'rotate' } as const;
  if (!(await withinSandboxLimit(c.env, c.req.raw, store, account, rotations))) {
    throw throttledError(c, 60);
  }
  const ring = await AccountClient.of(c.env, account).rotateKeyRing(
    'test-issuer',
    ['RS256'],
    info.now,
  );
  return c.json({ kid: activeKey(ring, 'RS256')!.kid, keys: publicJwks(ring).keys.length });
});
