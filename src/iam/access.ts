import { authorize } from '../caller/authorize.ts';
import type { Caller } from '../caller/types.ts';
import type { OperationContext } from '../operation.ts';
import type { ContextValue } from '../policy/index.ts';
import { Errors } from '../protocol/errors.ts';

/**
 * Authorizes one IAM call as IAM does: the caller's identity policies (with boundary and session
 * policies) must allow `action` on `resource`. IAM resources have no resource-based policies, so a
 * resource in another account is always denied. Sessions from GetSessionToken without MFA, and
 * federated-user sessions, cannot call IAM at all (STS API Reference: GetSessionToken,
 * GetFederationToken).
 */
export async function authorizeIam(
  ctx: OperationContext,
  caller: Caller,
  action: string,
  resource: string,
  context: Record<string, ContextValue> = {},
): Promise<void> {
  const session = caller.session;
  if (session?.kind === 'User' && !session.mfa) {
    throw Errors.accessDenied(
      'You cannot call any IAM API operations unless MFA authentication information is included in the request.',
    );
  }
  if (session?.kind === 'FederatedUser') {
    throw Errors.notAuthorized(
      caller.arn,
      action,
      resource,
      ' because no identity-based policy allows the action',
    );
  }
  const account = /^arn:aws:iam::([^:]*):/.exec(resource)?.[1];
  if (account !== undefined && account !== caller.account && account !== 'aws') {
    throw Errors.notAuthorized(
      caller.arn,
      action,
      resource,
      ` because no resource-based policy allows the ${action} action`,
    );
  }
  await authorize(ctx.store, caller, ctx.info, action, resource, { context });
}
