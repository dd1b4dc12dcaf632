import { groupsOf } from '../../caller/policies.ts';
import type { Caller } from '../../caller/types.ts';
import type { OperationContext } from '../../operation.ts';
import { Constraints } from '../../protocol/constraints.ts';
import type { XmlObject } from '../../protocol/xml.ts';
import type { GroupRecord } from '../../store/types.ts';
import { authorizeIam } from '../common/authorize.ts';
import { iamArn } from '../common/arns.ts';
import { checkName, checkPath, checkPathPrefix } from '../common/constraints.ts';
import { checkGroupSpec, groupRecord, groupXml, type GroupSpec } from './record.ts';
import { authorizedIdentity, readIdentityName } from '../identities/authorized-identity.ts';
import { groupMembers, renameInMembers } from './membership.ts';
import { IamErrors } from '../common/errors.ts';
import { LIST_PAGE, pageFields, paginate, readPaging, storePage } from '../common/paging.ts';
import { putIdentity } from '../identities/record.ts';
import { userXml } from '../users/record.ts';
import { checkAccountQuota } from '../common/quotas.ts';

/** CreateGroup: validate, authorize iam:CreateGroup on the new group's ARN, then write once. */
export async function createGroup(ctx: OperationContext, caller: Caller): Promise<XmlObject> {
  const { params, store } = ctx;
  const v = new Constraints();
  const spec: GroupSpec = { name: params.require('GroupName'), path: params.get('Path') };
  checkGroupSpec(v, spec);
  v.check();
  const account = caller.account;
  await authorizeIam(
    ctx,
    caller,
    'iam:CreateGroup',
    iamArn(account, 'group', spec.path ?? '/', spec.name),
  );
  if (await store.get(account, 'group', spec.name)) throw IamErrors.groupExists(spec.name);
  await checkAccountQuota(store, account, 'group');
  const record = groupRecord(account, spec, null, ctx.info.now);
  await putIdentity(store, account, 'group', record);
  return { Group: groupXml(record) };
}

/** GetGroup: the group and its users, the users paginated by name (Marker/MaxItems). */
export async function getGroup(ctx: OperationContext, caller: Caller): Promise<XmlObject> {
  const v = new Constraints();
  const name = readIdentityName(ctx, 'group', v, { existing: true });
  const paging = readPaging(ctx.params, v);
  v.check();
  const group = await authorizedIdentity(ctx, caller, 'group', name, 'iam:GetGroup');
  const members = await groupMembers(ctx.store, caller.account, group);
  const page = paginate(members, (u) => u.name.toLowerCase(), paging);
  return {
    Group: groupXml(group),
    Users: page.items.map((u) => userXml(u, false)),
    ...pageFields(page),
  };
}

/**
 * ListGroups: sorted by name, filtered by PathPrefix, paginated with Marker/MaxItems (a page ends
 * early once its records reach LIST_PAGE characters: src/iam/common/paging.ts). The action has
 * no resource type (Service Authorization Reference), so it is authorized on `*`.
 */
export async function listGroups(ctx: OperationContext, caller: Caller): Promise<XmlObject> {
  const v = new Constraints();
  const prefix = ctx.params.get('PathPrefix') ?? '/';
  checkPathPrefix(v, ctx.params.get('PathPrefix'));
  const paging = readPaging(ctx.params, v);
  v.check();
  await authorizeIam(ctx, caller, 'iam:ListGroups', '*');
  const bounded = { ...paging, maxChars: LIST_PAGE.chars };
  const page = await storePage(ctx.store, caller.account, 'group', bounded, prefix);
  return { Groups: page.items.map(groupXml), ...pageFields(page) };
}

/**
 * UpdateGroup: NewGroupName and/or NewPath. The caller needs iam:UpdateGroup on the group under its
 * old name and under its new one (IAM API Reference, UpdateGroup). Members keep their membership:
 * the renamed record is written first, then each member's group list, and the old record is
 * removed last, so a member is never left pointing at no group.
 */
export async function updateGroup(ctx: OperationContext, caller: Caller): Promise<undefined> {
  const { params, store } = ctx;
  const v = new Constraints();
  const name = readIdentityName(ctx, 'group', v, { existing: true });
  const newPath = params.get('NewPath');
  const newName = params.get('NewGroupName');
  checkPath(v, 'newPath', newPath);
  checkName(v, 'newGroupName', newName, 128);
  v.check();
  const group = await authorizedIdentity(ctx, caller, 'group', name, 'iam:UpdateGroup');
  const account = caller.account;
  const updated: GroupRecord = {
    ...group,
    name: newName ?? group.name,
    path: newPath ?? group.path,
  };
  updated.arn = iamArn(account, 'group', updated.path, updated.name);
  if (updated.arn !== group.arn) await authorizeIam(ctx, caller, 'iam:UpdateGroup', updated.arn);
  const moved = updated.name.toLowerCase() !== group.name.toLowerCase();
  // The same group under the new name is an interrupted rename being retried, not a clash.
  const clash = moved ? await store.get(account, 'group', updated.name) : null;
  if (clash && clash.id !== group.id) throw IamErrors.groupExists(updated.name);
  await putIdentity(store, account, 'group', updated);
  if (updated.name !== group.name) await renameInMembers(store, account, updated);
  if (moved) await store.delete(account, 'group', group.name);
  return undefined;
}

/** DeleteGroup refuses while it has members, inline policies or attached policies (DeleteConflict). */
export async function deleteGroup(ctx: OperationContext, caller: Caller): Promise<undefined> {
  const v = new Constraints();
  const name = readIdentityName(ctx, 'group', v, { existing: true });
  v.check();
  const group = await authorizedIdentity(ctx, caller, 'group', name, 'iam:DeleteGroup');
  if ((await groupMembers(ctx.store, caller.account, group)).length > 0)
    throw IamErrors.mustRemoveFromGroups();
  if (Object.keys(group.inlinePolicies).length > 0) throw IamErrors.mustDeletePolicies();
  if (group.attachedPolicies.length > 0) throw IamErrors.mustDetachPolicies();
  await ctx.store.delete(caller.account, 'group', group.name);
  return undefined;
}

/** ListGroupsForUser: the groups the user belongs to, by name, paginated. */
export async function listGroupsForUser(ctx: OperationContext, caller: Caller): Promise<XmlObject> {
  const v = new Constraints();
  const name = readIdentityName(ctx, 'user', v, { existing: true });
  const paging = readPaging(ctx.params, v);
  v.check();
  const user = await authorizedIdentity(ctx, caller, 'user', name, 'iam:ListGroupsForUser');
  const found = await groupsOf(ctx.store, caller.account, user);
  const page = paginate(found, (g) => g.name.toLowerCase(), paging);
  return { Groups: page.items.map(groupXml), ...pageFields(page) };
}
