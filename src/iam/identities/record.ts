import type { XmlObject } from '../../protocol/xml.ts';
import type {
  EntityTypes,
  GroupRecord,
  IamStore,
  RoleRecord,
  UserRecord,
} from '../../store/types.ts';
import { documentSize } from '../common/documents.ts';
import { IamErrors } from '../common/errors.ts';

/**
 * IAM identities are users, groups and roles ("IAM identities" in the IAM User Guide); identity
 * policies are embedded in or attached to any of them. Only roles and users are principals (they
 * sign requests); groups are not.
 */
export type PrincipalKind = 'role' | 'user';
export type PrincipalRecord = RoleRecord | UserRecord;
export type IdentityKind = PrincipalKind | 'group';
export type IdentityRecord = RoleRecord | UserRecord | GroupRecord;

/**
 * What differs between roles, users and groups for the operations they share (inline and attached
 * policies; roles and users also share tags and boundaries, which groups do not have).
 */
export const IDENTITY = {
  role: {
    param: 'RoleName',
    member: 'roleName',
    word: 'Role',
    maxName: 64,
    maxExistingName: 64,
    // "IAM and AWS STS quotas": inline policies per role 10,240 characters in aggregate; 10 managed policies.
    inlineLimit: 10240,
    attachedQuota: 'PoliciesPerRole',
    tagQuota: 'TagsPerRole',
    noSuch: IamErrors.noSuchRole,
    noSuchPolicy: IamErrors.noSuchRolePolicy,
  },
  user: {
    param: 'UserName',
    member: 'userName',
    word: 'User',
    maxName: 64,
    maxExistingName: 128,
    inlineLimit: 2048,
    attachedQuota: 'PoliciesPerUser',
    tagQuota: 'TagsPerUser',
    noSuch: IamErrors.noSuchUser,
    noSuchPolicy: IamErrors.noSuchUserPolicy,
  },
  group: {
    param: 'GroupName',
    member: 'groupName',
    word: 'Group',
    // groupNameType is 1-128 in every action.
    maxName: 128,
    maxExistingName: 128,
    inlineLimit: 5120,
    attachedQuota: 'PoliciesPerGroup',
    noSuch: IamErrors.noSuchGroup,
    noSuchPolicy: IamErrors.noSuchGroupPolicy,
  },
} as const;

export const MAX_ATTACHED = 10;

/** Stores a role, user or group, bumping its record version. */
export async function putIdentity<K extends IdentityKind>(
  store: IamStore,
  account: string,
  kind: K,
  record: EntityTypes[K],
): Promise<void> {
  record.version += 1;
  await store.put(account, kind, record.name, record);
}

/** Inline policies are limited in aggregate, whitespace not counted (LimitExceeded names the entity). */
export function checkInlineAggregate(
  kind: IdentityKind,
  name: string,
  policies: Record<string, string>,
): void {
  const total = Object.values(policies).reduce((n, doc) => n + documentSize(doc), 0);
  const limit = IDENTITY[kind].inlineLimit;
  if (total > limit) throw IamErrors.inlineAggregate(kind, name, limit);
}

export function checkAttachedCount(kind: IdentityKind, attached: string[]): void {
  if (attached.length > MAX_ATTACHED)
    throw IamErrors.quota(IDENTITY[kind].attachedQuota, MAX_ATTACHED);
}

/** The inline policy key as stored: names are case-insensitive, the stored key keeps the name as given. */
export function findInline(policies: Record<string, string>, name: string): string | undefined {
  const lower = name.toLowerCase();
  return Object.keys(policies).find((k) => k.toLowerCase() === lower);
}

/** A role's or user's PermissionsBoundary element (AttachedPermissionsBoundary data type). */
export function boundaryXml(arn: string | undefined): XmlObject | undefined {
  return arn
    ? { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: arn }
    : undefined;
}
