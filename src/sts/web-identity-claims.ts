import type { JWTPayload } from 'jose';
import { GITHUB_ACTIONS_CLAIMS } from '../oidc/github-claims.ts';
import type { ContextValue } from '../policy/index.ts';
import { Constraints, PATTERNS } from '../protocol/constraints.ts';
import { WebIdentityErrors } from '../protocol/errors.ts';
import { checkTags } from '../protocol/tags.ts';
import type { Tags } from '../store/types.ts';

const GITHUB = 'token.actions.githubusercontent.com';

/**
 * GitHub Actions claims that IAM exposes as condition keys under the provider's name
 * (`token.actions.githubusercontent.com:repository`, ...), besides `sub` and `aud`.
 */
const GITHUB_KEYS = [...GITHUB_ACTIONS_CLAIMS, 'context'] as const;

const MAX_CLAIM_CHARS = 4096;

function stringsOf(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list
    .filter((v): v is string | number | boolean =>
      ['string', 'number', 'boolean'].includes(typeof v),
    )
    .map(String)
    .filter((s) => s.length <= MAX_CLAIM_CHARS)
    .slice(0, 64);
}

/**
 * The audience the token was issued for, as STS matches it against the provider's client ids:
 * `azp` when the token names an authorized party (several audiences), else `aud`.
 * Returns the matching client id, or null.
 */
export function matchAudience(claims: JWTPayload, clientIds: string[]): string | null {
  const azp = typeof claims.azp === 'string' ? claims.azp : undefined;
  const auds = stringsOf(claims.aud);
  if (azp !== undefined && clientIds.includes(azp)) return azp;
  return auds.find((a) => clientIds.includes(a)) ?? null;
}

/**
 * The condition keys a web identity token brings to the trust policy ("Available keys for AWS
 * OIDC federation", IAM User Guide): `<provider>:sub`, `<provider>:aud` (the authorized party when
 * the token has one, with the other audiences in `<provider>:oaud`), `<provider>:amr`, and for
 * GitHub Actions its claim set; `aws:FederatedProvider` is the provider's ARN.
 */
export function tokenContext(options: {
  providerUrl: string;
  providerArn: string;
  claims: JWTPayload;
  audience: string;
}): Record<string, ContextValue> {
  const { providerUrl: p, claims } = options;
  const ctx: Record<string, ContextValue> = {
    'aws:FederatedProvider': options.providerArn,
    'aws:PrincipalType': 'WebIdentityUser',
    [`${p}:sub`]: String(claims.sub),
    [`${p}:aud`]: options.audience,
  };
  if (typeof claims.azp === 'string') ctx[`${p}:oaud`] = stringsOf(claims.aud);
  if (claims.amr !== undefined) ctx[`${p}:amr`] = stringsOf(claims.amr);
  if (p === GITHUB || p.startsWith(`${GITHUB}/`)) {
    for (const key of GITHUB_KEYS) {
      const values = stringsOf(claims[key]);
      if (values.length > 0) ctx[`${p}:${key}`] = values[0]!;
    }
  }
  return ctx;
}

const TAGS_CLAIM = 'https://aws.amazon.com/tags';
const SOURCE_IDENTITY_CLAIM = 'https://aws.amazon.com/source_identity';

/**
 * Session tags from the token ("Passing session tags using AssumeRoleWithWebIdentity"): the
 * `https://aws.amazon.com/tags` claim holds `principal_tags` (each value a one-element array) and
 * `transitive_tag_keys`. The usual tag limits apply.
 */
export function tokenSessionTags(claims: JWTPayload): { tags: Tags; transitive: string[] } {
  const claim = claims[TAGS_CLAIM];
  if (claim === undefined) return { tags: [], transitive: [] };
  if (claim === null || typeof claim !== 'object' || Array.isArray(claim)) {
    throw WebIdentityErrors.badClaim(`The ${TAGS_CLAIM} claim must be an object.`);
  }
  const { principal_tags: principal, transitive_tag_keys: transitive } = claim as Record<
    string,
    unknown
  >;
  const tags: Tags = [];
  if (principal !== undefined) {
    if (principal === null || typeof principal !== 'object' || Array.isArray(principal)) {
      throw WebIdentityErrors.badClaim(
        'principal_tags must be an object of tag keys to one-element arrays.',
      );
    }
    for (const [key, value] of Object.entries(principal)) {
      const v = Array.isArray(value) ? value : [value];
      if (v.length !== 1 || typeof v[0] !== 'string') {
        throw WebIdentityErrors.badClaim(`Session tag ${key} must have exactly one string value.`);
      }
      tags.push({ Key: key, Value: v[0] });
    }
  }
  const keys = transitive === undefined ? [] : transitive;
  if (!Array.isArray(keys) || keys.some((k) => typeof k !== 'string')) {
    throw WebIdentityErrors.badClaim('transitive_tag_keys must be an array of tag keys.');
  }
  const v = new Constraints();
  checkTags(v, tags);
  v.count('transitiveTagKeys', keys, 50);
  v.check();
  return { tags, transitive: keys as string[] };
}

/** The source identity the token sets (`https://aws.amazon.com/source_identity`), if any. */
export function tokenSourceIdentity(claims: JWTPayload): string | undefined {
  const value = claims[SOURCE_IDENTITY_CLAIM];
  if (value === undefined) return undefined;
  if (typeof value !== 'string')
    throw WebIdentityErrors.badClaim(`The ${SOURCE_IDENTITY_CLAIM} claim must be a string.`);
  new Constraints()
    .length('sourceIdentity', value, 2, 64)
    .pattern('sourceIdentity', value, PATTERNS.sessionName.re, PATTERNS.sessionName.shown)
    .check();
  if (value.toLowerCase().startsWith('aws:')) {
    throw WebIdentityErrors.invalid();
  }
  return value;
}
