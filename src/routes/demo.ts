import { Hono } from 'hono/tiny';
import {
  cookieHash,
  newCookieSecret,
  ownsSandbox,
  readSandboxCookie,
  sandboxCookie,
} from '../demo/cookie.ts';
import { createSandbox, viewSandbox } from '../demo/sandbox.ts';
import type { Env } from '../env.ts';
import { Errors } from '../protocol/errors.ts';
import { KvIamStore } from '../store/kv.ts';
import { clientKey } from './client-ip.ts';
import { jsonErrors, throttledError } from './errors.ts';
import { limiter, withinLimit } from './limits.ts';

/**
 * The demo page's headers: a strict Content-Security-Policy (scripts and connections to this origin
 * only; CodeMirror sets element styles, hence 'unsafe-inline' for style), no framing, no referrer.
 */
const PAGE_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-cache',
};

/** `GET /` without a query string: the playground page (GET /?Action=... is the query API). */
export const pageRoutes = new Hono<{ Bindings: Env }>();

pageRoutes.get('/', async (c, next) => {
  if (new URL(c.req.url).search !== '') return next();
  if (!c.env.ASSETS) return c.text('The demo page is not built: run `npm run build`.', 404);
  const page = await c.env.ASSETS.fetch(new URL('/index.html', c.req.url));
  if (!page.ok) return c.text('The demo page is not built: run `npm run build`.', 404);
  const headers = new Headers(page.headers);
  for (const [k, v] of Object.entries(PAGE_HEADERS)) headers.set(k, v);
  // A few KB of HTML: the runtime compresses it when the client accepts gzip.
  headers.delete('Content-Encoding');
  if (/\bgzip\b/i.test(c.req.header('accept-encoding') ?? ''))
    headers.set('Content-Encoding', 'gzip');
  headers.set('Vary', 'Accept-Encoding');
  return new Response(page.body, { status: 200, headers });
});

/** The bundle's files: content-hashed names, so cached for good. */
const ASSET = /^app\.[0-9a-f]{12}\.(js|css)$/;
const TYPES = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' } as const;

/**
 * `GET /assets/app.<hash>.(js|css)`: the precompressed variant the client accepts (brotli, gzip),
 * sent as stored (no compression work per request); the plain file otherwise.
 */
pageRoutes.get('/assets/:file', async (c) => {
  const file = c.req.param('file');
  const m = ASSET.exec(file);
  if (!m || !c.env.ASSETS) return c.text('Not found', 404);
  const accepts = (c.req.header('accept-encoding') ?? '').toLowerCase();
  const encoding = /\bbr\b/.test(accepts) ? 'br' : /\bgzip\b/.test(accepts) ? 'gzip' : null;
  const suffix = encoding === 'br' ? '.br' : encoding === 'gzip' ? '.gz' : '';
  const stored = await c.env.ASSETS.fetch(new URL(`/assets/${file}${suffix}`, c.req.url));
  if (!stored.ok) return c.text('Not found', 404);
  const headers = new Headers({
    'Content-Type': TYPES[m[1] as 'js' | 'css'],
    'Cache-Control': 'public, max-age=31536000, immutable',
    'X-Content-Type-Options': 'nosniff',
    Vary: 'Accept-Encoding',
  });
  if (encoding) headers.set('Content-Encoding', encoding);
  return new Response(stored.body, { status: 200, headers, encodeBody: 'manual' });
});

/** The page's own JSON endpoint: its sandbox (docs/demo.md). */
export const demoRoutes = new Hono<{ Bindings: Env }>();
demoRoutes.onError(jsonErrors);

/**
 * Whether the request asks for a new sandbox whatever the cookie names (`?fresh=true`: the page's
 * "Start over in a new sandbox"); any other query parameter or value is refused.
 */
function wantsFresh(url: string): boolean {
  const query = new URL(url).searchParams;
  let fresh = false;
  for (const [name, value] of query) {
    if (name !== 'fresh') throw Errors.invalidInput(`Unknown query parameter: ${name}.`);
    if (value !== 'true' && value !== 'false') {
      throw Errors.invalidInput('fresh must be true or false.');
    }
    fresh = value === 'true';
  }
  return fresh;
}

/**
 * `POST /demo/v1/sandbox`: the sandbox the cookie names, or a new one (rate limited per client IP)
 * bound to a new cookie; `?fresh=true` asks for a new one even when the cookie names a sandbox (the
 * old one is left to expire). Answers the sandbox's own credentials, which the page uses to sign its
 * calls to the public STS/IAM API and shows in its CLI commands. Only same-origin JSON requests: a
 * cross-site form cannot send application/json, and `Sec-Fetch-Site` says where fetches come from.
 */
demoRoutes.post('/sandbox', async (c) => {
  // Every request counts as an API call of the demo (a client without an address, in-process,
  // has no limit); creating a sandbox has its own, lower limit.
  const ip = clientKey(c.req.raw, c.env);
  if (ip !== null && !(await withinLimit(limiter(c.env, 'DEMO_API_LIMIT'), 'api', ip))) {
    throw throttledError(c, 10);
  }
  if (c.env.DEMO_SANDBOXES !== 'true') {
    throw Errors.disabled('SandboxesDisabled', 'This deployment does not create demo sandboxes.');
  }
  const site = c.req.header('sec-fetch-site');
  const type = (c.req.header('content-type') ?? '').toLowerCase();
  if ((site && site !== 'same-origin') || !type.startsWith('application/json')) {
    throw Errors.forbidden('Sandboxes are created by the demo page only.');
  }
  const fresh = wantsFresh(c.req.url);
  const now = Date.now();
  const store = new KvIamStore(c.env.IAM);
  const claim = fresh ? null : readSandboxCookie(c.req.header('cookie'));
  if (claim && (await ownsSandbox(await store.getAccount(claim.account), claim, now))) {
    const view = await viewSandbox(c.env, store, claim.account);
    if (view) return c.json(view, 200, { 'Cache-Control': 'no-store' });
  }
  if (ip !== null && !(await withinLimit(limiter(c.env, 'DEMO_SANDBOX_LIMIT'), 'sandbox', ip))) {
    throw throttledError(
      c,
      60,
      'Too many sandboxes were created from your network address in the last minute. Wait a minute and try again.',
    );
  }
  const secret = newCookieSecret();
  const created = await createSandbox(c.env, store, now, await cookieHash(secret));
  const view = await viewSandbox(c.env, store, created.account);
  if (!view) throw new Error('a sandbox just created is missing');
  const secure = new URL(c.req.url).protocol === 'https:';
  return c.json(view, 201, {
    'Set-Cookie': sandboxCookie({ ...created, secret }, secure, now),
    'Cache-Control': 'no-store',
  });
});
