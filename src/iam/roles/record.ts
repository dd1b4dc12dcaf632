import { nameRecord } from '../../policy/index.ts';
import { newUniqueId } from '../../auth/keys.ts';
import { Constraints } from '../../protocol/constraints.ts';
import type { XmlObject } from '../../protocol/xml.ts';
import { isoSeconds } from '../../protocol/xml.ts';
import type { LastUse } from '../../store/last-used.ts';
import type { RoleRecord, Tags } from '../../store/types.ts';
import { iamArn } from '../common/arns.ts';
import {
  checkArn,
  checkDocumentText,
  checkName,
  checkPath,
  checkRoleDescription,
} from '../common/constraints.ts';
import { checkDocument, encodeDocument } from '../common/documents.ts';
import { boundaryXml } from '../identities/record.ts';
import { checkTagKeys, checkTags, tagsXml } from '../common/tags.ts';

/** A role as CreateRole (and the seed) describe it. */
export interface RoleSpec {
  name: string;
  path?: string;
  assumeRolePolicyDocument: string;
  description?: string;
  maxSessionDuration?: number;
  permissionsBoundary?: string;
  tags?: Tags;
}

/** CreateRole's request constraints (IAM API Reference, CreateRole), all reported together. */
export function checkRoleSpec(v: Constraints, spec: RoleSpec): void {
  checkName(v, 'roleName', spec.name, 64);
  checkPath(v, 'path', spec.path);
  checkDocumentText(v, 'assumeRolePolicyDocument', spec.assumeRolePolicyDocument);
  checkRoleDescription(v, spec.description);
  v.range('maxSessionDuration', spec.maxSessionDuration, 3600, 43200);
  checkArn(v, 'permissionsBoundary', spec.permissionsBoundary);
  checkTags(v, spec.tags ?? []);
}

/** The checks after the model's: tag key rules and the trust policy's grammar and 2,048-character quota. */
export function checkRoleContent(spec: RoleSpec): void {
  checkTagKeys(spec.tags ?? []);
  checkDocument(spec.assumeRolePolicyDocument, 'trust');
}

/** The stored role for a spec; an existing record keeps its id, creation date and policies. */
export function roleRecord(
  account: string,
  spec: RoleSpec,
  existing: RoleRecord | null,
  now: number,
): RoleRecord {
  const path = spec.path ?? '/';
  return {
    name: existing?.name ?? spec.name,
    path,
    id: existing?.id ?? newUniqueId('AROA', account),
    arn: iamArn(account, 'role', path, existing?.name ?? spec.name),
    createDate: existing?.createDate ?? now,
    assumeRolePolicyDocument: spec.assumeRolePolicyDocument,
    description: spec.description,
    maxSessionDuration: spec.maxSessionDuration ?? 3600,
    tags: spec.tags ?? [],
    inlinePolicies: existing?.inlinePolicies ?? nameRecord<string>(),
    attachedPolicies: existing?.attachedPolicies ?? [],
    permissionsBoundary: spec.permissionsBoundary,
    version: existing?.version ?? 0,
  };
}

/**
 * The Role data type. ListRoles leaves out Tags, PermissionsBoundary and RoleLastUsed ("ListRoles":
 * "these are not returned"); GetRole and CreateRole include them. `trustPolicy` is the trust policy
 * as displayed (trust-principals.ts, displayedTrustPolicy); `lastUsed`, GetRole's RoleLastUsed.
 */
export function roleXml(
  r: RoleRecord,
  detail: boolean,
  trustPolicy: string = r.assumeRolePolicyDocument,
  lastUsed: LastUse | null = null,
): XmlObject {
  return {
    Path: r.path,
    RoleName: r.name,
    RoleId: r.id,
    Arn: r.arn,
    CreateDate: isoSeconds(r.createDate),
    AssumeRolePolicyDocument: encodeDocument(trustPolicy),
    Description: r.description,
    MaxSessionDuration: r.maxSessionDuration,
    PermissionsBoundary: detail ? boundaryXml(r.permissionsBoundary) : undefined,
    Tags: detail ? tagsXml(r.tags) : undefined,
    // Empty until the role's credentials are used (src/store/last-used.ts), as IAM answers.
    RoleLastUsed: detail
      ? lastUsed
        ? { LastUsedDate: isoSeconds(lastUsed.date), Region: lastUsed.region }
        : {}
      : undefined,
  };
}
