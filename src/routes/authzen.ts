import { Hono } from 'hono/tiny';
import type { Context } from 'hono';
import type { Env } from '../env.ts';
import { evaluateAll } from '../decisions/evaluate.ts';
import { authenticatePep } from '../decisions/pep.ts';
import {
  AUTHZEN_BODY_LIMIT,
  BadRequest,
  MAX_EVALUATIONS,
  parseEvaluations,
} from '../decisions/request.ts';
import { Errors } from '../protocol/errors.ts';
import { ensureDemoSeed } from '../seed/demo.ts';
import { readBody } from './body.ts';
import { sourceIp } from './client-ip.ts';
import { asAwsError, jsonError, throttledError } from './errors.ts';
import { markAuthenticated, withinSandboxLimit } from './limits.ts';
import { echoableRequestId, MAX_REQUEST_ID, requestIdFor } from './request-id.ts';
import { KvIamStore } from '../store/kv.ts';

/**
 * The OpenID AuthZEN Authorization API 1.0 over the IAM state rolecall holds (docs/authzen.md):
 * PDP metadata at /.well-known/authzen-configuration, and the Access Evaluation(s) APIs under
 * /access/v1. HTTP only: parsing and answers are in src/decisions.
 */
type AuthzenEnv = { Bindings: Env; Variables: { requestId: string } };

export const authzenRoutes = new Hono<AuthzenEnv>();

/** Bodies are UTF-8 JSON; a fatal decoder refuses invalid bytes (reused: `decode` keeps no state). */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

// The request's X-Request-ID, or a fresh one (request-id.ts). The evaluation routes take it first
// thing (so their errors carry it too) and render their answers themselves: one handler per route
// keeps Hono's direct dispatch, and one Response per answer.
const requestIdOf = (c: Context<AuthzenEnv>): string => {
  let id = c.get('requestId');
  if (id === undefined) {
    id = requestIdFor(c.req.raw.headers);
    c.set('requestId', id);
  }
  return id;
};

// Errors here are JSON whatever the path, with the request id echoed; a 401 says how to
// authenticate.
authzenRoutes.onError((err, c) => {
  const error = asAwsError(err);
  c.header('X-Request-ID', requestIdOf(c));
  if (error.status === 401) {
    c.header('WWW-Authenticate', 'AWS4-HMAC-SHA256 realm="rolecall", service="iam"');
    // A bearer-mode deployment also takes its token (RFC 6750, The WWW-Authenticate Response
    // Header Field), so it names both schemes, as the HTTP authentication framework allows.
    if (c.env.AUTHZEN_TOKEN && c.env.AUTHZEN_ACCOUNT) {
      c.header('WWW-Authenticate', 'Bearer realm="rolecall"', { append: true });
    }
  }
  return jsonError(c, error);
});

// The metadata echoes the id too (and so do 405s, below, and 404s under /access: routeNotFound).
authzenRoutes.use('/.well-known/authzen-configuration', async (c, next) => {
  c.header('X-Request-ID', requestIdOf(c));
  await next();
});

authzenRoutes.get('/.well-known/authzen-configuration', (c) => {
  const origin = new URL(c.req.url).origin;
  c.header('Cache-Control', 'public, max-age=3600');
  // The answer echoes the request's X-Request-ID, so a cache must not give it to another request id.
  c.header('Vary', 'X-Request-ID');
  return c.json({
    policy_decision_point: origin,
    access_evaluation_endpoint: `${origin}/access/v1/evaluation`,
    access_evaluations_endpoint: `${origin}/access/v1/evaluations`,
    // Extensions (ignored by PEPs that do not know them, as the specification requires).
    rolecall_max_evaluations: MAX_EVALUATIONS,
    rolecall_max_body_bytes: AUTHZEN_BODY_LIMIT,
    rolecall_subject_types: ['iam_principal', 'access_key'],
  });
});

authzenRoutes.post('/access/v1/evaluation', (c) => handle(c, false));
authzenRoutes.post('/access/v1/evaluations', (c) => handle(c, true));

// Another method on an endpoint: 405 with the methods it takes (RFC 9110, 405 Method Not Allowed:
// "The origin server MUST generate an Allow header field"). The evaluation APIs are POST only (the
// HTTPS binding: "All API requests within this binding are made via an HTTPS POST request"); the
// metadata is GET (and HEAD, which Hono answers from the GET route). Listed methods rather than
// `all`, so that a POST still matches its one handler (direct dispatch, no composition).
const notAllowed = (allow: string) => (c: Context<AuthzenEnv>) => {
  c.header('Allow', allow);
  c.header('X-Request-ID', requestIdOf(c));
  const path = new URL(c.req.url).pathname;
  return jsonError(c, Errors.methodNotAllowed(c.req.method, path, allow));
};
const OTHER_METHODS = ['PUT', 'PATCH', 'DELETE', 'OPTIONS'];
authzenRoutes.on(
  ['GET', ...OTHER_METHODS],
  ['/access/v1/evaluation', '/access/v1/evaluations'],
  notAllowed('POST'),
);
authzenRoutes.on(
  ['POST', ...OTHER_METHODS],
  '/.well-known/authzen-configuration',
  notAllowed('GET, HEAD'),
);

async function handle(c: Context<AuthzenEnv>, batch: boolean): Promise<Response> {
  const now = Date.now();
  const requestId = requestIdOf(c);
  if (!echoableRequestId(c.req.raw.headers)) {
    throw Errors.invalidRequest(`X-Request-ID is longer than ${MAX_REQUEST_ID} characters.`);
  }
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  // "Requests MUST include a Content-Type header with the value application/json" (HTTPS JSON binding).
  if (type !== 'application/json') {
    throw Errors.unsupportedMediaType('Content-Type must be application/json', 400);
  }
  const body = await readBody(c.req.raw, AUTHZEN_BODY_LIMIT);
  if (body === null) throw Errors.requestTooLarge(AUTHZEN_BODY_LIMIT);
  const store = new KvIamStore(c.env.IAM);
  if (c.env.DEMO_SEED === 'true') await ensureDemoSeed(c.env, store);
  const pep = await authenticatePep(
    c.env,
    store,
    { method: 'POST', url: c.req.url, headers: c.req.raw.headers, body },
    {
      requestId,
      now,
      sourceIp: sourceIp(c.req.raw, c.env),
      secureTransport: c.req.url.startsWith('https:'),
      userAgent: c.req.header('user-agent'),
    },
  );
  markAuthenticated(c.req.raw);
  // Decisions asked with a sandbox's keys count as the demo's calls.
  if (
    pep.kind === 'sigv4' &&
    !(await withinSandboxLimit(c.env, c.req.raw, store, pep.caller.account))
  ) {
    throw throttledError(c, 10);
  }
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(body));
  } catch {
    throw Errors.malformedRequest();
  }
  let request;
  try {
    request = parseEvaluations(value, batch);
  } catch (e) {
    if (e instanceof BadRequest) throw Errors.invalidRequest(e.message);
    throw e;
  }
  const { answers, refusal, invalid } = await evaluateAll(c.env, store, pep, request, now);
  if (request.single) {
    // A single evaluation about a subject the caller may not ask about is refused as a whole, and
    // a malformed one is a Bad Request; in a batch only the item concerned fails.
    if (refusal !== undefined) throw refusal;
    if (invalid !== undefined) throw Errors.badInput(invalid.code, invalid.message);
    return answer(answers[0], requestId);
  }
  return answer({ evaluations: answers }, requestId);
}

const answer = (body: unknown, requestId: string): Response =>
  new Response(JSON.stringify(body), {
    headers: { 'Content-Type': 'application/json', 'X-Request-ID': requestId },
  });
