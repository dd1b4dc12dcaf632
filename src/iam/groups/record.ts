import { nameRecord } from '../../policy/index.ts';
import { newUniqueId } from '../../auth/keys.ts';
import type { Constraints } from '../../protocol/constraints.ts';
import { isoSeconds, type XmlObject } from '../../protocol/xml.ts';
import type { GroupRecord, UserRecord } from '../../store/types.ts';
import { iamArn } from '../common/arns.ts';
import { checkName, checkPath } from '../common/constraints.ts';

/** "IAM and AWS STS quotas": groups an IAM user can be a member of. */
export const MAX_GROUPS_PER_USER = 10;

/** A group as CreateGroup (and the seed) describe it. */
export interface GroupSpec {
  name: string;
  path?: string;
}

/** CreateGroup's request constraints: groupNameType (1-128) and pathType. */
export function checkGroupSpec(v: Constraints, spec: GroupSpec): void {
  checkName(v, 'groupName', spec.name, 128);
  checkPath(v, 'path', spec.path);
}

/** The stored group for a spec; an existing record keeps its name, id, creation date and policies. */
export function groupRecord(
  account: string,
  spec: GroupSpec,
  existing: GroupRecord | null,
  now: number,
): GroupRecord {
  const path = spec.path ?? '/';
  const name = existing?.name ?? spec.name;
  return {
    name,
    path,
    id: existing?.id ?? newUniqueId('AGPA', account),
    arn: iamArn(account, 'group', path, name),
    createDate: existing?.createDate ?? now,
    inlinePolicies: existing?.inlinePolicies ?? nameRecord<string>(),
    attachedPolicies: existing?.attachedPolicies ?? [],
    version: existing?.version ?? 0,
  };
}

/** The Group data type (CreateGroup, GetGroup, ListGroups, ListGroupsForUser). */
export function groupXml(g: GroupRecord): XmlObject {
  return {
    Path: g.path,
    GroupName: g.name,
    GroupId: g.id,
    Arn: g.arn,
    CreateDate: isoSeconds(g.createDate),
  };
}

/** Whether the user is a member of this group (the group as stored now: same id). */
export function isMember(user: UserRecord, group: GroupRecord): boolean {
  return (user.groups ?? []).some((m) => m.id === group.id);
}
