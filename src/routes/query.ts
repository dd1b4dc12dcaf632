import { Hono } from 'hono/tiny';
import { AccountClient } from '../accounts/client.ts';
import { authenticate, readAuthentication, requireSignature } from '../caller/authenticate.ts';
import { requestedRegion } from '../caller/context.ts';
import type { Caller, RequestInfo } from '../caller/types.ts';
import type { Env } from '../env.ts';
import { iamOperations } from '../iam/operations.ts';
import { isIamWrite } from '../iam/common/writes.ts';
import { openMarker, sealMarker } from '../iam/common/markers.ts';
import { deriveKeys } from '../auth/secret-keys.ts';
import type { OperationContext } from '../operation.ts';
import { Errors } from '../protocol/errors.ts';
import { formPairs } from '../protocol/form.ts';
import { QueryParams } from '../protocol/query.ts';
import { renderResult, type Service } from '../protocol/xml.ts';
import { ensureDemoSeed } from '../seed/demo.ts';
import { KvIamStore } from '../store/kv.ts';
import { recordUse } from '../store/last-used.ts';
import { stsOperations } from '../sts/operations.ts';
import { readBody } from './body.ts';
import { sourceIp } from './client-ip.ts';
import { xmlErrors } from './errors.ts';
import { markAuthenticated, withinSandboxLimit } from './limits.ts';

const MAX_BODY = 256 * 1024;
// Maps, not object literals: a request naming `toString` or `__proto__` must find nothing.
const VERSIONS = new Map<string, Service>([
  ['2011-06-15', 'sts'],
  ['2010-05-08', 'iam'],
]);
const TABLES = {
  sts: new Map(Object.entries(stsOperations)),
  iam: new Map(Object.entries(iamOperations)),
} as const;

/** `POST /` with an AWS query body: STS (Version 2011-06-15) and IAM (Version 2010-05-08). */
export const queryRoutes = new Hono<{
  Bindings: Env;
  Variables: { service: Service; requestId: string };
}>();
// The query API answers errors in AWS's XML envelope, whatever the path.
queryRoutes.onError(xmlErrors);

queryRoutes.on(['GET', 'POST'], '/', async (c) => {
  const now = Date.now();
  const requestId = crypto.randomUUID();
  c.set('requestId', requestId);

  // GET carries the parameters in the query string (presigned GetCallerIdentity URLs, as EKS uses them).
  const isGet = c.req.method === 'GET';
  const body = isGet ? new Uint8Array(0) : ((await readBody(c.req.raw, MAX_BODY)) ?? tooLarge());
  const contentType = (c.req.header('content-type') ?? '').toLowerCase();
  const url = new URL(c.req.url);
  // Decoded once: the operation reads these pairs and the signature's canonical query is built
  // from the same ones, so what was signed is what is read.
  const urlParams = formPairs(url.search.slice(1));
  // AWS's query protocol takes parameters from the URL and the form body alike.
  const params = QueryParams.fromPairs(
    isGet
      ? urlParams
      : contentType === '' || contentType.startsWith('application/x-www-form-urlencoded')
        ? [...urlParams, ...formPairs(QueryParams.decode(body))]
        : rejectContentType(contentType),
  );

  const signed = {
    method: c.req.method,
    url: c.req.url,
    headers: c.req.raw.headers,
    body,
    query: urlParams,
  };
  const auth = readAuthentication(signed, now);
  const signature = auth.kind === 'signed' ? auth.sig : undefined;
  const version = params.get('Version');
  const scoped = signature?.scope.service;
  const service: Service =
    scoped === 'sts' || scoped === 'iam' ? scoped : (version && VERSIONS.get(version)) || 'sts';
  c.set('service', service);

  const action = params.get('Action');
  if (!action) throw Errors.missingAction();
  const operation = TABLES[service].get(action);
  if (!operation || (version !== undefined && VERSIONS.get(version) !== service)) {
    throw Errors.invalidAction(action, version ?? '');
  }

  const store = new KvIamStore(c.env.IAM);
  if (c.env.DEMO_SEED === 'true') await ensureDemoSeed(c.env, store);
  const info: RequestInfo = {
    requestId,
    now,
    service,
    region: requestedRegion(service, signature?.scope.region),
    sourceIp: sourceIp(c.req.raw, c.env),
    secureTransport: url.protocol === 'https:',
    userAgent: c.req.header('user-agent'),
    host: url.host,
  };
  const ctx: OperationContext = { env: c.env, store, params, info };

  // Demo deployments (sandboxes on): calls made with a sandbox's credentials, and unsigned calls
  // naming a sandbox's role, are limited per client IP (docs/security.md); accounts that do not
  // expire are not. Failed authentications are limited for every account (src/routes/limits.ts).
  const sandboxes = c.env.DEMO_SANDBOXES === 'true';
  let result;
  if (operation.auth === 'none') {
    const account = roleAccount(params.get('RoleArn'));
    if (sandboxes && account && !(await withinSandboxLimit(c.env, c.req.raw, store, account))) {
      throw Errors.throttling();
    }
    result = await operation.run(ctx);
  } else {
    const sig = requireSignature(auth);
    if (sig.scope.service !== service) {
      throw Errors.wrongService(service);
    }
    const caller = await authenticate(c.env, store, sig, now);
    markAuthenticated(c.req.raw);
    await noteUse(c.env, caller, info);
    if (sandboxes && !(await withinSandboxLimit(c.env, c.req.raw, store, caller.account))) {
      throw Errors.throttling();
    }
    const marker = service === 'iam' ? params.get('Marker') : undefined;
    if (marker !== undefined) {
      const key = (await deriveKeys(c.env.SEAL_KEY)).marker;
      ctx.params = params.with('Marker', await openMarker(key, caller.account, action, marker));
    }
    // IAM writes are ordered by the caller's account object, so none is lost to a concurrent one.
    result =
      service === 'iam' && isIamWrite(action)
        ? await AccountClient.of(c.env, caller.account).write({
            action,
            params: ctx.params.entries(),
            caller,
            info,
          })
        : await operation.run(ctx, caller);
    // A list's next Marker is bound to this action and account (src/iam/common/markers.ts).
    if (service === 'iam' && typeof result?.Marker === 'string') {
      const key = (await deriveKeys(c.env.SEAL_KEY)).marker;
      result = {
        ...result,
        Marker: await sealMarker(key, caller.account, action, result.Marker),
      };
    }
  }
  return c.body(renderResult(service, action, result, requestId), 200, {
    'Content-Type': 'text/xml',
    'x-amzn-RequestId': requestId,
    // The server's clock, as AWS sends it: the SDKs correct their clock skew from it.
    Date: new Date().toUTCString(),
    // Answers are the caller's own (credentials, secret keys): never stored by a shared cache, which
    // a presigned GET (no Authorization header) would otherwise allow.
    'Cache-Control': 'no-store',
  });
});

/**
 * Records what IAM reports as last used (src/store/last-used.ts, coarse: at most one KV write per
 * id per interval per isolate): a long-term access key that signed the request, or the role whose
 * session did. Authenticated requests count, allowed or not, as IAM counts them.
 */
function noteUse(env: Env, caller: Caller, info: RequestInfo): Promise<void> | undefined {
  const use = { date: info.now, service: info.service, region: info.region };
  if (caller.session === undefined && caller.kind === 'User')
    return recordUse(env.IAM, caller.account, caller.accessKeyId, use);
  if (caller.role !== undefined) return recordUse(env.IAM, caller.account, caller.role.id, use);
  return undefined;
}

/** The account of an unsigned call's RoleArn, if it names one. */
function roleAccount(roleArn: string | undefined): string | undefined {
  return /^arn:aws:iam::(\d{12}):/.exec(roleArn ?? '')?.[1];
}

function rejectContentType(contentType: string): never {
  throw Errors.unsupportedMediaType(
    `Unsupported Content-Type '${contentType}': send application/x-www-form-urlencoded.`,
  );
}

function tooLarge(): never {
  throw Errors.requestTooLarge(MAX_BODY);
}
