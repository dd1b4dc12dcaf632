import type { Caller } from '../caller/types.ts';
import type { OperationContext } from '../operation.ts';
import type { ContextValue } from '../policy/index.ts';
import { Constraints } from '../protocol/constraints.ts';
import type { RoleRecord, UserRecord } from '../store/types.ts';
import { authorizeIam } from './access.ts';
import { iamArn } from './arns.ts';
import { checkName } from './constraints.ts';
import { IamErrors } from './messages.ts';
import { getPrincipal, PRINCIPAL, type PrincipalKind } from './principals.ts';

/**
 * Reads the named role or user and authorizes `action` on it. Authorization comes before the
 * existence check (a caller who may not act on a name learns nothing about it); the resource is the
 * entity's ARN with its path when it exists.
 */
export async function authorizedPrincipal(
  ctx: OperationContext,
  caller: Caller,
  kind: 'role',
  name: string,
  action: string,
  context?: Record<string, ContextValue>,
): Promise<RoleRecord>;
export async function authorizedPrincipal(
  ctx: OperationContext,
  caller: Caller,
  kind: 'user',
  name: string,
  action: string,
  context?: Record<string, ContextValue>,
): Promise<UserRecord>;
export async function authorizedPrincipal(
  ctx: OperationContext,
  caller: Caller,
  kind: PrincipalKind,
  name: string,
  action: string,
  context?: Record<string, ContextValue>,
): Promise<RoleRecord | UserRecord>;
export async function authorizedPrincipal(
  ctx: OperationContext,
  caller: Caller,
  kind: PrincipalKind,
  name: string,
  action: string,
  context: Record<string, ContextValue> = {},
): Promise<RoleRecord | UserRecord> {
  const record = await getPrincipal(ctx.store, caller.account, kind, name);
  await authorizeIam(
    ctx,
    caller,
    action,
    record?.arn ?? iamArn(caller.account, kind, '/', name),
    context,
  );
  if (!record) throw PRINCIPAL[kind].noSuch(name);
  return record;
}

/** The required RoleName / UserName parameter, checked against the model (1-64, `[\w+=,.@-]+`). */
export function readPrincipalName(
  ctx: OperationContext,
  kind: PrincipalKind,
  v: Constraints,
): string {
  const p = PRINCIPAL[kind];
  const name = ctx.params.require(p.param, p.member);
  checkName(v, p.member, name, p.maxName);
  return name;
}

/**
 * UserName for actions where it is optional: absent means the calling user (IAM API Reference:
 * "If you do not specify a user name, IAM determines the user name implicitly based on the AWS
 * access key ID signing the request").
 */
export function userNameOrCaller(ctx: OperationContext, caller: Caller, v: Constraints): string {
  const name = ctx.params.get('UserName');
  if (name !== undefined) {
    checkName(v, 'userName', name, 64);
    return name;
  }
  v.check();
  if (caller.kind !== 'User' || !caller.user) throw IamErrors.needsUserName();
  return caller.user.name;
}

export function constraints(): Constraints {
  return new Constraints();
}
