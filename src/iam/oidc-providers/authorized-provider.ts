import type { Caller } from '../../caller/types.ts';
import type { OperationContext } from '../../operation.ts';
import type { Constraints } from '../../protocol/constraints.ts';
import type { OidcProviderRecord } from '../../store/types.ts';
import { authorizeIam } from '../common/authorize.ts';
import { parseOidcProviderArn } from '../common/arns.ts';
import { checkArn } from '../common/constraints.ts';
import { IamErrors } from '../common/errors.ts';
import { resourceContext } from '../common/resource-context.ts';

/** The `OpenIDConnectProviderArn` parameter, its constraints added to `v`. */
export function readProviderArn(ctx: OperationContext, v: Constraints): string {
  const arn = ctx.params.require('OpenIDConnectProviderArn');
  checkArn(v, 'openIDConnectProviderArn', arn);
  return arn;
}

/**
 * Authorizes `action` on the provider an ARN names and returns it, or null when the caller's
 * account has no such provider (InvalidInput for a malformed ARN).
 */
export async function authorizeProvider(
  ctx: OperationContext,
  caller: Caller,
  request: { action: string; arn: string; context?: Record<string, string | string[]> },
): Promise<OidcProviderRecord | null> {
  const { action, arn } = request;
  const parsed = parseOidcProviderArn(arn);
  if (!parsed) throw IamErrors.invalidArn(arn);
  // Read before authorizing so the provider's tags reach aws:ResourceTag; another account's is never read.
  const stored =
    parsed.account === caller.account
      ? await ctx.store.get(parsed.account, 'oidc', parsed.url)
      : null;
  const record = stored && stored.arn === arn ? stored : null;
  await authorizeIam(ctx, caller, action, arn, {
    ...resourceContext(action, 'oidc', record),
    ...request.context,
  });
  return record;
}
