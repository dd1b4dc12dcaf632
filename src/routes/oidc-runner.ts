import { Hono } from 'hono/tiny';
import { createLocalJWKSet, jwtVerify, SignJWT } from 'jose';
import type { Env } from '../env.ts';
import type { MintRequest } from '../oidc/mint.ts';
import { activeKey, keyRingWith, privateKeyOf, publicJwks } from '../oidc/signing-keys.ts';
import { testIssuerUrl } from '../oidc/test-issuer.ts';
import { mintTestToken, parseMintRequest, testTokenIssuer } from '../oidc/test-tokens.ts';
import { Errors } from '../protocol/errors.ts';
import { formPairs } from '../protocol/form.ts';
import { jsonError, jsonErrors, throttledError } from './errors.ts';
import { KvIamStore } from '../store/kv.ts';
import { KvWebIdentityStore } from '../store/web-identity.ts';
import { markAuthenticated, withinSandboxLimit } from './limits.ts';
import { authorizeIssuer, signedCaller } from './oidc-signed.ts';

/**
 * A stand-in for the GitHub Actions runner's ID token service, so unmodified toolkit code
 * (`core.getIDToken()`, aws-actions/configure-aws-credentials) gets a test token:
 *   POST /oidc/<account>/github/runner   (SigV4, scope sts) a mint request -> the two variables
 *   GET  <ACTIONS_ID_TOKEN_REQUEST_URL>&audience=<aud>  with `Authorization: Bearer <request token>`
 *        -> `{ "count": 1, "value": "<JWT>" }`, as the runner's service answers.
 * The request token is itself a JWT of the account's test issuer (audience
 * `rolecall:actions-id-token-request`, 6 hours, a job's longest run) carrying the mint request,
 * so nothing more is stored.
 */
export const oidcRunnerRoutes = new Hono<{ Bindings: Env }>();

const REQUEST_AUDIENCE = 'rolecall:actions-id-token-request';
const MINT_CLAIM = 'rolecall:mint';
const REQUEST_TOKEN_SECONDS = 6 * 3600;

oidcRunnerRoutes.onError(jsonErrors);

const ACCOUNT = /^\d{12}$/;
/** JSON bodies are UTF-8: invalid bytes are refused, never replaced. */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

oidcRunnerRoutes.post('/:account/github/runner', async (c) => {
  const account = c.req.param('account');
  if (!ACCOUNT.test(account)) return c.notFound();
  const { caller, store, info, body } = await signedCaller(c);
  await authorizeIssuer(caller, store, info, 'rolecall:CreateTestToken', account);
  let json: unknown;
  try {
    json = body.length === 0 ? {} : JSON.parse(utf8.decode(body));
  } catch {
    throw Errors.validation('The body must be a JSON object.');
  }
  const request: MintRequest = { ...parseMintRequest(json), preset: 'github-actions' };
  await testTokenIssuer({ store, account, host: info.host!, requested: request.issuer });
  const ring = await keyRingWith({
    env: c.env,
    account,
    purpose: 'test-issuer',
    algs: ['RS256'],
    now: info.now,
  });
  const key = activeKey(ring, 'RS256')!;
  const seconds = Math.floor(info.now / 1000);
  const requestToken = await new SignJWT({ [MINT_CLAIM]: request })
    .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
    .setIssuer(testIssuerUrl(info.host!, account))
    .setAudience(REQUEST_AUDIENCE)
    .setSubject(caller.arn)
    .setIssuedAt(seconds)
    .setExpirationTime(seconds + REQUEST_TOKEN_SECONDS)
    .sign(await privateKeyOf(c.env.SEAL_KEY, account, 'test-issuer', key));
  const origin = new URL(c.req.url).origin;
  // Tokens are credentials: never stored by a cache (as OAuth 2.0 token answers, RFC 6749 5.1).
  c.header('Cache-Control', 'no-store');
  return c.json({
    ACTIONS_ID_TOKEN_REQUEST_URL: `${origin}/oidc/${account}/github/token?api-version=2.0`,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken,
  });
});

oidcRunnerRoutes.get('/:account/github/token', async (c) => {
  const account = c.req.param('account');
  if (!ACCOUNT.test(account)) return c.notFound();
  const now = Date.now();
  const url = new URL(c.req.url);
  const bearer = /^Bearer\s+(\S{1,20000})\s*$/i.exec(c.req.header('authorization') ?? '')?.[1];
  const unauthorized = () =>
    jsonError(c, Errors.unauthorized('A valid ACTIONS_ID_TOKEN_REQUEST_TOKEN is required.'));
  if (!bearer) return unauthorized();
  const ring = await new KvWebIdentityStore(c.env.IAM).getKeyRing(account, 'test-issuer');
  let request: MintRequest;
  try {
    const { payload } = await jwtVerify(bearer, createLocalJWKSet(publicJwks(ring)), {
      issuer: testIssuerUrl(url.host, account),
      audience: REQUEST_AUDIENCE,
      algorithms: ['RS256'],
      currentDate: new Date(now),
    });
    request = parseMintRequest(payload[MINT_CLAIM]);
  } catch {
    return unauthorized();
  }
  markAuthenticated(c.req.raw);
  const store = new KvIamStore(c.env.IAM);
  if (!(await withinSandboxLimit(c.env, c.req.raw, store, account))) throw throttledError(c, 10);
  // Decoded strictly (src/protocol/form.ts): an audience that is not UTF-8 once percent-decoded is
  // refused (MalformedQueryString), never minted into a token with replacement characters.
  const audience =
    formPairs(url.search.slice(1)).find(([name]) => name === 'audience')?.[1] ?? null;
  if (audience !== null && (audience.length < 1 || audience.length > 1000)) {
    throw Errors.validation('audience must be 1-1000 characters.');
  }
  const owner = (request.repository ?? 'example-org/example-repo').split('/')[0];
  // Without an audience the runner's service answers GitHub's default: the repository owner's URL.
  request.audience = audience ?? `https://github.com/${owner}`;
  const issuer = await testTokenIssuer({
    store,
    account,
    host: url.host,
    requested: request.issuer,
  });
  const minted = await mintTestToken({ env: c.env, account, request, issuer, now });
  c.header('Cache-Control', 'no-store');
  return c.json({ count: 1, value: minted.token });
});
