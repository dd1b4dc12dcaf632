import { decide } from '../caller/authorize.ts';
import type { Caller } from '../caller/types.ts';
import type { ContextValue } from '../policy/index.ts';
import type { OperationContext } from '../operation.ts';
import { Constraints, PATTERNS } from '../protocol/constraints.ts';
import { Errors } from '../protocol/errors.ts';
import type { XmlObject } from '../protocol/xml.ts';
import { assumedRoleArn, parseRoleArn } from './arns.ts';
import { issueSession } from './issue.ts';
import { verifyMfa } from './mfa.ts';
import { boundTrustPolicy } from './trust.ts';
import {
  mergeSessionTags,
  packedPolicyPercent,
  readSessionPolicyParams,
  readSessionTags,
  resolveSessionPolicies,
} from './session-params.ts';

const CHAINED_MAX_SECONDS = 3600;

/** AssumeRole (STS API Reference), with every parameter constraint and AWS's authorization rules. */
export async function assumeRole(ctx: OperationContext, caller: Caller): Promise<XmlObject> {
  const { params, store, info } = ctx;
  const v = new Constraints();
  const roleArn = params.require('RoleArn');
  const sessionName = params.require('RoleSessionName');
  const duration = params.integer('DurationSeconds');
  const externalId = params.get('ExternalId');
  const serialNumber = params.get('SerialNumber');
  const tokenCode = params.get('TokenCode');
  const sourceIdentity = params.get('SourceIdentity');
  v.length('roleArn', roleArn, 20, 2048)
    .pattern('roleArn', roleArn, PATTERNS.arn.re, PATTERNS.arn.shown)
    .length('roleSessionName', sessionName, 2, 64)
    .pattern('roleSessionName', sessionName, PATTERNS.sessionName.re, PATTERNS.sessionName.shown)
    .range('durationSeconds', duration, 900, 43200)
    .length('externalId', externalId, 2, 1224)
    .pattern('externalId', externalId, PATTERNS.externalId.re, PATTERNS.externalId.shown)
    .length('serialNumber', serialNumber, 9, 256)
    .pattern('serialNumber', serialNumber, PATTERNS.serialNumber.re, PATTERNS.serialNumber.shown)
    .length('tokenCode', tokenCode, 6, 6)
    .pattern('tokenCode', tokenCode, PATTERNS.tokenCode.re, PATTERNS.tokenCode.shown)
    .length('sourceIdentity', sourceIdentity, 2, 64)
    .pattern('sourceIdentity', sourceIdentity, PATTERNS.sessionName.re, PATTERNS.sessionName.shown);
  const policyParams = readSessionPolicyParams(params, v);
  const requestedTags = readSessionTags(params, v);
  v.check();

  if ((serialNumber === undefined) !== (tokenCode === undefined)) {
    throw Errors.validation('SerialNumber and TokenCode must be passed together.');
  }
  if (sourceIdentity?.toLowerCase().startsWith('aws:')) {
    throw Errors.validation("SourceIdentity can't begin with the prefix 'aws:'.");
  }
  const parsed = parseRoleArn(roleArn);
  const denied = () => Errors.notAuthorized(caller.arn, 'sts:AssumeRole', roleArn);
  if (!parsed) {
    // STS answers a malformed ARN (a missing colon, another service) like a role that does not
    // exist, and only something that is no ARN at all as invalid.
    if (roleArn.startsWith('arn:')) throw denied();
    throw Errors.validation('Request ARN is invalid');
  }
  if (serialNumber !== undefined && tokenCode !== undefined) {
    // Only an IAM user (or its GetSessionToken session) owns MFA devices; a role session has none.
    await verifyMfa(ctx.env, caller, {
      serialNumber,
      tokenCode,
      userId: caller.user?.id ?? '',
      now: info.now,
    });
  }
  const account = parsed.account;
  const role = await store.get(account, 'role', parsed.name);
  // A role that does not exist (or whose path differs) is indistinguishable from one that does not trust you.
  if (!role || role.arn !== roleArn) throw denied();

  const session = caller.session;
  const chained = session?.kind === 'AssumedRole';
  const effectiveSourceIdentity = session?.sourceIdentity ?? sourceIdentity;
  if (
    session?.sourceIdentity &&
    sourceIdentity !== undefined &&
    sourceIdentity !== session.sourceIdentity
  ) {
    throw Errors.notAuthorized(
      caller.arn,
      'sts:SetSourceIdentity',
      roleArn,
      ' because the source identity of the calling session cannot be changed',
    );
  }
  const sessionTags = mergeSessionTags(requestedTags, chained ? session : undefined);
  const tagKeys = Object.keys(sessionTags.tags);

  const context: Record<string, ContextValue> = { 'sts:RoleSessionName': sessionName };
  // The role is the resource: its tags are resource tags (ABAC on sts:AssumeRole).
  for (const t of role.tags) {
    context[`iam:ResourceTag/${t.Key}`] = t.Value;
    context[`aws:ResourceTag/${t.Key}`] = t.Value;
  }
  if (externalId !== undefined) context['sts:ExternalId'] = externalId;
  if (effectiveSourceIdentity !== undefined)
    context['sts:SourceIdentity'] = effectiveSourceIdentity;
  if (serialNumber !== undefined) {
    context['aws:MultiFactorAuthPresent'] = 'true';
    context['aws:MultiFactorAuthAge'] = '0';
  }
  if (tagKeys.length > 0) {
    for (const [k, val] of Object.entries(sessionTags.tags)) context[`aws:RequestTag/${k}`] = val;
    context['aws:TagKeys'] = tagKeys;
    context['sts:TransitiveTagKeys'] = sessionTags.transitiveTagKeys;
  }

  // The trust policy is the role's resource policy: evaluated together with the caller's own
  // identity, boundary and session policies ("Policy evaluation logic", cross-account rules included).
  const trustPolicy = boundTrustPolicy(role, caller);
  const check = async (action: string) => {
    const result = await decide(
      { store, caller, info },
      { action, resource: roleArn, context, resourcePolicy: trustPolicy, resourceAccount: account },
    );
    if (result.decision !== 'allowed') throw Errors.notAuthorized(caller.arn, action, roleArn);
  };
  await check('sts:AssumeRole');
  if (tagKeys.length > 0) await check('sts:TagSession');
  if (effectiveSourceIdentity !== undefined) await check('sts:SetSourceIdentity');

  const seconds = duration ?? 3600;
  if (chained && seconds > CHAINED_MAX_SECONDS) {
    throw Errors.validation(
      'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    );
  }
  if (seconds > role.maxSessionDuration) {
    throw Errors.validation(
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    );
  }

  const sessionPolicies = await resolveSessionPolicies(store, policyParams, account);
  const packed =
    sessionPolicies.length > 0 || tagKeys.length > 0
      ? await packedPolicyPercent(sessionPolicies, sessionTags.tags)
      : undefined;
  if (packed !== undefined && packed > 100) throw Errors.packedPolicyTooLarge(packed);

  const credentials = await issueSession(ctx.env, {
    account: account,
    kind: 'AssumedRole',
    arn: assumedRoleArn(account, role.name, sessionName),
    userId: `${role.id}:${sessionName}`,
    sourceName: role.name,
    sourceArn: role.arn,
    sourceId: role.id,
    sessionName,
    sessionPolicies,
    tags: sessionTags.tags,
    transitiveTagKeys: sessionTags.transitiveTagKeys,
    sourceIdentity: effectiveSourceIdentity,
    mfa: serialNumber !== undefined || (session?.mfa ?? false),
    mfaAuthTime:
      serialNumber !== undefined
        ? info.now
        : session?.mfa
          ? (session.mfaAuthTime ?? session.issuedAt)
          : undefined,
    issuedAt: info.now,
    expiresAt: info.now + seconds * 1000,
    chainDepth: chained ? session.chainDepth + 1 : 0,
  });

  // Element order as STS answers (STS API Reference, AssumeRole > Examples: the sample response).
  return {
    SourceIdentity: effectiveSourceIdentity,
    AssumedRoleUser: {
      AssumedRoleId: `${role.id}:${sessionName}`,
      Arn: assumedRoleArn(account, role.name, sessionName),
    },
    Credentials: { ...credentials },
    PackedPolicySize: packed,
  };
}
