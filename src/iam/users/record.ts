import { nameRecord } from '../../policy/index.ts';
import { newUniqueId } from '../../auth/keys.ts';
import type { Constraints } from '../../protocol/constraints.ts';
import { isoSeconds, type XmlObject } from '../../protocol/xml.ts';
import type { Tags, UserRecord } from '../../store/types.ts';
import { iamArn } from '../common/arns.ts';
import { checkArn, checkName, checkPath } from '../common/constraints.ts';
import { boundaryXml } from '../identities/record.ts';
import { tagsXml } from '../common/tags.ts';
import { checkTags } from '../common/tags.ts';

export interface UserSpec {
  name: string;
  path?: string;
  permissionsBoundary?: string;
  tags?: Tags;
}

export function checkUserSpec(v: Constraints, spec: UserSpec): void {
  checkName(v, 'userName', spec.name, 64);
  checkPath(v, 'path', spec.path);
  checkArn(v, 'permissionsBoundary', spec.permissionsBoundary);
  checkTags(v, spec.tags ?? []);
}

/** The stored user for a spec; an existing record keeps its id, creation date, policies and groups. */
export function userRecord(
  account: string,
  spec: UserSpec,
  existing: UserRecord | null,
  now: number,
): UserRecord {
  const path = spec.path ?? '/';
  const name = existing?.name ?? spec.name;
  return {
    name,
    path,
    id: existing?.id ?? newUniqueId('AIDA', account),
    arn: iamArn(account, 'user', path, name),
    createDate: existing?.createDate ?? now,
    tags: spec.tags ?? [],
    inlinePolicies: existing?.inlinePolicies ?? nameRecord<string>(),
    attachedPolicies: existing?.attachedPolicies ?? [],
    permissionsBoundary: spec.permissionsBoundary,
    groups: existing?.groups ?? [],
    mfaDevices: existing?.mfaDevices,
    version: existing?.version ?? 0,
  };
}

/** The User data type (ListUsers leaves out Tags and PermissionsBoundary, as IAM does). */
export function userXml(
  u: Pick<UserRecord, 'path' | 'name' | 'id' | 'arn' | 'createDate'> &
    Partial<Pick<UserRecord, 'permissionsBoundary' | 'tags'>>,
  detail: boolean,
): XmlObject {
  return {
    Path: u.path,
    UserName: u.name,
    UserId: u.id,
    Arn: u.arn,
    CreateDate: isoSeconds(u.createDate),
    PermissionsBoundary: detail ? boundaryXml(u.permissionsBoundary) : undefined,
    Tags: detail ? tagsXml(u.tags ?? []) : undefined,
  };
}
