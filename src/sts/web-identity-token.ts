import { nameRecord, setName } from '../policy/index.ts';
import { SignJWT, type JWTPayload } from 'jose';
import { authorize } from '../caller/authorize.ts';
import type { Caller } from '../caller/types.ts';
import type { OperationContext } from '../operation.ts';
import { OUTBOUND_ALGORITHMS, outboundIssuer } from '../oidc/outbound.ts';
import { activeKey, keyRingWith, privateKeyOf } from '../oidc/signing-keys.ts';
import type { ContextValue } from '../policy/index.ts';
import { Constraints } from '../protocol/constraints.ts';
import { Errors } from '../protocol/errors.ts';
import { checkTags, readTags } from '../protocol/tags.ts';
import type { XmlObject } from '../protocol/xml.ts';
import { KvWebIdentityStore, type SigningAlgorithm } from '../store/web-identity.ts';
import { StsErrors } from './errors.ts';

/** The largest token payload signed; more tags than fit answer JWTPayloadSizeExceededException. */
export const MAX_PAYLOAD_BYTES = 8 * 1024;
const NAMESPACE = 'https://sts.amazonaws.com/';

/**
 * GetWebIdentityToken (STS API Reference): a JWT about the caller, signed with the account's
 * outbound key for the requested algorithm. Claims follow "Understanding token claims" (IAM User
 * Guide): iss, aud, sub (the user's or the role's ARN), iat, exp, jti, and under
 * `https://sts.amazonaws.com/` the account, region, principal id, principal tags and request tags.
 * Authorized as `sts:GetWebIdentityToken` with `sts:IdentityTokenAudience`, `sts:DurationSeconds`,
 * `sts:SigningAlgorithm` and the request tags in the context.
 */
export async function getWebIdentityToken(
  ctx: OperationContext,
  caller: Caller,
): Promise<XmlObject> {
  const { params, info, env } = ctx;
  const audiences = params.list('Audience');
  if (audiences.length === 0) params.require('Audience.member.1', 'audience');
  const duration = params.integer('DurationSeconds') ?? 300;
  const algorithm = params.require('SigningAlgorithm');
  const tags = readTags(params);
  const v = new Constraints();
  v.count('audience', audiences, 10);
  audiences.forEach((a, i) => v.length(`audience.${i + 1}.member`, a, 1, 1000));
  v.range('durationSeconds', duration, 60, 3600).length('signingAlgorithm', algorithm, 5, 5);
  checkTags(v, tags);
  v.check();
  if (!(OUTBOUND_ALGORITHMS as readonly string[]).includes(algorithm)) {
    throw Errors.validation(
      `Unsupported signing algorithm '${algorithm}'. Valid values are RS256 and ES384.`,
    );
  }
  const seen = new Set<string>();
  for (const t of tags) {
    if (seen.has(t.Key.toLowerCase())) {
      throw StsErrors.duplicateTagKeys();
    }
    seen.add(t.Key.toLowerCase());
  }

  const store = new KvWebIdentityStore(env.IAM);
  const outbound = await store.getOutbound(caller.account);
  if (!outbound?.enabled) {
    throw StsErrors.outboundDisabled(
      'The outbound web identity federation feature is not enabled for this account. To use this feature, you must first enable it through the AWS Management Console or API.',
    );
  }

  const context: Record<string, ContextValue> = {
    'sts:IdentityTokenAudience': audiences,
    'sts:DurationSeconds': String(duration),
    'sts:SigningAlgorithm': algorithm,
  };
  for (const t of tags) context[`aws:RequestTag/${t.Key}`] = t.Value;
  if (tags.length > 0) context['aws:TagKeys'] = tags.map((t) => t.Key);
  await authorize(
    { store: ctx.store, caller, info },
    { action: 'sts:GetWebIdentityToken', resource: '*', context },
  );

  const expiresAt = info.now + duration * 1000;
  if (caller.session && expiresAt > caller.session.expiresAt) {
    throw StsErrors.sessionDurationEscalation();
  }

  // Made at enable; made here too if they are gone (an account seeded or restored without them).
  const ring = await keyRingWith({
    env,
    account: caller.account,
    purpose: 'outbound',
    algs: [...OUTBOUND_ALGORITHMS],
    now: info.now,
  });
  const key = activeKey(ring, algorithm as SigningAlgorithm)!;

  const principal = caller.session?.kind === 'AssumedRole' ? caller.session.sourceArn : caller.arn;
  const principalTags = nameRecord<string>();
  for (const t of caller.user?.tags ?? caller.role?.tags ?? [])
    setName(principalTags, t.Key, t.Value);
  for (const [k, val] of Object.entries(caller.session?.tags ?? {})) setName(principalTags, k, val);
  const requestTags = Object.fromEntries(tags.map((t) => [t.Key, t.Value]));
  const aws: Record<string, unknown> = {
    aws_account: caller.account,
    source_region: info.region,
    principal_id: principal,
  };
  if (Object.keys(principalTags).length > 0) aws.principal_tags = principalTags;
  if (Object.keys(requestTags).length > 0) aws.request_tags = requestTags;
  const seconds = Math.floor(info.now / 1000);
  const claims: JWTPayload = {
    iss: outboundIssuer(info, outbound.issuerId),
    aud: audiences.length === 1 ? audiences[0] : audiences,
    sub: principal,
    iat: seconds,
    exp: seconds + duration,
    jti: crypto.randomUUID(),
    [NAMESPACE]: aws,
  };
  if (JSON.stringify(claims).length > MAX_PAYLOAD_BYTES) {
    throw StsErrors.jwtPayloadTooLarge(
      'The requested token payload size exceeds the maximum allowed size. Reduce the number of request tags included in the GetWebIdentityToken API call to reduce the token payload size.',
    );
  }
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .sign(await privateKeyOf(env.SEAL_KEY, caller.account, 'outbound', key));
  return {
    WebIdentityToken: token,
    Expiration: new Date(seconds * 1000 + duration * 1000).toISOString(),
  };
}
