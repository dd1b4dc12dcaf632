import type { OidcProviderRecord } from '../store/types.ts';
import { GITHUB_ACTIONS_CLAIMS } from './github-claims.ts';

/**
 * Each account's built-in OIDC issuer, `<origin>/oidc/<account-id>`, so pipelines can test their
 * real trust policies without a network or a real identity provider.
 *
 * Its issuer identifier always uses the https scheme, even when rolecall is reached over plain
 * http on a developer machine: IAM registers only https issuers (CreateOpenIDConnectProvider:
 * "The URL must begin with https://"), and rolecall never fetches its own issuer's keys, so the
 * identifier need not be reachable over https. Deployed on Workers, the two are the same URL.
 */
export const TEST_ISSUER_PATH = /^\/oidc\/(\d{12})$/;

/**
 * The tag that marks a provider of an account (for instance
 * `token.actions.githubusercontent.com`) as served by that account's test-issuer keys: tokens
 * with that `iss` are verified against the test issuer's JWKS instead of the real issuer's, and the
 * account's test issuer may mint them. Only the tagged account is affected.
 */
export const TEST_ISSUER_TAG = { key: 'rolecall:keys', value: 'test-issuer' } as const;

export function testIssuerUrl(host: string, account: string): string {
  return `https://${host}/oidc/${account}`;
}

/** The account whose test issuer a registered provider URL (`host/path`, no scheme) names, if any. */
export function testIssuerAccount(providerUrl: string, host: string | undefined): string | null {
  if (!host) return null;
  const slash = providerUrl.indexOf('/');
  if (slash === -1 || providerUrl.slice(0, slash).toLowerCase() !== host.toLowerCase()) return null;
  return TEST_ISSUER_PATH.exec(providerUrl.slice(slash))?.[1] ?? null;
}

/** Whether the account marked this provider's keys as its test issuer's. */
export function servedByTestIssuer(provider: OidcProviderRecord): boolean {
  return provider.tags.some(
    (t) => t.Key === TEST_ISSUER_TAG.key && t.Value === TEST_ISSUER_TAG.value,
  );
}

/** GitHub's documented claim set ("About security hardening with OpenID Connect"), in discovery. */
export const GITHUB_CLAIMS = [
  'sub',
  'aud',
  'iss',
  'exp',
  'iat',
  'nbf',
  'jti',
  ...GITHUB_ACTIONS_CLAIMS,
  'check_run_id',
] as const;

/** The discovery document (OpenID Connect Discovery 1.0, section 3). */
export function testIssuerDiscovery(options: {
  issuer: string;
  origin: string;
  account: string;
}): Record<string, unknown> {
  const base = `${options.origin}/oidc/${options.account}`;
  return {
    issuer: options.issuer,
    jwks_uri: `${base}/.well-known/jwks.json`,
    token_endpoint: `${base}/token`,
    response_types_supported: ['id_token'],
    subject_types_supported: ['public', 'pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    scopes_supported: ['openid'],
    claims_supported: [...GITHUB_CLAIMS, 'kubernetes.io'],
  };
}
