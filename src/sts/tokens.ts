import { authorize } from '../caller/authorize.ts';
import type { Caller } from '../caller/types.ts';
import type { OperationContext } from '../operation.ts';
import { Constraints, PATTERNS } from '../protocol/constraints.ts';
import { Errors } from '../protocol/errors.ts';
import { requestTagContext } from '../protocol/tags.ts';
import type { XmlObject } from '../protocol/xml.ts';
import { federatedUserArn } from './arns.ts';
import { issueSession } from './issue.ts';
import { verifyMfa } from './mfa.ts';
import {
  mergeSessionTags,
  packedPolicySize,
  readSessionPolicyParams,
  readSessionTags,
  resolveSessionPolicies,
} from './session-params.ts';
import { StsErrors } from './errors.ts';

const USER_MAX_SECONDS = 129600;
const USER_DEFAULT_SECONDS = 43200;

/** Only long-term user credentials reach these actions (operations.ts); this narrows the type. */
function longTermUser(caller: Caller): NonNullable<Caller['user']> {
  if (!caller.user) throw StsErrors.onlyUsers();
  return caller.user;
}

function readMfa(ctx: OperationContext, v: Constraints) {
  const serialNumber = ctx.params.get('SerialNumber');
  const tokenCode = ctx.params.get('TokenCode');
  v.length('serialNumber', serialNumber, 9, 256)
    .pattern('serialNumber', serialNumber, PATTERNS.serialNumber.re, PATTERNS.serialNumber.shown)
    .length('tokenCode', tokenCode, 6, 6)
    .pattern('tokenCode', tokenCode, PATTERNS.tokenCode.re, PATTERNS.tokenCode.shown);
  return serialNumber !== undefined && tokenCode !== undefined
    ? { serialNumber, tokenCode }
    : undefined;
}

/**
 * GetSessionToken: temporary credentials with the user's own permissions, typically to add MFA.
 * "No permissions are required for users to perform this operation" (STS API Reference).
 */
export async function getSessionToken(ctx: OperationContext, caller: Caller): Promise<XmlObject> {
  const v = new Constraints();
  const duration = ctx.params.integer('DurationSeconds');
  v.range('durationSeconds', duration, 900, USER_MAX_SECONDS);
  const mfa = readMfa(ctx, v);
  v.check();
  const user = longTermUser(caller);
  const now = ctx.info.now;
  // The code is checked and spent in the account's object (a code works once), before issuing.
  if (mfa) await verifyMfa(ctx.env, caller, { ...mfa, userId: user.id, now });
  const credentials = await issueSession(ctx.env, {
    account: caller.account,
    kind: 'User',
    arn: caller.arn,
    userId: caller.userId,
    sourceName: user.name,
    sourceArn: user.arn,
    sourceId: user.id,
    sessionPolicies: [],
    tags: {},
    transitiveTagKeys: [],
    mfa: mfa !== undefined,
    mfaAuthTime: mfa ? now : undefined,
    issuedAt: now,
    expiresAt: now + (duration ?? USER_DEFAULT_SECONDS) * 1000,
    chainDepth: 0,
  });
  return { Credentials: { ...credentials } };
}

/**
 * GetFederationToken: a federated-user session whose permissions are the intersection of the user's
 * policies and the session policies passed here; with none passed it has no permissions.
 */
export async function getFederationToken(
  ctx: OperationContext,
  caller: Caller,
): Promise<XmlObject> {
  const { params, store, info } = ctx;
  const v = new Constraints();
  const name = params.require('Name');
  const duration = params.integer('DurationSeconds');
  v.length('name', name, 2, 32)
    .pattern('name', name, PATTERNS.sessionName.re, PATTERNS.sessionName.shown)
    .range('durationSeconds', duration, 900, USER_MAX_SECONDS);
  const policyParams = readSessionPolicyParams(params, v);
  const requestedTags = readSessionTags(params, v);
  v.check();
  const user = longTermUser(caller);

  const arn = federatedUserArn(caller.account, name);
  const tags = mergeSessionTags(requestedTags);
  const tagKeys = Object.keys(tags.tags);
  const context = requestTagContext(requestedTags.tags);
  const asker = { store, caller, info };
  await authorize(asker, { action: 'sts:GetFederationToken', resource: arn, context });
  if (tagKeys.length > 0) {
    await authorize(asker, { action: 'sts:TagSession', resource: arn, context });
  }

  const sessionPolicies = await resolveSessionPolicies(store, policyParams, caller.account);
  const packed = await packedPolicySize(sessionPolicies, tags.tags);
  const credentials = await issueSession(ctx.env, {
    account: caller.account,
    kind: 'FederatedUser',
    arn,
    userId: `${caller.account}:${name}`,
    sourceName: user.name,
    sourceArn: user.arn,
    sourceId: user.id,
    sessionName: name,
    sessionPolicies,
    tags: tags.tags,
    transitiveTagKeys: [],
    mfa: false,
    issuedAt: info.now,
    expiresAt: info.now + (duration ?? USER_DEFAULT_SECONDS) * 1000,
    chainDepth: 0,
  });
  return {
    Credentials: { ...credentials },
    FederatedUser: { FederatedUserId: `${caller.account}:${name}`, Arn: arn },
    PackedPolicySize: packed,
  };
}
