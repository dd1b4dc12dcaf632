import type { IamStore, RoleRecord, UserRecord } from '../store/types.ts';
import { documentSize } from './documents.ts';
import { IamErrors } from './messages.ts';

export type PrincipalKind = 'role' | 'user';
export type PrincipalRecord = RoleRecord | UserRecord;

/** What differs between roles and users for the operations they share (inline and attached policies, tags, boundary). */
export const PRINCIPAL = {
  role: {
    param: 'RoleName',
    member: 'roleName',
    word: 'Role',
    maxName: 64,
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
    inlineLimit: 2048,
    attachedQuota: 'PoliciesPerUser',
    tagQuota: 'TagsPerUser',
    noSuch: IamErrors.noSuchUser,
    noSuchPolicy: IamErrors.noSuchUserPolicy,
  },
} as const;

export const MAX_ATTACHED = 10;

export function getPrincipal(
  store: IamStore,
  account: string,
  kind: PrincipalKind,
  name: string,
): Promise<PrincipalRecord | null> {
  return kind === 'role' ? store.get(account, 'role', name) : store.get(account, 'user', name);
}

export async function putPrincipal(
  store: IamStore,
  account: string,
  kind: PrincipalKind,
  record: PrincipalRecord,
): Promise<void> {
  record.version += 1;
  if (kind === 'role') await store.put(account, 'role', record.name, record as RoleRecord);
  else await store.put(account, 'user', record.name, record as UserRecord);
}

/** Inline policies are limited in aggregate, whitespace not counted (LimitExceeded names the entity). */
export function checkInlineAggregate(
  kind: PrincipalKind,
  name: string,
  policies: Record<string, string>,
): void {
  const total = Object.values(policies).reduce((n, doc) => n + documentSize(doc), 0);
  const limit = PRINCIPAL[kind].inlineLimit;
  if (total > limit) throw IamErrors.inlineAggregate(kind, name, limit);
}

export function checkAttachedCount(kind: PrincipalKind, attached: string[]): void {
  if (attached.length > MAX_ATTACHED)
    throw IamErrors.quota(PRINCIPAL[kind].attachedQuota, MAX_ATTACHED);
}

/** The inline policy key as stored: names are case-insensitive, the stored key keeps the name as given. */
export function findInline(policies: Record<string, string>, name: string): string | undefined {
  const lower = name.toLowerCase();
  return Object.keys(policies).find((k) => k.toLowerCase() === lower);
}
