import { nameRecord, setName } from '../policy/index.ts';
import type { ContextValue } from '../policy/index.ts';
import { isoSeconds, type Service } from '../protocol/xml.ts';
import type { Caller, RequestInfo } from './types.ts';

const IAM_REGION = 'us-east-1';

/**
 * aws:RequestedRegion for a request to `service` signed for `scopeRegion`. IAM is global, with one
 * endpoint in US East (N. Virginia): its calls are made to us-east-1 whatever Region the client
 * scoped its signature to (IAM User Guide, AWS global condition context keys: aws:RequestedRegion).
 * STS is regional: the signing Region is the Region called.
 */
export function requestedRegion(service: Service, scopeRegion: string | undefined): string {
  return service === 'iam' ? IAM_REGION : (scopeRegion ?? IAM_REGION);
}

/**
 * The global condition keys AWS fills in for every request ("AWS global condition context keys"),
 * from the caller and the HTTP request. Operation-specific keys (sts:ExternalId, aws:RequestTag/...)
 * are added by the operation.
 */
export function requestContext(
  caller: Caller,
  info: RequestInfo,
  extra: Record<string, ContextValue> = {},
): Record<string, ContextValue> {
  const ctx: Record<string, ContextValue> = {
    'aws:CurrentTime': isoSeconds(info.now),
    'aws:EpochTime': String(Math.floor(info.now / 1000)),
    'aws:SecureTransport': info.secureTransport ? 'true' : 'false',
    'aws:RequestedRegion': info.region,
    'aws:PrincipalAccount': caller.account,
    'aws:userid': caller.userId,
    'aws:ViaAWSService': 'false',
    'aws:PrincipalIsAWSService': 'false',
  };
  if (info.sourceIp) ctx['aws:SourceIp'] = info.sourceIp;
  if (info.userAgent) ctx['aws:UserAgent'] = info.userAgent;
  if (caller.kind === 'User' && caller.user) ctx['aws:username'] = caller.user.name;

  // Principal tags: the user's or role's tags, overridden by session tags (Passing session tags in AWS STS).
  const tags = nameRecord<string>();
  for (const t of caller.user?.tags ?? caller.role?.tags ?? []) setName(tags, t.Key, t.Value);
  for (const [k, v] of Object.entries(caller.session?.tags ?? {})) setName(tags, k, v);
  for (const [k, v] of Object.entries(tags)) ctx[`aws:PrincipalTag/${k}`] = v;

  const session = caller.session;
  // For a role session aws:PrincipalArn is the role's ARN, path included, which the session ARN lacks.
  if (session?.kind === 'AssumedRole') ctx['aws:PrincipalArn'] = session.sourceArn;
  if (session) {
    ctx['aws:TokenIssueTime'] = isoSeconds(session.issuedAt);
    ctx['aws:MultiFactorAuthPresent'] = session.mfa ? 'true' : 'false';
    if (session.mfa) {
      const authTime = session.mfaAuthTime ?? session.issuedAt;
      ctx['aws:MultiFactorAuthAge'] = String(Math.floor((info.now - authTime) / 1000));
    }
    if (session.sourceIdentity) ctx['aws:SourceIdentity'] = session.sourceIdentity;
  }
  return { ...ctx, ...extra };
}
