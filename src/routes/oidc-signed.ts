import type { Context } from 'hono';
import { authenticate, readAuthentication, requireSignature } from '../caller/authenticate.ts';
import { authorize } from '../caller/authorize.ts';
import { requestedRegion } from '../caller/context.ts';
import type { Caller, RequestInfo } from '../caller/types.ts';
import type { Env } from '../env.ts';
import { MAX_BODY } from '../oidc/mint.ts';
import { Errors } from '../protocol/errors.ts';
import { ensureDemoSeed } from '../seed/demo.ts';
import { KvIamStore } from '../store/kv.ts';
import { readBody } from './body.ts';
import { sourceIp } from './client-ip.ts';
import { throttledError } from './errors.ts';
import { markAuthenticated, withinSandboxLimit } from './limits.ts';

type Ctx = Context<{ Bindings: Env }>;

/**
 * A principal of the issuer's account, allowed `action` on the issuer (as an OIDC provider ARN,
 * `arn:aws:iam::<account>:oidc-provider/<host>/oidc/<account>`). Another account's principal is
 * refused whatever its policies say.
 */
export async function authorizeIssuer(
  caller: Caller,
  store: KvIamStore,
  info: RequestInfo,
  action: string,
  account: string,
): Promise<void> {
  const resource = `arn:aws:iam::${account}:oidc-provider/${info.host}/oidc/${account}`;
  if (caller.account !== account) throw Errors.notAuthorized(caller.arn, action, resource);
  await authorize({ store, caller, info }, { action, resource });
}

/** Reads the bounded body and authenticates its SigV4 signature (credential scope service `sts`). */
export async function signedCaller(c: Ctx) {
  const now = Date.now();
  const body = await readBounded(c.req.raw);
  const url = new URL(c.req.url);
  const auth = readAuthentication(
    { method: c.req.method, url: c.req.url, headers: c.req.raw.headers, body },
    now,
  );
  const sig = requireSignature(auth);
  if (sig.scope.service !== 'sts') {
    throw Errors.wrongService('sts');
  }
  const store = new KvIamStore(c.env.IAM);
  if (c.env.DEMO_SEED === 'true') await ensureDemoSeed(c.env, store);
  const caller = await authenticate(c.env, store, sig, now);
  markAuthenticated(c.req.raw);
  // Calls with a sandbox's keys count as the demo's (each mints or signs: RSA work).
  if (!(await withinSandboxLimit(c.env, c.req.raw, store, caller.account)))
    throw throttledError(c, 10);
  const info: RequestInfo = {
    requestId: crypto.randomUUID(),
    now,
    service: 'sts',
    region: requestedRegion('sts', sig.scope.region),
    sourceIp: sourceIp(c.req.raw, c.env),
    secureTransport: url.protocol === 'https:',
    userAgent: c.req.header('user-agent'),
    host: url.host,
  };
  return { caller, store, info, body };
}

async function readBounded(req: Request): Promise<Uint8Array> {
  const body = await readBody(req, MAX_BODY);
  if (body === null) throw Errors.requestTooLarge(MAX_BODY);
  return body;
}
