import { nameRecord, setName, type ContextValue } from '../policy/index.ts';
import { isoSeconds } from '../protocol/xml.ts';
import type { Resource } from './request.ts';
import type { ResolvedSubject } from './subject.ts';

/**
 * The condition keys AWS would put in the request context for this subject and resource ("AWS
 * global condition context keys"), under the keys the caller gave (given keys win, compared
 * case-insensitively). Keys that describe the HTTP request the subject would make (aws:SourceIp,
 * aws:SecureTransport, aws:UserAgent, aws:RequestedRegion, ...) are the caller's to give: only the
 * application knows them (the subject's `ip_address` property, `sourceIp`, is aws:SourceIp). The
 * evaluator adds aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType and
 * aws:username/aws:userid where the principal ARN implies them.
 */
export function decisionContext(
  subject: ResolvedSubject,
  resource: Resource,
  given: Record<string, ContextValue>,
  now: number,
  sourceIp?: string,
): Record<string, ContextValue> {
  const ctx: Record<string, ContextValue> = {
    'aws:CurrentTime': isoSeconds(now),
    'aws:EpochTime': String(Math.floor(now / 1000)),
    'aws:PrincipalAccount': subject.account,
  };
  const entity = subject.user ?? subject.role;
  if (subject.user !== undefined && subject.session === undefined) {
    ctx['aws:username'] = subject.user.name;
    ctx['aws:userid'] = subject.user.id;
  }
  if (entity !== undefined) ctx['aws:PrincipalArn'] = entity.arn;
  // Principal tags: the user's or role's tags, overridden by session tags ("Passing session tags in AWS STS").
  const tags = nameRecord<string>();
  for (const t of entity?.tags ?? []) setName(tags, t.Key, t.Value);
  const session = subject.session;
  if (session !== undefined) {
    for (const [k, v] of Object.entries(session.tags)) setName(tags, k, v);
    ctx['aws:userid'] = session.userId;
    if (session.kind === 'User' && subject.user) ctx['aws:username'] = subject.user.name;
    ctx['aws:TokenIssueTime'] = isoSeconds(session.issuedAt);
    ctx['aws:MultiFactorAuthPresent'] = session.mfa ? 'true' : 'false';
    if (session.mfa) {
      ctx['aws:MultiFactorAuthAge'] = String(Math.floor((now - session.issuedAt) / 1000));
    }
    if (session.sourceIdentity) ctx['aws:SourceIdentity'] = session.sourceIdentity;
    if (session.kind === 'FederatedUser') delete ctx['aws:PrincipalArn'];
  }
  for (const [k, v] of Object.entries(tags)) ctx[`aws:PrincipalTag/${k}`] = v;
  for (const [k, v] of Object.entries(resource.tags ?? {})) ctx[`aws:ResourceTag/${k}`] = v;
  // The subject's ip_address property is the address its request comes from (aws:SourceIp).
  if (sourceIp !== undefined) ctx['aws:SourceIp'] = sourceIp;
  const resourceAccount =
    resource.account ?? /^arn:[^:]*:[^:]*:[^:]*:(\d{12}):/.exec(resource.id)?.[1];
  if (resourceAccount !== undefined) ctx['aws:ResourceAccount'] = resourceAccount;

  const givenKeys = Object.keys(given);
  if (givenKeys.length === 0) return ctx;
  const override = new Set(givenKeys.map((k) => k.toLowerCase()));
  const out = nameRecord<ContextValue>();
  for (const [k, v] of Object.entries(ctx)) if (!override.has(k.toLowerCase())) setName(out, k, v);
  for (const [k, v] of Object.entries(given)) setName(out, k, v);
  return out;
}
