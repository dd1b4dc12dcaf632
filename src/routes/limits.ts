import { getPath } from 'hono/utils/url';
import type { Env } from '../env.ts';
import { Errors } from '../protocol/errors.ts';
import { setBounded } from '../store/bounded-map.ts';
import { clientKey } from './client-ip.ts';
import { jsonErrorResponse, scopedService, xmlErrorResponse } from './errors.ts';
import { requestIdFor } from './request-id.ts';

/**
 * Per-client-IP rate limits (Workers rate limiting binding, `[[ratelimits]]` in wrangler.toml; the
 * table is in docs/security.md), an IPv6 client counted by its /64 (clientKey, src/routes/client-ip.ts).
 * Two classes are limited here, for every route:
 *
 * - public: requests that carry no credentials (the page, /health, /v1/simulate, discovery
 *   documents and JWKS, unknown paths) count against PUBLIC_LIMIT before any work; past it the page
 *   itself is a short HTML page that says so and reloads itself once the window has passed;
 * - the page's bundle (`/assets/app.<hash>.js|css`) is not counted: a page the limit let through
 *   must get its script, or it would stay on "Preparing your sandbox…" with nothing to say why. The
 *   two files are immutable (cached for a year) and cost one asset read, like static assets served
 *   without a Worker;
 * - credentialed (the query API, AuthZEN, the test issuer's token and key endpoints, the runner's ID
 *   token endpoint, /admin): no limiter is asked before a request's credentials are accepted, so a
 *   successful call pays only withRateLimits' class check (about 0.4 us). A request answered an error before its credentials were accepted
 *   is an authentication failure and counts against AUTH_FAILURE_LIMIT; past the limit the client
 *   is refused for FAILURE_BLOCK_MS before any credential is looked up (per isolate: each isolate
 *   learns it from the client's next failure).
 *
 * The demo's own limits (sandboxes, calls with sandbox keys) are applied by its routes.
 */

/** How long a client over AUTH_FAILURE_LIMIT is refused: the binding's period (10 s). */
export const FAILURE_BLOCK_MS = 10_000;
/** Seconds a client over PUBLIC_LIMIT is told to wait: the binding's period. */
const PUBLIC_RETRY_SECONDS = 10;
/** Clients remembered as over the failure limit, per isolate (oldest forgotten first). */
const MAX_BLOCKED = 10_000;

const blocked = new Map<string, number>();
const accepted = new WeakSet<Request>();

/** Marks a request whose credentials were accepted: its errors are not authentication failures. */
export function markAuthenticated(request: Request): void {
  accepted.add(request);
}

/** The limiter, unless the deployment turned limits off (`RATE_LIMITS = "off"`, docs/ci.md). */
export function limiter(
  env: Env,
  name: 'PUBLIC_LIMIT' | 'AUTH_FAILURE_LIMIT' | 'DEMO_API_LIMIT' | 'DEMO_SANDBOX_LIMIT',
): RateLimit | undefined {
  return env.RATE_LIMITS === 'off' ? undefined : env[name];
}

/**
 * Whether a request from `ip` (a client's clientKey) is within `limit`'s budget. A deployment without the binding has no
 * limit. Fails open if the binding itself fails: the limits protect capacity, and an outage of the
 * limiter must not turn every request into an error.
 */
export async function withinLimit(
  limit: RateLimit | undefined,
  scope: string,
  ip: string,
): Promise<boolean> {
  if (!limit) return true;
  try {
    return (await limit.limit({ key: `${scope}:${ip}` })).success;
  } catch (e) {
    console.error('rate limiter unavailable', e);
    return true;
  }
}

/**
 * Demo deployments (sandboxes on): whether a call authenticated as (or, unsigned, naming a role of)
 * `account` is within the demo's per-client budget. Only sandbox accounts (accounts that expire)
 * are counted, against DEMO_API_LIMIT, or `budget` for a costlier action; other accounts, and every
 * call when sandboxes are off, always are.
 */
export async function withinSandboxLimit(
  env: Env,
  request: Request,
  store: { expiresAt(account: string): Promise<number | null> },
  account: string,
  budget: { binding: 'DEMO_API_LIMIT' | 'DEMO_SANDBOX_LIMIT'; scope: string } = {
    binding: 'DEMO_API_LIMIT',
    scope: 'api',
  },
): Promise<boolean> {
  if (env.DEMO_SANDBOXES !== 'true') return true;
  const ip = clientKey(request, env);
  if (ip === null || (await store.expiresAt(account)) === null) return true;
  return withinLimit(limiter(env, budget.binding), budget.scope, ip);
}

type Kind = 'page' | 'bundle' | 'public' | 'query' | 'credentialed' | 'own';

/** The bundle's files, as the page route serves them (src/routes/demo.ts). */
const BUNDLE = /^\/assets\/app\.[0-9a-f]{12}\.(?:js|css)$/;

const CREDENTIALED_OIDC = /^\/oidc\/[^/]+\/(?:token|keys\/rotate|github\/runner|github\/token)$/;

/**
 * Which class a request is in, from its method and URL only (nothing read yet). The path is the one
 * the router matches: Hono's own reading of the URL, which decodes percent-escapes
 * (`/%61dmin/v1/apply` is routed to /admin), so a route is never reached under a class it is not in.
 */
export function kindOf(method: string, url: string): Kind {
  const q = url.indexOf('?', url.indexOf('//') + 2);
  const path = getPath({ url } as Request);
  if (path === '/') {
    const page = (method === 'GET' || method === 'HEAD') && (q === -1 || q === url.length - 1);
    return page ? 'page' : 'query';
  }
  if ((method === 'GET' || method === 'HEAD') && BUNDLE.test(path)) return 'bundle';
  // The demo page's endpoint applies the demo's own limits to every request.
  if (path === '/demo/v1/sandbox' && method === 'POST') return 'own';
  if (path.startsWith('/access/') || path.startsWith('/admin/')) return 'credentialed';
  if (path.startsWith('/oidc/') && CREDENTIALED_OIDC.test(path)) return 'credentialed';
  return 'public';
}

type Fetch = (request: Request, env: Env, ctx?: ExecutionContext) => Response | Promise<Response>;

/**
 * Request bodies in flight. A body is read whole before its request is answered, and a credentialed
 * request's body before its credentials are checked (its hash is part of the signature), so a client
 * could otherwise hold any number of bodies at once, each sent slowly for up to 10 s
 * (src/routes/body.ts), and fill the isolate's memory before its first failure is counted. While at
 * most FREE_BODIES requests with a body are in flight in the isolate (at most 16 MiB of bodies),
 * nothing more is done: one counter, no header read. Past that, each further one is counted against
 * its client, who may hold MAX_CLIENT_BODY_BYTES at once and is refused beyond (Throttling, or a 429
 * with Retry-After): 32 bodies of the largest size a route reads, or thousands of ordinary API calls
 * (a few KB each). So the isolate holds at most 16 MiB plus 8 MiB per client of request bodies.
 */
export const FREE_BODIES = 64;
export const MAX_CLIENT_BODY_BYTES = 8 * 1024 * 1024;
/**
 * What a body is counted as: its Content-Length, at most BODY_UNIT; a body without one (chunked) as
 * BODY_UNIT, the largest body a route reads but /admin's (whose bearer is checked before its body).
 */
const BODY_UNIT = 256 * 1024;
let bodiesInFlight = 0;
const clientBodyBytes = new Map<string, number>();

function bodySize(request: Request): number {
  const declared = request.headers.get('content-length');
  if (declared === null || !/^\d{1,15}$/.test(declared)) return BODY_UNIT;
  return Math.min(Number(declared), BODY_UNIT);
}

/**
 * The Worker's fetch handler with the limits above around `fetch` (every route). A plain function
 * rather than a middleware: a successful signed call pays a scan of its URL, a counter of bodies in
 * flight, a status check and a set lookup (no header read while no client is refused and the
 * isolate holds few bodies).
 */
export function withRateLimits(fetch: Fetch): Fetch {
  const limited = limitedFetch(fetch);
  return async (request, env, ctx) => {
    if (env.RATE_LIMITS === 'off') return fetch(request, env, ctx);
    const kind = kindOf(request.method, request.url);
    if (kind === 'own' || kind === 'bundle') return fetch(request, env, ctx);
    // Every route that reads a body is a POST; the sandbox endpoint ('own') reads none.
    if (request.method !== 'POST') return limited(request, env, kind, ctx);
    bodiesInFlight++;
    try {
      if (bodiesInFlight <= FREE_BODIES) return await limited(request, env, kind, ctx);
      const client = clientKey(request, env);
      if (client === null) return await limited(request, env, kind, ctx);
      const size = bodySize(request);
      const held = clientBodyBytes.get(client) ?? 0;
      if (held + size > MAX_CLIENT_BODY_BYTES) return throttled(request, kind, 1);
      clientBodyBytes.set(client, held + size);
      try {
        return await limited(request, env, kind, ctx);
      } finally {
        const left = clientBodyBytes.get(client)! - size;
        if (left === 0) clientBodyBytes.delete(client);
        else clientBodyBytes.set(client, left);
      }
    } finally {
      bodiesInFlight--;
    }
  };
}

/** The per-class limits: public requests counted up front, failures of credentialed ones after. */
function limitedFetch(fetch: Fetch) {
  return async (request: Request, env: Env, kind: Kind, ctx?: ExecutionContext) => {
    if (kind === 'public' || kind === 'page') {
      const ip = clientKey(request, env);
      if (ip !== null && !(await withinLimit(env.PUBLIC_LIMIT, 'public', ip))) {
        return throttled(request, kind, PUBLIC_RETRY_SECONDS);
      }
      return fetch(request, env, ctx);
    }
    // Credentialed: the client's address is read only when some client is refused, or on failure.
    if (blocked.size !== 0) {
      const ip = clientKey(request, env);
      const until = ip === null ? undefined : blocked.get(ip);
      if (until !== undefined) {
        const wait = until - Date.now();
        if (wait > 0) return throttled(request, kind, Math.ceil(wait / 1000));
        blocked.delete(ip!);
      }
    }
    const response = await fetch(request, env, ctx);
    if (response.status >= 400 && !accepted.has(request)) {
      const ip = clientKey(request, env);
      if (ip !== null && !(await withinLimit(env.AUTH_FAILURE_LIMIT, 'failure', ip))) block(ip);
    }
    return response;
  };
}

function block(ip: string): void {
  setBounded(blocked, ip, Date.now() + FAILURE_BLOCK_MS, MAX_BLOCKED);
}

/**
 * The throttled answer: AWS's `Throttling` / `Rate exceeded` (400) for the query API, as STS and
 * IAM answer it, which every AWS SDK retries with backoff; for the page, a 429 HTML page that says
 * what happened and reloads itself after Retry-After; a JSON 429 with Retry-After elsewhere.
 */
function throttled(request: Request, kind: Kind, seconds: number): Response {
  if (kind === 'page') return throttledPage(seconds);
  if (kind === 'query') {
    return xmlErrorResponse(scopedService(request), Errors.throttling(), crypto.randomUUID());
  }
  const headers: Record<string, string> = {
    'Retry-After': String(seconds),
    'Cache-Control': 'no-store',
  };
  // AuthZEN answers carry the request's X-Request-ID, or a fresh one (docs/authzen.md).
  const path = getPath(request);
  if (path.startsWith('/access/') || path === '/.well-known/authzen-configuration') {
    headers['X-Request-ID'] = requestIdFor(request.headers);
  }
  return jsonErrorResponse(
    Errors.tooManyRequests('Too many requests from your network address; retry later.'),
    headers,
  );
}

/** The playground refused by PUBLIC_LIMIT: no script (the page's CSP allows none inline). */
function throttledPage(seconds: number): Response {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="${seconds}"><title>rolecall playground: too many requests</title></head>
<body style="font: 1rem/1.5 system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem">
<h1>Too many requests from your network address</h1>
<p role="status">The playground limits how many requests one address sends without credentials in 10 seconds.
This page reloads itself in ${seconds} seconds; you can also <a href="/">reload it</a> then.</p>
</body></html>
`;
  return new Response(html, {
    status: 429,
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Retry-After': String(seconds),
      'Cache-Control': 'no-store',
      'Content-Security-Policy':
        "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
