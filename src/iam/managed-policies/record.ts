import { newUniqueId } from '../../auth/keys.ts';
import type { Constraints } from '../../protocol/constraints.ts';
import { isoSeconds, type XmlObject } from '../../protocol/xml.ts';
import { AWS_MANAGED_POLICIES, awsManagedPolicy } from '../../store/aws-managed.ts';
import type {
  ManagedPolicyRecord,
  PolicyVersionRecord,
  Tags,
  IamStore,
} from '../../store/types.ts';
import { iamArn } from '../common/arns.ts';
import {
  checkDocumentText,
  checkName,
  checkPolicyDescription,
  checkPolicyPath,
} from '../common/constraints.ts';
import { checkDocument, encodeDocument } from '../common/documents.ts';
import { checkTagKeys, checkTags, tagsXml } from '../common/tags.ts';

/** "IAM and AWS STS quotas": versions per managed policy. */
export const MAX_VERSIONS = 5;

export interface PolicySpec {
  name: string;
  path?: string;
  document: string;
  description?: string;
  tags?: Tags;
}

export function checkPolicySpec(v: Constraints, spec: PolicySpec): void {
  checkName(v, 'policyName', spec.name, 128);
  checkPolicyPath(v, 'path', spec.path);
  checkDocumentText(v, 'policyDocument', spec.document);
  checkPolicyDescription(v, spec.description);
  checkTags(v, spec.tags ?? []);
}

/** A managed policy's document: identity-policy grammar, 6,144 characters (whitespace not counted). */
export function checkPolicyContent(spec: PolicySpec): void {
  checkTagKeys(spec.tags ?? []);
  checkDocument(spec.document, 'identity');
}

export function newPolicyRecord(
  account: string,
  spec: PolicySpec,
  now: number,
): ManagedPolicyRecord {
  const path = spec.path ?? '/';
  return {
    name: spec.name,
    path,
    id: newUniqueId('ANPA', account),
    arn: iamArn(account, 'policy', path, spec.name),
    description: spec.description,
    createDate: now,
    updateDate: now,
    defaultVersionId: 'v1',
    versions: [{ versionId: 'v1', document: spec.document, createDate: now }],
    nextVersion: 2,
    attachmentCount: 0,
    permissionsBoundaryUsageCount: 0,
    tags: spec.tags ?? [],
    // putManagedPolicy counts the first write.
    version: 0,
  };
}

/** Stores a customer managed policy, bumping its record version: every change goes through here. */
export async function putManagedPolicy(
  store: IamStore,
  account: string,
  record: ManagedPolicyRecord,
): Promise<void> {
  record.version += 1;
  await store.put(account, 'policy', record.name, record);
}

/** Adds a version (CreatePolicyVersion); the caller checks the 5-version quota first. */
export function addVersion(
  record: ManagedPolicyRecord,
  document: string,
  setAsDefault: boolean,
  now: number,
): PolicyVersionRecord {
  const version = { versionId: `v${record.nextVersion}`, document, createDate: now };
  record.versions = [...record.versions, version];
  record.nextVersion += 1;
  if (setAsDefault) {
    record.defaultVersionId = version.versionId;
    record.updateDate = now;
  }
  return version;
}

export function defaultDocument(record: ManagedPolicyRecord): string {
  return record.versions.find((v) => v.versionId === record.defaultVersionId)?.document ?? '';
}

// AWS managed policies were published long before any rolecall account: a fixed, plausible date.
const AWS_POLICY_DATE = Date.UTC(2015, 1, 6, 18, 39, 46);

/** Stable ids for AWS managed policies, derived from the name (IAM ids are ANPA + 17 characters). */
function awsPolicyId(name: string): string {
  let h = 2166136261;
  let out = '';
  for (let i = 0; out.length < 17; i++) {
    h = Math.imul(h ^ name.charCodeAt(i % name.length) ^ i, 16777619) >>> 0;
    out += 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[h % 32];
  }
  return `ANPA${out}`;
}

/** An AWS managed policy as a record (read-only; usage counts are the account's). */
export function awsPolicyRecord(
  arn: string,
  usage: { attachments: number; boundaries: number },
): ManagedPolicyRecord | null {
  const aws = awsManagedPolicy(arn);
  if (!aws) return null;
  return {
    name: aws.name,
    path: aws.path,
    id: awsPolicyId(aws.name),
    arn,
    description: aws.description,
    createDate: AWS_POLICY_DATE,
    updateDate: AWS_POLICY_DATE,
    defaultVersionId: 'v1',
    versions: [{ versionId: 'v1', document: aws.document, createDate: AWS_POLICY_DATE }],
    nextVersion: 2,
    attachmentCount: usage.attachments,
    permissionsBoundaryUsageCount: usage.boundaries,
    tags: [],
    version: 1,
  };
}

export const AWS_POLICY_ARNS = Object.entries(AWS_MANAGED_POLICIES).map(
  ([name, p]) => `arn:aws:iam::aws:policy${p.path}${name}`,
);

/** The Policy data type. ListPolicies leaves out Description and Tags, as IAM does. */
export function policyXml(p: ManagedPolicyRecord, detail: boolean): XmlObject {
  return {
    PolicyName: p.name,
    PolicyId: p.id,
    Arn: p.arn,
    Path: p.path,
    DefaultVersionId: p.defaultVersionId,
    AttachmentCount: p.attachmentCount,
    PermissionsBoundaryUsageCount: p.permissionsBoundaryUsageCount,
    IsAttachable: true,
    Description: detail ? p.description : undefined,
    CreateDate: isoSeconds(p.createDate),
    UpdateDate: isoSeconds(p.updateDate),
    Tags: detail ? tagsXml(p.tags) : undefined,
  };
}

export function versionXml(
  p: ManagedPolicyRecord,
  v: PolicyVersionRecord,
  withDocument: boolean,
): XmlObject {
  return {
    Document: withDocument ? encodeDocument(v.document) : undefined,
    VersionId: v.versionId,
    IsDefaultVersion: v.versionId === p.defaultVersionId,
    CreateDate: isoSeconds(v.createDate),
  };
}
