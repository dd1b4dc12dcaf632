import { groupsOf } from '../../caller/policies.ts';
import type { Caller } from '../../caller/types.ts';
import type { OperationContext } from '../../operation.ts';
import { Constraints } from '../../protocol/constraints.ts';
import type { GroupRecord, IamStore, UserRecord } from '../../store/types.ts';
import { isMember, MAX_GROUPS_PER_USER } from './record.ts';
import { authorizedIdentity, readIdentityName } from '../identities/authorized-identity.ts';
import { IamErrors } from '../common/errors.ts';
import { forEachEntity } from '../common/paging.ts';
import { putIdentity } from '../identities/record.ts';

/**
 * Group membership lives on the user record (`UserRecord.groups`): authentication already reads
 * the user, so evaluation learns its groups without another lookup, and adding or removing a
 * member is one write of one record: it either happened or it did not. A group's members are
 * found from the listing of the account's users, whose keys carry their groups' ids as metadata
 * (store.forEachGroupMember): only the members' records are read.
 */
export type GroupMember = Pick<UserRecord, 'path' | 'name' | 'id' | 'arn' | 'createDate'>;

/** The group's members, as GetGroup lists them (each member's list fields only, not its record). */
export async function groupMembers(
  store: IamStore,
  account: string,
  group: GroupRecord,
): Promise<GroupMember[]> {
  const members: GroupMember[] = [];
  await store.forEachGroupMember(account, group.id, (u) =>
    members.push({ path: u.path, name: u.name, id: u.id, arn: u.arn, createDate: u.createDate }),
  );
  return members;
}

/** UpdateGroup with a new name: every member's membership follows the rename. */
export async function renameInMembers(
  store: IamStore,
  account: string,
  group: GroupRecord,
): Promise<void> {
  await forEachEntity(store, account, 'user', async (user) => {
    if (!isMember(user, group)) return;
    user.groups = (user.groups ?? []).map((m) =>
      m.id === group.id ? { name: group.name, id: group.id } : m,
    );
    await putIdentity(store, account, 'user', user);
  });
}

/** GroupName and UserName (existingUserNameType), authorized on the group; both must exist. */
async function membershipRequest(ctx: OperationContext, caller: Caller, action: string) {
  const v = new Constraints();
  const groupName = readIdentityName(ctx, 'group', v, { existing: true });
  const userName = readIdentityName(ctx, 'user', v, { existing: true });
  v.check();
  const group = await authorizedIdentity(ctx, caller, 'group', groupName, action);
  const user = await ctx.store.get(caller.account, 'user', userName);
  if (!user) throw IamErrors.noSuchUser(userName);
  return { group, user };
}

/**
 * AddUserToGroup: a user already in the group stays as it is; a user can be in at most 10 groups
 * ("IAM and AWS STS quotas", GroupsPerUser: LimitExceeded).
 */
export async function addUserToGroup(ctx: OperationContext, caller: Caller): Promise<undefined> {
  const { group, user } = await membershipRequest(ctx, caller, 'iam:AddUserToGroup');
  if (isMember(user, group)) return undefined;
  // Memberships of groups since deleted neither count against the quota nor stay.
  const live = (await groupsOf(ctx.store, caller.account, user)).map((g) => ({
    name: g.name,
    id: g.id,
  }));
  const groups = [...live, { name: group.name, id: group.id }];
  if (groups.length > MAX_GROUPS_PER_USER)
    throw IamErrors.quota('GroupsPerUser', MAX_GROUPS_PER_USER);
  user.groups = groups;
  await putIdentity(ctx.store, caller.account, 'user', user);
  return undefined;
}

/** RemoveUserFromGroup: removing a user that is not a member changes nothing and succeeds. */
export async function removeUserFromGroup(
  ctx: OperationContext,
  caller: Caller,
): Promise<undefined> {
  const { group, user } = await membershipRequest(ctx, caller, 'iam:RemoveUserFromGroup');
  if (!isMember(user, group)) return undefined;
  user.groups = (user.groups ?? []).filter((m) => m.id !== group.id);
  await putIdentity(ctx.store, caller.account, 'user', user);
  return undefined;
}
