import { groupsOf } from '../../caller/policies.ts';
import type { Caller } from '../../caller/types.ts';
import type { OperationContext } from '../../operation.ts';
import { Constraints } from '../../protocol/constraints.ts';
import type { XmlObject } from '../../protocol/xml.ts';
import { authorizeCreate, authorizeIam } from '../common/authorize.ts';
import { iamArn } from '../common/arns.ts';
import { checkName, checkPath } from '../common/constraints.ts';
import {
  authorizedIdentity,
  readIdentityName,
  userNameOrCaller,
} from '../identities/authorized-identity.ts';
import { IamErrors } from '../common/errors.ts';
import { renameMfaDeviceUser } from '../mfa-devices/user-link.ts';
import { MfaErrors } from '../mfa-devices/record.ts';
import { putIdentity } from '../identities/record.ts';
import { resourceContext } from '../common/resource-context.ts';
import { checkTagKeys, readTags } from '../common/tags.ts';
import { adjustUsage, attachablePolicy } from '../managed-policies/attachment-counts.ts';
import { checkUserSpec, userRecord, userXml, type UserSpec } from './record.ts';
import { checkAccountQuota } from '../common/quotas.ts';

export async function createUser(ctx: OperationContext, caller: Caller): Promise<XmlObject> {
  const { params, store } = ctx;
  const v = new Constraints();
  const spec: UserSpec = {
    name: params.require('UserName'),
    path: params.get('Path'),
    permissionsBoundary: params.get('PermissionsBoundary'),
    tags: readTags(params),
  };
  checkUserSpec(v, spec);
  v.check();
  const account = caller.account;
  const arn = iamArn(account, 'user', spec.path ?? '/', spec.name);
  await authorizeCreate(ctx, caller, { create: 'iam:CreateUser', tag: 'iam:TagUser' }, arn, {
    tags: spec.tags ?? [],
    permissionsBoundary: spec.permissionsBoundary,
  });
  checkTagKeys(spec.tags ?? []);
  if (spec.permissionsBoundary) await attachablePolicy(store, account, spec.permissionsBoundary);
  if (await store.get(account, 'user', spec.name)) throw IamErrors.userExists(spec.name);
  await checkAccountQuota(store, account, 'user');
  const record = userRecord(account, spec, null, ctx.info.now);
  await putIdentity(store, account, 'user', record);
  if (record.permissionsBoundary)
    await adjustUsage(store, account, record.permissionsBoundary, { boundaries: 1 });
  return { User: userXml(record, true) };
}

/** GetUser: without UserName, the user whose access key signed the request. */
export async function getUser(ctx: OperationContext, caller: Caller): Promise<XmlObject> {
  const v = new Constraints();
  const name = userNameOrCaller(ctx, caller, v);
  v.check();
  const user = await authorizedIdentity(ctx, caller, 'user', name, 'iam:GetUser');
  return { User: userXml(user, true) };
}

/**
 * UpdateUser: NewPath and/or NewUserName (the name stays unique case-insensitively). The caller
 * needs iam:UpdateUser on the user under its old name and path and under its new ones ("the
 * requester must have appropriate permissions on both the source object and the target object",
 * IAM API Reference, UpdateUser).
 */
export async function updateUser(ctx: OperationContext, caller: Caller): Promise<undefined> {
  const { params, store } = ctx;
  const v = new Constraints();
  const name = readIdentityName(ctx, 'user', v, { existing: true });
  const newPath = params.get('NewPath');
  const newName = params.get('NewUserName');
  checkPath(v, 'newPath', newPath);
  checkName(v, 'newUserName', newName, 64);
  v.check();
  const user = await authorizedIdentity(ctx, caller, 'user', name, 'iam:UpdateUser');
  const account = caller.account;
  const updated = { ...user, name: newName ?? user.name, path: newPath ?? user.path };
  updated.arn = iamArn(account, 'user', updated.path, updated.name);
  if (updated.arn !== user.arn) {
    await authorizeIam(
      ctx,
      caller,
      'iam:UpdateUser',
      updated.arn,
      resourceContext('iam:UpdateUser', 'user', user),
    );
  }
  const renamed = updated.name !== user.name;
  if (
    renamed &&
    updated.name.toLowerCase() !== user.name.toLowerCase() &&
    (await store.get(account, 'user', updated.name))
  ) {
    throw IamErrors.userExists(updated.name);
  }
  const keys = renamed ? await store.listAccessKeys(account, user.name) : [];
  await putIdentity(store, account, 'user', updated);
  if (renamed) {
    for (const k of keys) {
      await store.deleteAccessKey(k.accessKeyId);
      await store.putAccessKey({ ...k, userName: updated.name });
    }
    if (user.name.toLowerCase() !== updated.name.toLowerCase())
      await store.delete(account, 'user', user.name);
    await renameMfaDeviceUser(store, account, updated);
    // Policies naming the user as a principal follow it to its new name (trust-principals.ts).
    await store.putRenamedUser(account, user.id, updated.name);
  }
  return undefined;
}

/**
 * DeleteUser refuses while access keys, policies or group memberships remain (DeleteConflict;
 * IAM API Reference, DeleteUser lists what must go first).
 */
export async function deleteUser(ctx: OperationContext, caller: Caller): Promise<undefined> {
  const v = new Constraints();
  const name = readIdentityName(ctx, 'user', v, { existing: true });
  v.check();
  const user = await authorizedIdentity(ctx, caller, 'user', name, 'iam:DeleteUser');
  if ((await ctx.store.listAccessKeys(caller.account, user.name)).length > 0)
    throw IamErrors.mustDeleteKeys();
  if (Object.keys(user.inlinePolicies).length > 0) throw IamErrors.mustDeletePolicies();
  if (user.attachedPolicies.length > 0) throw IamErrors.mustDetachPolicies();
  if ((user.mfaDevices ?? []).length > 0) throw MfaErrors.userHasDevices();
  // Memberships of groups since deleted do not count (src/caller/policies.ts groupsOf).
  if ((await groupsOf(ctx.store, caller.account, user)).length > 0)
    throw IamErrors.mustRemoveFromGroups();
  await ctx.store.delete(caller.account, 'user', user.name);
  await ctx.store.putRenamedUser(caller.account, user.id, null);
  if (user.permissionsBoundary)
    await adjustUsage(ctx.store, caller.account, user.permissionsBoundary, { boundaries: -1 });
  return undefined;
}
