import { generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import * as z from 'zod/mini';
import { Errors } from '../protocol/errors.ts';
import type { KeyRing } from '../store/web-identity.ts';
import { activeKey } from './signing-keys.ts';

/**
 * `POST <issuer>/token` body (docs/web-identity.md). Limits: the body is at most MAX_BODY bytes and
 * the minted claims at most MAX_CLAIMS_BYTES of JSON; lifetimes are 1 second to 1 day.
 */
export const MAX_BODY = 16 * 1024;
export const MAX_CLAIMS_BYTES = 8 * 1024;
export const DEFAULT_AUDIENCE = 'sts.amazonaws.com';
export const WRONG_AUDIENCE = 'rolecall-wrong-audience';

const text = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));

/**
 * The latest NumericDate a claim may carry (9999-12-31T23:59:59Z): `exp`, `iat` and `nbf` are "a
 * JSON numeric value representing the number of seconds from 1970-01-01T00:00:00Z" (RFC 7519,
 * NumericDate), and the answer's `expiresAt` is a date.
 */
const MAX_NUMERIC_DATE = 253402300799;
const TIME_CLAIMS = ['exp', 'iat', 'nbf'] as const;
const numericDate = (v: unknown) =>
  v === undefined || (typeof v === 'number' && v >= 0 && v <= MAX_NUMERIC_DATE);

export const mintSchema = z.strictObject({
  claims: z.optional(
    z.record(z.string(), z.unknown()).check(
      z.refine((c) => TIME_CLAIMS.every((k) => numericDate(c[k])), {
        error:
          'exp, iat and nbf must be NumericDates: seconds since 1970 (a number, at most year 9999)',
      }),
    ),
  ),
  audience: z.optional(z.union([text(1000), z.array(text(1000)).check(z.maxLength(10))])),
  expiresIn: z.optional(z.int().check(z.minimum(1), z.maximum(86400))),
  preset: z.optional(z.enum(['github-actions', 'eks'])),
  repository: z.optional(
    z.string().check(z.regex(/^[\w.-]+\/[\w.-]+$/, 'repository is owner/name')),
  ),
  ref: z.optional(text(255)),
  environment: z.optional(text(255)),
  namespace: z.optional(text(253)),
  serviceAccount: z.optional(text(253)),
  bad: z.optional(z.enum(['expired', 'wrong-audience', 'other-key'])),
  issuer: z.optional(text(300)),
});
export type MintRequest = z.infer<typeof mintSchema>;

/** GitHub Actions' claims for a push to `ref` of `repository` ("About security hardening with OpenID Connect"). */
function githubClaims(req: MintRequest, now: number): JWTPayload {
  const repository = req.repository ?? 'example-org/example-repo';
  const ref = req.ref ?? 'refs/heads/main';
  const owner = repository.split('/')[0]!;
  const sub = req.environment
    ? `repo:${repository}:environment:${req.environment}`
    : `repo:${repository}:ref:${ref}`;
  return {
    sub,
    ref,
    ref_type: ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    ref_protected: 'false',
    repository,
    repository_owner: owner,
    repository_visibility: 'private',
    repository_id: '1',
    repository_owner_id: '1',
    actor: 'rolecall',
    actor_id: '1',
    event_name: 'push',
    workflow: 'ci',
    workflow_ref: `${repository}/.github/workflows/ci.yml@${ref}`,
    job_workflow_ref: `${repository}/.github/workflows/ci.yml@${ref}`,
    sha: '0000000000000000000000000000000000000000',
    run_id: String(Math.floor(now / 1000)),
    run_number: '1',
    run_attempt: '1',
    runner_environment: 'github-hosted',
    head_ref: '',
    base_ref: '',
    ...(req.environment ? { environment: req.environment } : {}),
  };
}

/** An EKS service account token (IAM roles for service accounts). */
function eksClaims(req: MintRequest): JWTPayload {
  const namespace = req.namespace ?? 'default';
  const name = req.serviceAccount ?? 'default';
  return {
    sub: `system:serviceaccount:${namespace}:${name}`,
    'kubernetes.io': { namespace, serviceaccount: { name, uid: crypto.randomUUID() } },
  };
}

/**
 * The claims of a test token: the preset's, then the caller's (which may set any claim, exp / iat /
 * nbf included), then `iss`, which is always the issuer. `bad` spoils one thing on purpose.
 */
export function testClaims(req: MintRequest, issuer: string, now: number): JWTPayload {
  const seconds = Math.floor(now / 1000);
  const preset =
    req.preset === 'github-actions'
      ? githubClaims(req, now)
      : req.preset === 'eks'
        ? eksClaims(req)
        : {};
  const claims: JWTPayload = { ...preset, ...(req.claims ?? {}) };
  claims.iss = issuer;
  claims.aud = req.audience ?? claims.aud ?? DEFAULT_AUDIENCE;
  if (claims.sub === undefined) claims.sub = 'rolecall-test-subject';
  claims.iat ??= seconds;
  claims.exp ??= Number(claims.iat) + (req.expiresIn ?? 300);
  claims.jti ??= crypto.randomUUID();
  if (req.bad === 'expired') {
    claims.iat = seconds - 900;
    claims.exp = seconds - 600;
  }
  if (req.bad === 'wrong-audience') claims.aud = WRONG_AUDIENCE;
  if (JSON.stringify(claims).length > MAX_CLAIMS_BYTES) {
    throw Errors.validation(`The claims exceed ${MAX_CLAIMS_BYTES} bytes of JSON.`);
  }
  return claims;
}

// One throwaway key per isolate: a bad token costs a signature, not a key generation.
let throwaway: Promise<CryptoKey> | undefined;
function otherKey(): Promise<CryptoKey> {
  throwaway ??= generateKeyPair('RS256', { modulusLength: 2048 }).then((k) => k.privateKey);
  return throwaway;
}

/**
 * Signs with the ring's RS256 key, or for `bad: "other-key"` with a throwaway key that carries the
 * same key id, so only the signature gives it away.
 */
export async function signTestToken(options: {
  claims: JWTPayload;
  ring: KeyRing;
  privateKey: CryptoKey;
  otherKey: boolean;
}): Promise<string> {
  const key = activeKey(options.ring, 'RS256')!;
  const signer = options.otherKey ? await otherKey() : options.privateKey;
  return new SignJWT(options.claims)
    .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
    .sign(signer);
}
