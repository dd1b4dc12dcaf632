import type { Caller } from '../../caller/types.ts';
import type { OperationContext } from '../../operation.ts';
import { newOutboundId, OUTBOUND_ALGORITHMS, outboundIssuer } from '../../oidc/outbound.ts';
import { ensureKeyRing } from '../../oidc/signing-keys.ts';
import type { XmlObject } from '../../protocol/xml.ts';
import { KvWebIdentityStore } from '../../store/web-identity.ts';
import { authorizeIam } from '../common/authorize.ts';
import { IamErrors } from '../common/errors.ts';

/**
 * EnableOutboundWebIdentityFederation: turns the feature on and answers the account's issuer URL.
 * The issuer id is made once and kept across disable and enable, so verifiers configured with it
 * keep working; the account's RS256 and ES384 signing keys are made here.
 */
export async function enableOutboundWebIdentityFederation(
  ctx: OperationContext,
  caller: Caller,
): Promise<XmlObject> {
  await authorizeIam(ctx, caller, 'iam:EnableOutboundWebIdentityFederation', '*');
  const store = new KvWebIdentityStore(ctx.env.IAM, { journal: ctx.account });
  const existing = await store.getOutbound(caller.account);
  if (existing?.enabled) throw IamErrors.outboundEnabled();
  const record = { enabled: true, issuerId: existing?.issuerId ?? newOutboundId() };
  await ensureKeyRing({
    sealSeed: ctx.env.SEAL_KEY,
    store,
    account: caller.account,
    purpose: 'outbound',
    algs: [...OUTBOUND_ALGORITHMS],
    now: ctx.info.now,
  });
  await store.putOutbound(caller.account, record);
  return { IssuerIdentifier: outboundIssuer(ctx.info, record.issuerId) };
}

export async function disableOutboundWebIdentityFederation(
  ctx: OperationContext,
  caller: Caller,
): Promise<undefined> {
  await authorizeIam(ctx, caller, 'iam:DisableOutboundWebIdentityFederation', '*');
  const store = new KvWebIdentityStore(ctx.env.IAM, { journal: ctx.account });
  const existing = await store.getOutbound(caller.account);
  if (!existing?.enabled) throw IamErrors.outboundDisabled();
  await store.putOutbound(caller.account, { ...existing, enabled: false });
  return undefined;
}

/** GetOutboundWebIdentityFederationInfo: the issuer URL and whether tokens are vended now. */
export async function getOutboundWebIdentityFederationInfo(
  ctx: OperationContext,
  caller: Caller,
): Promise<XmlObject> {
  await authorizeIam(ctx, caller, 'iam:GetOutboundWebIdentityFederationInfo', '*');
  const existing = await new KvWebIdentityStore(ctx.env.IAM).getOutbound(caller.account);
  if (!existing) throw IamErrors.outboundDisabled();
  return {
    IssuerIdentifier: outboundIssuer(ctx.info, existing.issuerId),
    JwtVendingEnabled: existing.enabled,
  };
}
