import { decide } from '../caller/authorize.ts';
import type { Caller } from '../caller/types.ts';
import type { ContextValue } from '../policy/index.ts';
import type { OperationContext } from '../operation.ts';
import { Constraints, PATTERNS } from '../protocol/constraints.ts';
import { Errors } from '../protocol/errors.ts';
import type { XmlObject } from '../protocol/xml.ts';
import type { RoleRecord } from '../store/types.ts';
import { assumedRoleArn, parseRoleArn } from './arns.ts';
import { issueSession } from './issue.ts';
import { verifyMfa } from './mfa.ts';
import { boundTrustPolicy } from './trust.ts';
import {
  mergeSessionTags,
  packedPolicySize,
  readRoleSession,
  readSessionPolicyParams,
  readSessionTags,
  resolveSessionPolicies,
} from './session-params.ts';

const CHAINED_MAX_SECONDS = 3600;

/** AssumeRole's parameters, read and checked against the API's constraints. */
interface AssumeRoleRequest {
  roleArn: string;
  sessionName: string;
  duration?: number;
  externalId?: string;
  mfa?: { serialNumber: string; tokenCode: string };
  sourceIdentity?: string;
  policyParams: ReturnType<typeof readSessionPolicyParams>;
  requestedTags: ReturnType<typeof readSessionTags>;
}

/**
 * AssumeRole (STS API Reference), with every parameter constraint and AWS's authorization rules,
 * in AWS's order: parse, find the role, build the request context, authorize, check the duration,
 * issue, render.
 */
export async function assumeRole(ctx: OperationContext, caller: Caller): Promise<XmlObject> {
  const request = readRequest(ctx);
  // A malformed ARN is denied before the MFA code is spent, as a missing role is (findRole).
  if (!parseRoleArn(request.roleArn)) {
    throw Errors.notAuthorized(caller.arn, 'sts:AssumeRole', request.roleArn);
  }
  if (request.mfa) {
    // Only an IAM user (or its GetSessionToken session) owns MFA devices; a role session has none.
    await verifyMfa(ctx.env, caller, {
      ...request.mfa,
      userId: caller.user?.id ?? '',
      now: ctx.info.now,
    });
  }
  const role = await findRole(ctx, caller, request.roleArn);
  const session = caller.session;
  const chained = session?.kind === 'AssumedRole';
  const sourceIdentity = effectiveSourceIdentity(caller, request);
  const sessionTags = mergeSessionTags(request.requestedTags, chained ? session : undefined);
  const context = requestContext({ role, request, sourceIdentity, sessionTags });
  await authorizeAssume(ctx, caller, { role, context, sourceIdentity, sessionTags });
  const seconds = sessionSeconds(role, request, chained);

  const account = role.account;
  const sessionPolicies = await resolveSessionPolicies(ctx.store, request.policyParams, account);
  const tagKeys = Object.keys(sessionTags.tags);
  const packed = await packedPolicySize(sessionPolicies, sessionTags.tags);

  const { sessionName } = request;
  const now = ctx.info.now;
  const mfa = request.mfa !== undefined;
  const credentials = await issueSession(ctx.env, {
    account: account,
    kind: 'AssumedRole',
    arn: assumedRoleArn(account, role.record.name, sessionName),
    userId: `${role.record.id}:${sessionName}`,
    sourceName: role.record.name,
    sourceArn: role.record.arn,
    sourceId: role.record.id,
    sessionName,
    sessionPolicies,
    tags: sessionTags.tags,
    transitiveTagKeys: sessionTags.transitiveTagKeys,
    sourceIdentity,
    mfa: mfa || (session?.mfa ?? false),
    mfaAuthTime: mfa ? now : session?.mfa ? (session.mfaAuthTime ?? session.issuedAt) : undefined,
    issuedAt: now,
    expiresAt: now + seconds * 1000,
    chainDepth: chained ? session.chainDepth + 1 : 0,
  });

  // Element order as STS answers (STS API Reference, AssumeRole > Examples: the sample response).
  return {
    SourceIdentity: sourceIdentity,
    AssumedRoleUser: {
      AssumedRoleId: `${role.record.id}:${sessionName}`,
      Arn: assumedRoleArn(account, role.record.name, sessionName),
    },
    Credentials: { ...credentials },
    PackedPolicySize: packed,
  };
}

/** Reads every parameter and checks the API's constraints (ValidationError, all violations at once). */
function readRequest(ctx: OperationContext): AssumeRoleRequest {
  const { params } = ctx;
  const v = new Constraints();
  const { roleArn, sessionName } = readRoleSession(params, v);
  const duration = params.integer('DurationSeconds');
  const externalId = params.get('ExternalId');
  const serialNumber = params.get('SerialNumber');
  const tokenCode = params.get('TokenCode');
  const sourceIdentity = params.get('SourceIdentity');
  v.range('durationSeconds', duration, 900, 43200)
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
  if (!parseRoleArn(roleArn) && !roleArn.startsWith('arn:')) {
    // STS answers a malformed ARN (a missing colon, another service) like a role that does not
    // exist (findRole), and only something that is no ARN at all as invalid.
    throw Errors.validation('Request ARN is invalid');
  }
  return {
    roleArn,
    sessionName,
    duration,
    externalId,
    mfa:
      serialNumber !== undefined && tokenCode !== undefined
        ? { serialNumber, tokenCode }
        : undefined,
    sourceIdentity,
    policyParams,
    requestedTags,
  };
}

type FoundRole = { account: string; record: RoleRecord };

/** The role named by the ARN; one that does not exist (or whose path differs) is indistinguishable from one that does not trust you. */
async function findRole(
  ctx: OperationContext,
  caller: Caller,
  roleArn: string,
): Promise<FoundRole> {
  const parsed = parseRoleArn(roleArn);
  const denied = () => Errors.notAuthorized(caller.arn, 'sts:AssumeRole', roleArn);
  if (!parsed) throw denied();
  const role = await ctx.store.get(parsed.account, 'role', parsed.name);
  if (!role || role.arn !== roleArn) throw denied();
  return { account: parsed.account, record: role };
}

/** The source identity is sticky: a chained session keeps its own and may not change it. */
function effectiveSourceIdentity(caller: Caller, request: AssumeRoleRequest): string | undefined {
  const session = caller.session;
  const requested = request.sourceIdentity;
  if (session?.sourceIdentity && requested !== undefined && requested !== session.sourceIdentity) {
    throw Errors.notAuthorized(
      caller.arn,
      'sts:SetSourceIdentity',
      request.roleArn,
      ' because the source identity of the calling session cannot be changed',
    );
  }
  return session?.sourceIdentity ?? requested;
}

type SessionTags = ReturnType<typeof mergeSessionTags>;

/** The condition keys AssumeRole's authorization sees (STS condition keys; the role's tags as resource tags). */
function requestContext(input: {
  role: FoundRole;
  request: AssumeRoleRequest;
  sourceIdentity: string | undefined;
  sessionTags: SessionTags;
}): Record<string, ContextValue> {
  const { role, request, sourceIdentity, sessionTags } = input;
  const context: Record<string, ContextValue> = { 'sts:RoleSessionName': request.sessionName };
  // The role is the resource: its tags are resource tags (ABAC on sts:AssumeRole).
  for (const t of role.record.tags) {
    context[`iam:ResourceTag/${t.Key}`] = t.Value;
    context[`aws:ResourceTag/${t.Key}`] = t.Value;
  }
  if (request.externalId !== undefined) context['sts:ExternalId'] = request.externalId;
  if (sourceIdentity !== undefined) context['sts:SourceIdentity'] = sourceIdentity;
  if (request.mfa !== undefined) {
    context['aws:MultiFactorAuthPresent'] = 'true';
    context['aws:MultiFactorAuthAge'] = '0';
  }
  const tagKeys = Object.keys(sessionTags.tags);
  if (tagKeys.length > 0) {
    for (const [k, val] of Object.entries(sessionTags.tags)) context[`aws:RequestTag/${k}`] = val;
    context['aws:TagKeys'] = tagKeys;
    context['sts:TransitiveTagKeys'] = sessionTags.transitiveTagKeys;
  }
  return context;
}

/**
 * sts:AssumeRole, then sts:TagSession and sts:SetSourceIdentity when used. The trust policy is the
 * role's resource policy: evaluated together with the caller's own identity, boundary and session
 * policies ("Policy evaluation logic", cross-account rules included).
 */
async function authorizeAssume(
  ctx: OperationContext,
  caller: Caller,
  input: {
    role: FoundRole;
    context: Record<string, ContextValue>;
    sourceIdentity: string | undefined;
    sessionTags: SessionTags;
  },
): Promise<void> {
  const { role, context } = input;
  const trustPolicy = boundTrustPolicy(role.record, caller);
  const check = async (action: string) => {
    const result = await decide(
      { store: ctx.store, caller, info: ctx.info },
      {
        action,
        resource: role.record.arn,
        context,
        resourcePolicy: trustPolicy,
        resourceAccount: role.account,
      },
    );
    if (result.decision !== 'allowed') {
      throw Errors.notAuthorized(caller.arn, action, role.record.arn);
    }
  };
  await check('sts:AssumeRole');
  if (Object.keys(input.sessionTags.tags).length > 0) await check('sts:TagSession');
  if (input.sourceIdentity !== undefined) await check('sts:SetSourceIdentity');
}

/** DurationSeconds (default 3600) within the role's MaxSessionDuration, and one hour when chaining. */
function sessionSeconds(role: FoundRole, request: AssumeRoleRequest, chained: boolean): number {
  const seconds = request.duration ?? 3600;
  if (chained && seconds > CHAINED_MAX_SECONDS) {
    throw Errors.validation(
      'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    );
  }
  if (seconds > role.record.maxSessionDuration) {
    throw Errors.validation(
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    );
  }
  return seconds;
}
