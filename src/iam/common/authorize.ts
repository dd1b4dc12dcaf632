import { authorize } from '../../caller/authorize.ts';
import type { Caller } from '../../caller/types.ts';
import type { OperationContext } from '../../operation.ts';
import type { ContextValue } from '../../policy/index.ts';
import { Errors } from '../../protocol/errors.ts';
import type { Tags } from '../../store/types.ts';
import { requestTagContext } from './tags.ts';

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
      ` because no identity-based policy allows the ${action} action`,
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
  await authorize({ store: ctx.store, caller, info: ctx.info }, { action, resource, context });
}

/**
 * Authorizes a create action that may carry tags: `iam:Create...` with the request's tag keys (and
 * `iam:PermissionsBoundary` when one is set), and the matching `iam:Tag...` when tags are given
 * ("Permissions required to tag IAM entities": tagging on create needs both).
 */
export async function authorizeCreate(
  ctx: OperationContext,
  caller: Caller,
  actions: { create: string; tag: string },
  resource: string,
  request: { tags: Tags; permissionsBoundary?: string },
): Promise<void> {
  const context: Record<string, ContextValue> = requestTagContext(request.tags);
  if (request.permissionsBoundary) context['iam:PermissionsBoundary'] = request.permissionsBoundary;
  await authorizeIam(ctx, caller, actions.create, resource, context);
  if (request.tags.length > 0) await authorizeIam(ctx, caller, actions.tag, resource, context);
}
