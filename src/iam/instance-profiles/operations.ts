import { newUniqueId } from '../../auth/keys.ts';
import type { Caller } from '../../caller/types.ts';
import type { OperationContext } from '../../operation.ts';
import { Constraints } from '../../protocol/constraints.ts';
import { isoSeconds, type XmlObject } from '../../protocol/xml.ts';
import type { IamStore, InstanceProfileRecord, RoleRecord } from '../../store/types.ts';
import { authorizeCreate, authorizeIam } from '../common/authorize.ts';
import { iamArn } from '../common/arns.ts';
import { checkName, checkPath, checkPathPrefix } from '../common/constraints.ts';
import { IamErrors } from '../common/errors.ts';
import { forEachEntity, pageFields, paginate, readPaging, storePage } from '../common/paging.ts';
import { checkAccountQuota } from '../common/quotas.ts';
import { resourceContext } from '../common/resource-context.ts';
import { checkTagKeys, checkTags, readTags, tagsXml } from '../common/tags.ts';
import { tagOperations } from '../common/tag-operations.ts';
import { authorizedIdentity, readIdentityName } from '../identities/authorized-identity.ts';
import { roleXml } from '../roles/record.ts';
import { displayedTrustPolicy, prefetchTrustPrincipals } from '../roles/trust-principals.ts';

/**
 * Instance profiles (IAM API Reference: CreateInstanceProfile, GetInstanceProfile,
 * DeleteInstanceProfile, ListInstanceProfiles, AddRoleToInstanceProfile,
 * RemoveRoleFromInstanceProfile, ListInstanceProfilesForRole, Tag/Untag/ListInstanceProfileTags):
 * a named container for one role that EC2 passes to an instance. rolecall keeps them so that
 * pipelines which create them (with their role) run as against IAM; nothing in rolecall assumes a
 * role through one. The profile records its role by name and unique id.
 */

/** "IAM and AWS STS quotas": roles per instance profile (IAM names the quota as below). */
const ROLES_PER_PROFILE = 1;

function readProfileName(ctx: OperationContext, v: Constraints): string {
  const name = ctx.params.require('InstanceProfileName');
  checkName(v, 'instanceProfileName', name, 128);
  return name;
}

/** The profile's role as it is now (a role deleted since is not listed; DeleteRole refuses first). */
async function profileRoles(
  store: IamStore,
  account: string,
  profile: InstanceProfileRecord,
): Promise<RoleRecord[]> {
  const roles: RoleRecord[] = [];
  for (const r of profile.roles) {
    const role = await store.get(account, 'role', r.name);
    if (role?.id === r.id) roles.push(role);
  }
  return roles;
}

/** The InstanceProfile data type; list answers leave out Tags, as IAM's resource listings do. */
async function profileXml(
  store: IamStore,
  account: string,
  p: InstanceProfileRecord,
  detail: boolean,
): Promise<XmlObject> {
  return (await profilesXml(store, account, [p], detail))[0]!;
}

/**
 * The profiles of a page: their roles (each as it is now: a role deleted since is not listed;
 * DeleteRole refuses first) and the principals those roles' trust policies name are read in bulk,
 * so a page of 1,000 profiles costs a few KV operations, not one per role and per principal.
 */
async function profilesXml(
  store: IamStore,
  account: string,
  profiles: InstanceProfileRecord[],
  detail: boolean,
): Promise<XmlObject[]> {
  const refs = profiles.flatMap((p) =>
    p.roles.map((r) => ({ account, kind: 'role' as const, name: r.name, id: r.id })),
  );
  const read = await store.getMany('role', refs);
  const current = new Map(refs.map((r, i) => [r.id, read[i]?.id === r.id ? read[i] : null]));
  const roles = [...current.values()].filter((r) => r !== null) as RoleRecord[];
  const lookups: Parameters<typeof displayedTrustPolicy>[2] = new Map();
  await prefetchTrustPrincipals(store, roles, lookups);
  return Promise.all(
    profiles.map(async (p) => ({
      Path: p.path,
      InstanceProfileName: p.name,
      InstanceProfileId: p.id,
      Arn: p.arn,
      CreateDate: isoSeconds(p.createDate),
      Roles: await Promise.all(
        p.roles
          .map((r) => current.get(r.id))
          .filter((r): r is RoleRecord => r !== null && r !== undefined)
          .map(async (r) => roleXml(r, false, await displayedTrustPolicy(store, r, lookups))),
      ),
      Tags: detail ? tagsXml(p.tags) : undefined,
    })),
  );
}

/** Authorizes `action` on the named profile (its ARN with its path when it exists), then loads it. */
async function authorizedProfile(
  ctx: OperationContext,
  caller: Caller,
  name: string,
  action: string,
  context: Record<string, string | string[]> = {},
): Promise<InstanceProfileRecord> {
  const record = await ctx.store.get(caller.account, 'instanceprofile', name);
  const arn = record?.arn ?? iamArn(caller.account, 'instance-profile', '/', name);
  await authorizeIam(ctx, caller, action, arn, {
    ...resourceContext(action, 'instanceprofile', record),
    ...context,
  });
  if (!record) throw IamErrors.noSuchInstanceProfile(name);
  return record;
}

export async function createInstanceProfile(
  ctx: OperationContext,
  caller: Caller,
): Promise<XmlObject> {
  const { params, store } = ctx;
  const v = new Constraints();
  const name = readProfileName(ctx, v);
  const path = params.get('Path');
  checkPath(v, 'path', path);
  const tags = readTags(params);
  checkTags(v, tags);
  v.check();
  const account = caller.account;
  const arn = iamArn(account, 'instance-profile', path ?? '/', name);
  await authorizeCreate(
    ctx,
    caller,
    { create: 'iam:CreateInstanceProfile', tag: 'iam:TagInstanceProfile' },
    arn,
    { tags },
  );
  checkTagKeys(tags);
  if (await store.get(account, 'instanceprofile', name))
    throw IamErrors.instanceProfileExists(name);
  await checkAccountQuota(store, account, 'instanceprofile');
  const record: InstanceProfileRecord = {
    name,
    path: path ?? '/',
    id: newUniqueId('AIPA', account),
    arn,
    createDate: ctx.info.now,
    roles: [],
    tags,
  };
  await store.put(account, 'instanceprofile', name, record);
  return { InstanceProfile: await profileXml(store, account, record, true) };
}

export async function getInstanceProfile(
  ctx: OperationContext,
  caller: Caller,
): Promise<XmlObject> {
  const v = new Constraints();
  const name = readProfileName(ctx, v);
  v.check();
  const profile = await authorizedProfile(ctx, caller, name, 'iam:GetInstanceProfile');
  return { InstanceProfile: await profileXml(ctx.store, caller.account, profile, true) };
}

/** DeleteInstanceProfile refuses while the profile holds a role (DeleteConflict), as IAM does. */
export async function deleteInstanceProfile(
  ctx: OperationContext,
  caller: Caller,
): Promise<undefined> {
  const v = new Constraints();
  const name = readProfileName(ctx, v);
  v.check();
  const profile = await authorizedProfile(ctx, caller, name, 'iam:DeleteInstanceProfile');
  if ((await profileRoles(ctx.store, caller.account, profile)).length > 0)
    throw IamErrors.mustRemoveRoles();
  await ctx.store.delete(caller.account, 'instanceprofile', profile.name);
  return undefined;
}

/** ListInstanceProfiles: by name, filtered by PathPrefix, paged; authorized on `*` like ListRoles. */
export async function listInstanceProfiles(
  ctx: OperationContext,
  caller: Caller,
): Promise<XmlObject> {
  const v = new Constraints();
  const prefix = ctx.params.get('PathPrefix') ?? '/';
  checkPathPrefix(v, ctx.params.get('PathPrefix'));
  const paging = readPaging(ctx.params, v);
  v.check();
  await authorizeIam(ctx, caller, 'iam:ListInstanceProfiles', '*');
  const page = await storePage(ctx.store, caller.account, 'instanceprofile', paging, prefix);
  return {
    InstanceProfiles: await profilesXml(ctx.store, caller.account, page.items, false),
    ...pageFields(page),
  };
}

/** The profiles holding `role` (every profile of the account is looked at: at most the quota). */
async function profilesOf(
  store: IamStore,
  account: string,
  role: RoleRecord,
): Promise<InstanceProfileRecord[]> {
  const found: InstanceProfileRecord[] = [];
  await forEachEntity(store, account, 'instanceprofile', (p) => {
    if (p.roles.some((r) => r.id === role.id)) found.push(p);
  });
  return found;
}

/** Whether any instance profile holds the role: DeleteRole refuses then (DeleteConflict). */
export async function inInstanceProfile(
  store: IamStore,
  account: string,
  role: RoleRecord,
): Promise<boolean> {
  return (await profilesOf(store, account, role)).length > 0;
}

export async function listInstanceProfilesForRole(
  ctx: OperationContext,
  caller: Caller,
): Promise<XmlObject> {
  const v = new Constraints();
  const name = readIdentityName(ctx, 'role', v, { existing: true });
  const paging = readPaging(ctx.params, v);
  v.check();
  const role = await authorizedIdentity(
    ctx,
    caller,
    'role',
    name,
    'iam:ListInstanceProfilesForRole',
  );
  const profiles = await profilesOf(ctx.store, caller.account, role);
  const page = paginate(profiles, (p) => p.name.toLowerCase(), paging);
  return {
    InstanceProfiles: await profilesXml(ctx.store, caller.account, page.items, false),
    ...pageFields(page),
  };
}

/**
 * AddRoleToInstanceProfile: the profile holds one role at most (LimitExceeded
 * InstanceSessionsPerInstanceProfile). The caller needs iam:PassRole on the role too ("The caller
 * of this operation must be granted the PassRole permission on the IAM role", IAM API Reference).
 */
export async function addRoleToInstanceProfile(
  ctx: OperationContext,
  caller: Caller,
): Promise<undefined> {
  const v = new Constraints();
  const profileName = readProfileName(ctx, v);
  const roleName = readIdentityName(ctx, 'role', v, { existing: false });
  v.check();
  const profile = await authorizedProfile(ctx, caller, profileName, 'iam:AddRoleToInstanceProfile');
  const role = await authorizedIdentity(ctx, caller, 'role', roleName, 'iam:PassRole');
  const held = await profileRoles(ctx.store, caller.account, profile);
  if (held.some((r) => r.id === role.id))
    throw IamErrors.quota('InstanceSessionsPerInstanceProfile', ROLES_PER_PROFILE);
  if (held.length >= ROLES_PER_PROFILE)
    throw IamErrors.quota('InstanceSessionsPerInstanceProfile', ROLES_PER_PROFILE);
  profile.roles = [
    ...held.map((r) => ({ name: r.name, id: r.id })),
    { name: role.name, id: role.id },
  ];
  await ctx.store.put(caller.account, 'instanceprofile', profile.name, profile);
  return undefined;
}

export async function removeRoleFromInstanceProfile(
  ctx: OperationContext,
  caller: Caller,
): Promise<undefined> {
  const v = new Constraints();
  const profileName = readProfileName(ctx, v);
  const roleName = readIdentityName(ctx, 'role', v, { existing: false });
  v.check();
  const profile = await authorizedProfile(
    ctx,
    caller,
    profileName,
    'iam:RemoveRoleFromInstanceProfile',
  );
  const held = await profileRoles(ctx.store, caller.account, profile);
  const role = held.find((r) => r.name.toLowerCase() === roleName.toLowerCase());
  if (!role) throw IamErrors.noSuchRole(roleName);
  profile.roles = held.filter((r) => r !== role).map((r) => ({ name: r.name, id: r.id }));
  await ctx.store.put(caller.account, 'instanceprofile', profile.name, profile);
  return undefined;
}

/** TagInstanceProfile, UntagInstanceProfile, ListInstanceProfileTags. */
export const instanceProfileTagOperations = tagOperations<InstanceProfileRecord>({
  noun: 'InstanceProfile',
  quota: 'TagsPerInstanceProfile',
  readId: readProfileName,
  authorized: (ctx, caller, name, action, context) =>
    authorizedProfile(ctx, caller, name, action, context),
  save: (ctx, caller, record) =>
    ctx.store.put(caller.account, 'instanceprofile', record.name, record),
});
