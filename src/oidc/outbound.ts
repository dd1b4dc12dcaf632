import type { RequestInfo } from '../caller/types.ts';
import type { SigningAlgorithm } from '../store/web-identity.ts';

/**
 * Outbound identity federation ("Getting started with outbound identity federation", IAM User
 * Guide): an account that enabled it gets a unique issuer URL hosting `/.well-known/openid-configuration`
 * and `/.well-known/jwks.json`, and its principals call STS GetWebIdentityToken for JWTs signed by
 * the account's keys. AWS's issuer is `https://<id>.tokens.sts.global.api.aws`; rolecall's is
 * `<origin>/outbound/<id>`, on the scheme and host the request came in on, so an outside verifier
 * can fetch its keys from a local instance too.
 */
export const OUTBOUND_ALGORITHMS: readonly SigningAlgorithm[] = ['RS256', 'ES384'];
export const OUTBOUND_ID = /^[0-9a-f]{32}$/;

export function outboundIssuer(
  info: Pick<RequestInfo, 'host' | 'secureTransport'>,
  id: string,
): string {
  return `${info.secureTransport ? 'https' : 'http'}://${info.host}/outbound/${id}`;
}

export function newOutboundId(): string {
  return crypto.randomUUID().replace(/-/g, '');
}

export function outboundDiscovery(issuer: string): Record<string, unknown> {
  return {
    issuer,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    response_types_supported: ['id_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [...OUTBOUND_ALGORITHMS],
    claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'jti', 'https://sts.amazonaws.com/'],
  };
}
