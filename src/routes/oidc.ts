import { Hono, type Context } from 'hono';
import { authenticate, readAuthentication, requireSignature } from '../caller/authenticate.ts';
import { authorize } from '../caller/authorize.ts';
import { requestedRegion } from '../caller/context.ts';
import type { Caller, RequestInfo } from '../caller/types.ts';
import type { Env } from '../env.ts';
import { MAX_BODY, mintSchema, signTestToken, testClaims } from '../oidc/mint.ts';
import { findProvider } from '../oidc/provider-keys.ts';
import {
  ensureKeyRing,
  privateKeyOf,
  publicJwks,
  rotateKeyRing,
  activeKey,
} from '../oidc/signing-keys.ts';
import {
  servedByTestIssuer,
  TEST_ISSUER_TAG,
  testIssuerDiscovery,
  testIssuerUrl,
} from '../oidc/test-issuer.ts';
import { AwsError, Errors } from '../protocol/errors.ts';
import { ensureDemoSeed } from '../seed/demo.ts';
import { KvIamStore } from '../store/kv.ts';
import { KvWebIdentityStore } from '../store/web-identity.ts';

type Ctx = Context<{ Bindings: Env }>;

/**
 * Each account's test OIDC issuer, mounted at /oidc (CONTRACT section 6, docs/web-identity.md):
 *   GET  /oidc/<account>/.well-known/openid-configuration   discovery
 *   GET  /oidc/<account>/.well-known/jwks.json              public keys
 *   POST /oidc/<account>/token                              mint a token (SigV4, scope sts)
 *   POST /oidc/<account>/keys/rotate                        rotate the signing key (SigV4, scope sts)
 * Reading the documents generates nothing: keys are made by the first mint, so unauthenticated
 * readers cannot make the service create keys for arbitrary account ids.
 */
export const oidcRoutes = new Hono<{ Bindings: Env }>();

oidcRoutes.onError((err, c) => {
  const known = err instanceof AwsError;
  if (!known) console.error('unhandled error', err);
  const error = known ? err : Errors.internalFailure();
  return c.json({ error: { code: error.code, message: error.message } }, error.status as 400);
});

const ACCOUNT = /^\d{12}$/;

function accountOf(c: Ctx): string {
  const account = c.req.param('account') ?? '';
  if (!ACCOUNT.test(account)) {
    throw new AwsError(
      'NotFound',
      `No route for ${c.req.method} ${new URL(c.req.url).pathname}`,
      404,
    );
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
  const ownIssuer = testIssuerUrl(host, account);
  await authorizeIssuer(caller, store, info, 'rolecall:CreateTestToken', account);

  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(body));
  } catch {
    throw new AwsError('ValidationError', 'The body must be a JSON object.', 400);
  }
  const parsed = mintSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const at = issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    throw new AwsError('ValidationError', `${issue.message}${at}`, 400);
  }
  const req = parsed.data;

  let issuer = ownIssuer;
  if (req.issuer !== undefined && req.issuer.replace(/\/$/, '') !== ownIssuer) {
    const provider = await findProvider(store, account, req.issuer);
    if (!provider || !servedByTestIssuer(provider)) {
      throw new AwsError(
        'InvalidInput',
        `${req.issuer} is not an OIDC provider of account ${account} tagged ${TEST_ISSUER_TAG.key}=${TEST_ISSUER_TAG.value}.`,
        400,
      );
    }
    issuer = `https://${provider.url}`;
  }

  const keys = new KvWebIdentityStore(c.env.IAM);
  const ring = await ensureKeyRing({
    sealSeed: c.env.SEAL_KEY,
    store: keys,
    account,
    purpose: 'test-issuer',
    algs: ['RS256'],
    now: info.now,
  });
  const key = activeKey(ring, 'RS256')!;
  const claims = testClaims(req, issuer, info.now);
  const token = await signTestToken({
    claims,
    ring,
    privateKey: await privateKeyOf(c.env.SEAL_KEY, account, 'test-issuer', key),
    otherKey: req.bad === 'other-key',
  });
  return c.json({
    token,
    issuer,
    kid: key.kid,
    expiresAt: new Date(Number(claims.exp) * 1000).toISOString(),
  });
});

oidcRoutes.post('/:account/keys/rotate', async (c) => {
  const account = accountOf(c);
  const { caller, store, info } = await signedCaller(c);
  await authorizeIssuer(caller, store, info, 'rolecall:RotateTestIssuerKey', account);
  const keys = new KvWebIdentityStore(c.env.IAM);
  await ensureKeyRing({
    sealSeed: c.env.SEAL_KEY,
    store: keys,
    account,
    purpose: 'test-issuer',
    algs: ['RS256'],
    now: info.now,
  });
  const ring = await rotateKeyRing({
    sealSeed: c.env.SEAL_KEY,
    store: keys,
    account,
    purpose: 'test-issuer',
    now: info.now,
  });
  return c.json({ kid: activeKey(ring, 'RS256')!.kid, keys: publicJwks(ring).keys.length });
});

/**
 * A principal of the issuer's account, allowed `action` on the issuer (as an OIDC provider ARN,
 * `arn:aws:iam::<account>:oidc-provider/<host>/oidc/<account>`). Another account's principal is
 * refused whatever its policies say.
 */
async function authorizeIssuer(
  caller: Caller,
  store: KvIamStore,
  info: RequestInfo,
  action: string,
  account: string,
): Promise<void> {
  const resource = `arn:aws:iam::${account}:oidc-provider/${info.host}/oidc/${account}`;
  if (caller.account !== account) throw Errors.notAuthorized(caller.arn, action, resource);
  await authorize(store, caller, info, action, resource);
}

/** Reads the bounded body and authenticates its SigV4 signature (credential scope service `sts`). */
async function signedCaller(c: Ctx) {
  const now = Date.now();
  const body = await readBounded(c.req.raw);
  const url = new URL(c.req.url);
  const auth = readAuthentication(
    { method: c.req.method, url: c.req.url, headers: c.req.raw.headers, body },
    now,
  );
  const sig = requireSignature(auth);
  if (sig.scope.service !== 'sts') {
    throw Errors.invalidSignature("Credential should be scoped to correct service: 'sts'. ");
  }
  const store = new KvIamStore(c.env.IAM);
  if (c.env.DEMO_SEED === 'true') await ensureDemoSeed(c.env, store);
  const caller = await authenticate(c.env, store, sig, now);
  const info: RequestInfo = {
    requestId: crypto.randomUUID(),
    now,
    service: 'sts',
    region: requestedRegion('sts', sig.scope.region),
    sourceIp: c.req.header('cf-connecting-ip') ?? '127.0.0.1',
    secureTransport: url.protocol === 'https:',
    userAgent: c.req.header('user-agent'),
    host: url.host,
  };
  return { caller, store, info, body };
}

async function readBounded(req: Request): Promise<Uint8Array> {
  const tooLarge = () =>
    new AwsError('RequestEntityTooLarge', `Request body exceeds ${MAX_BODY} bytes`, 413);
  if (Number(req.headers.get('content-length') ?? '0') > MAX_BODY) throw tooLarge();
  const out = new Uint8Array(MAX_BODY);
  let size = 0;
  for await (const chunk of req.body ?? []) {
    if (size + chunk.byteLength > MAX_BODY) throw tooLarge();
    out.set(chunk, size);
    size += chunk.byteLength;
  }
  return out.slice(0, size);
}
