import { Hono } from 'hono/tiny';
import { timingSafeEqual } from '../auth/keys.ts';
import type { Env } from '../env.ts';
import { Errors } from '../protocol/errors.ts';
import { AccountClient } from '../accounts/client.ts';
import { applySeedInAccounts } from '../accounts/seed.ts';
import { validateSeed } from '../seed/apply.ts';
import { parseSeed } from '../seed/schema.ts';
import { REVOKE_POLICY_NAME, roleAccount } from '../iam/roles/revoke-sessions.ts';
import { revokeSession } from '../sessions/revoke.ts';
import { KvIamStore } from '../store/kv.ts';
import { readBody } from './body.ts';
import { jsonErrors } from './errors.ts';
import { markAuthenticated } from './limits.ts';

const MAX_BODY = 1024 * 1024;
/** JSON bodies are UTF-8: invalid bytes are refused, never replaced. */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Administration of a deployed instance, mounted at /admin/v1. Every route needs
 * `Authorization: Bearer <ADMIN_TOKEN>` (a Worker secret), compared in constant time; with no
 * ADMIN_TOKEN set the routes do not exist (404).
 */
export const adminRoutes = new Hono<{ Bindings: Env }>();

// JSON errors `{ error: { code, message } }`, also when the sub-app is used on its own.
adminRoutes.onError(jsonErrors);

adminRoutes.use('*', async (c, next) => {
  const token = c.env.ADMIN_TOKEN;
  if (!token) throw Errors.routeNotFound(c.req.method, new URL(c.req.url).pathname);
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')?.[1] ?? '';
  if (!timingSafeEqual(presented, token)) {
    c.header('WWW-Authenticate', 'Bearer realm="rolecall-admin"');
    throw Errors.unauthorized('A valid admin bearer token is required.');
  }
  markAuthenticated(c.req.raw);
  await next();
  return undefined;
});

/** POST /admin/v1/apply: applies a seed document (the format of src/seed/schema.ts) and answers a summary. */
adminRoutes.post('/apply', async (c) => {
  const raw = await bodyText(c.req.raw);
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (e) {
    throw Errors.invalidJson(`The body is not JSON: ${(e as Error).message}`);
  }
  const parsed = parseSeed(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({
      path: i.path.map(String).join('.'),
      message: i.message,
    }));
    const first = issues[0]!;
    throw Errors.invalidSeed(`${first.path || '(root)'}: ${first.message}`, issues);
  }
  // The whole document is checked first (across accounts: an access key claimed twice), then each
  // account's part is applied in that account's object, ordered with its IAM writes.
  const seed = parsed.data;
  await validateSeed(new KvIamStore(c.env.IAM), seed);
  const summary = await applySeedInAccounts(c.env, seed, Date.now());
  return c.json({ applied: summary });
});

/** The body as text, counted as it streams: past MAX_BODY bytes it is abandoned (413). */
async function bodyText(req: Request): Promise<string> {
  const bytes = await readBody(req, MAX_BODY);
  if (bytes === null) throw Errors.requestTooLarge(MAX_BODY);
  try {
    return utf8.decode(bytes);
  } catch {
    throw Errors.invalidJson('The body is not valid UTF-8.');
  }
}

async function jsonBody(c: { req: { raw: Request } }): Promise<Record<string, unknown>> {
  const raw = await bodyText(c.req.raw);
  try {
    const value: unknown = JSON.parse(raw);
    if (value && typeof value === 'object' && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw Errors.invalidJson('The body must be a JSON object.');
}

/** POST /admin/v1/sessions/revoke `{ "sessionToken": "..." }`: ends one session at once. */
adminRoutes.post('/sessions/revoke', async (c) => {
  const { sessionToken } = await jsonBody(c);
  if (typeof sessionToken !== 'string') throw Errors.invalidInput('sessionToken must be a string.');
  return c.json({ revoked: await revokeSession(c.env, sessionToken) });
});

/**
 * POST /admin/v1/roles/revoke-sessions `{ "roleArn": "...", "issuedBefore"?: ISO 8601 }`: AWS's
 * "Revoke active sessions" (an AWSRevokeOlderSessions inline Deny on aws:TokenIssueTime).
 */
adminRoutes.post('/roles/revoke-sessions', async (c) => {
  const { roleArn, issuedBefore } = await jsonBody(c);
  if (typeof roleArn !== 'string') throw Errors.invalidInput('roleArn must be a string.');
  const before =
    issuedBefore === undefined
      ? Date.now()
      : typeof issuedBefore === 'string'
        ? Date.parse(issuedBefore)
        : NaN;
  if (Number.isNaN(before)) throw Errors.invalidInput('issuedBefore must be an ISO 8601 date.');
  // A write to the role, so it runs in the role's account object, ordered with its IAM writes.
  await AccountClient.of(c.env, roleAccount(roleArn)).revokeRoleSessions(roleArn, before);
  return c.json({
    roleArn,
    revokedIssuedBefore: new Date(before).toISOString(),
    policyName: REVOKE_POLICY_NAME,
  });
});
