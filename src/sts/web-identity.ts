import { compiled } from '../caller/policies.ts';
import type { OperationContext } from '../operation.ts';
import { findProvider, keySourceFor } from '../oidc/provider-keys.ts';
import { peekToken, verifyToken } from '../oidc/verify.ts';
import { PolicyError, type ContextValue } from '../policy/index.ts';
import { Constraints } from '../protocol/constraints.ts';
import { Errors, WebIdentityErrors } from '../protocol/errors.ts';
import type { XmlObject } from '../protocol/xml.ts';
import { KvWebIdentityStore } from '../store/web-identity.ts';
import { assumedRoleArn, parseRoleArn } from './arns.ts';
import { issueSession } from './issue.ts';
import {
  mergeSessionTags,
  packedPolicySize,
  readRoleSession,
  readSessionPolicyParams,
  resolveSessionPolicies,
} from './session-params.ts';
import {
  matchAudience,
  tokenContext,
  tokenSessionTags,
  tokenSourceIdentity,
} from './web-identity-claims.ts';

/** OAuth 2.0 providers whose access tokens STS validates by calling the provider, which rolecall never does. */
const OAUTH_PROVIDERS = new Set(['www.amazon.com', 'graph.facebook.com']);

/**
 * AssumeRoleWithWebIdentity (STS API Reference). Unsigned: the account is the role's, taken from
 * RoleArn. The token's issuer must be an OIDC provider registered in that account, its signature
 * must verify against the provider's keys, its audience must be one of the provider's client ids,
 * and the role's trust policy must allow the provider (`Principal.Federated`) under the token's
 * condition keys.
 */
export async function assumeRoleWithWebIdentity(ctx: OperationContext): Promise<XmlObject> {
  const { params, store, info, env } = ctx;
  const v = new Constraints();
  const { roleArn, sessionName } = readRoleSession(params, v);
  const tokenParam = params.get('WebIdentityToken');
  v.required('webIdentityToken', tokenParam);
  const token = tokenParam ?? '';
  const providerId = params.get('ProviderId');
  const duration = params.integer('DurationSeconds');
  v.length('providerId', providerId, 4, 2048).range('durationSeconds', duration, 900, 43200);
  // The token is a sensitive member: its length is checked without echoing it.
  if (tokenParam !== undefined && token.length < 4)
    v.add('webIdentityToken', '***', 'Member must have length greater than or equal to 4');
  if (token.length > 20000)
    v.add('webIdentityToken', '***', 'Member must have length less than or equal to 20000');
  const policyParams = readSessionPolicyParams(params, v);
  v.check();

  const parsed = parseRoleArn(roleArn);
  if (!parsed) {
    if (roleArn.startsWith('arn:')) throw WebIdentityErrors.denied();
    throw Errors.validation('Request ARN is invalid');
  }
  if (providerId !== undefined && OAUTH_PROVIDERS.has(providerId.toLowerCase())) {
    throw WebIdentityErrors.rejected(
      `${providerId}: rolecall does not call OAuth 2.0 providers to validate access tokens; use an OpenID Connect ID token.`,
    );
  }
  const account = parsed.account;
  const peeked = peekToken(token);
  const provider = await findProvider(store, account, peeked.issuer);
  if (!provider) throw WebIdentityErrors.noProvider(peeked.issuer);
  const claims = await verifyToken(
    token,
    keySourceFor({
      provider,
      account,
      host: info.host,
      keys: new KvWebIdentityStore(env.IAM),
      now: info.now,
    }),
    info.now,
  );
  const audience = matchAudience(claims, provider.clientIds);
  if (audience === null) throw WebIdentityErrors.audience();
  const requestedTags = tokenSessionTags(claims);
  const sourceIdentity = tokenSourceIdentity(claims);

  const role = await store.get(account, 'role', parsed.name);
  // A role that does not exist (or whose path differs) answers as one that does not trust the token.
  if (!role || role.arn !== roleArn) throw WebIdentityErrors.denied();

  const sessionTags = mergeSessionTags(requestedTags);
  const tagKeys = Object.keys(sessionTags.tags);
  const context: Record<string, ContextValue> = {
    'aws:CurrentTime': new Date(info.now).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'aws:EpochTime': String(Math.floor(info.now / 1000)),
    'aws:SecureTransport': info.secureTransport ? 'true' : 'false',
    'aws:RequestedRegion': info.region,
    'sts:RoleSessionName': sessionName,
    ...tokenContext({ providerUrl: provider.url, providerArn: provider.arn, claims, audience }),
  };
  if (info.sourceIp) context['aws:SourceIp'] = info.sourceIp;
  if (info.userAgent) context['aws:UserAgent'] = info.userAgent;
  for (const t of role.tags) context[`aws:ResourceTag/${t.Key}`] = t.Value;
  if (sourceIdentity !== undefined) context['sts:SourceIdentity'] = sourceIdentity;
  if (tagKeys.length > 0) {
    for (const [k, val] of Object.entries(sessionTags.tags)) context[`aws:RequestTag/${k}`] = val;
    context['aws:TagKeys'] = tagKeys;
    context['sts:TransitiveTagKeys'] = sessionTags.transitiveTagKeys;
  }

  // The trust policy alone decides: a web identity has no identity-based policies of its own.
  const trust = (action: string) => {
    try {
      return compiled({ identity: [], resource: role.assumeRolePolicyDocument }).decide({
        principal: provider.arn,
        action,
        resource: roleArn,
        resourceAccount: account,
        context,
      }).decision;
    } catch (e) {
      if (e instanceof PolicyError) return 'implicitDeny';
      throw e;
    }
  };
  if (trust('sts:AssumeRoleWithWebIdentity') !== 'allowed') throw WebIdentityErrors.denied();
  if (tagKeys.length > 0 && trust('sts:TagSession') !== 'allowed') throw WebIdentityErrors.denied();
  if (sourceIdentity !== undefined && trust('sts:SetSourceIdentity') !== 'allowed') {
    throw WebIdentityErrors.denied();
  }

  const seconds = duration ?? 3600;
  if (seconds > role.maxSessionDuration) {
    throw Errors.validation(
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    );
  }
  const sessionPolicies = await resolveSessionPolicies(store, policyParams, account);
  const packed = await packedPolicySize(sessionPolicies, sessionTags.tags);

  const arn = assumedRoleArn(account, role.name, sessionName);
  const credentials = await issueSession(env, {
    account,
    kind: 'AssumedRole',
    arn,
    userId: `${role.id}:${sessionName}`,
    sourceName: role.name,
    sourceArn: role.arn,
    sourceId: role.id,
    sessionName,
    sessionPolicies,
    tags: sessionTags.tags,
    transitiveTagKeys: sessionTags.transitiveTagKeys,
    sourceIdentity,
    mfa: false,
    issuedAt: info.now,
    expiresAt: info.now + seconds * 1000,
    chainDepth: 0,
  });

  // Element order as in the API reference's sample response.
  return {
    Credentials: { ...credentials },
    SubjectFromWebIdentityToken: String(claims.sub),
    AssumedRoleUser: { AssumedRoleId: `${role.id}:${sessionName}`, Arn: arn },
    PackedPolicySize: packed,
    Provider: provider.arn,
    Audience: audience,
    SourceIdentity: sourceIdentity,
  };
}
