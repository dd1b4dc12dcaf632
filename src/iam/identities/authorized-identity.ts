import type { Caller } from '../../caller/types.ts';
import type { OperationContext } from '../../operation.ts';
import type { ContextValue } from '../../policy/index.ts';
import type { Constraints } from '../../protocol/constraints.ts';
import type { EntityTypes } from '../../store/types.ts';
import { authorizeIam } from '../common/authorize.ts';
import { iamArn } from '../common/arns.ts';
import { checkName } from '../common/constraints.ts';
import { IamErrors } from '../common/errors.ts';
import { IDENTITY, type IdentityKind } from './record.ts';
import { resourceContext } from '../common/resource-context.ts';

/**
 * Reads the named role, user or group and authorizes `action` on it. Authorization comes before the
 * existence check (a caller who may not act on a name learns nothing about it); the resource is the
 * entity's ARN with its path when it exists, and its tags and boundary reach the condition keys
 * (src/iam/common/resource-context.ts). `context` (request keys) wins over the entity's own.
 */
export async function authorizedIdentity<K extends IdentityKind>(
  ctx: OperationContext,
  caller: Caller,
  kind: K,
  name: string,
  action: string,
  context: Record<string, ContextValue> = {},
): Promise<EntityTypes[K]> {
  const record = await ctx.store.get(caller.account, kind, name);
  await authorizeIam(ctx, caller, action, record?.arn ?? iamArn(caller.account, kind, '/', name), {
    ...resourceContext(action, kind, record),
    ...context,
  });
  if (!record) throw IDENTITY[kind].noSuch(name);
  return record;
}

/**
 * The required RoleName / UserName / GroupName parameter, checked against the model (`[\w+=,.@-]+`). Roles are
 * 1-64 everywhere; most actions on a user take existingUserNameType (1-128), while the boundary and
 * managed-policy attachment actions take userNameType (1-64), as CreateUser does. Groups are
 * groupNameType (1-128) everywhere.
 */
export function readIdentityName(
  ctx: OperationContext,
  kind: IdentityKind,
  v: Constraints,
  { existing }: { existing: boolean },
): string {
  const p = IDENTITY[kind];
  const name = ctx.params.require(p.param, p.member);
  checkName(v, p.member, name, existing ? p.maxExistingName : p.maxName);
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
    checkName(v, 'userName', name, IDENTITY.user.maxExistingName);
    return name;
  }
  v.check();
  if (caller.kind !== 'User' || !caller.user) throw IamErrors.needsUserName();
  return caller.user.name;
}
