import type { Caller } from '../../caller/types.ts';
import type { OperationContext } from '../../operation.ts';
import { Constraints } from '../../protocol/constraints.ts';
import { Errors } from '../../protocol/errors.ts';
import type { QueryParams } from '../../protocol/query.ts';
import type { XmlObject } from '../../protocol/xml.ts';
import { getManagedPolicy, parsePolicyArn } from '../../store/managed.ts';
import type { IamStore, ManagedPolicyRecord } from '../../store/types.ts';
import { authorizeCreate, authorizeIam } from '../common/authorize.ts';
import { iamArn } from '../common/arns.ts';
import {
  checkArn,
  checkDocumentText,
  checkEnum,
  checkPath,
  checkPolicyPath,
  IAM,
} from '../common/constraints.ts';
import { checkDocument } from '../common/documents.ts';
import { IamErrors } from '../common/errors.ts';
import {
  forEachEntity,
  LIST_PAGE,
  pageFields,
  paginate,
  readPaging,
  storePage,
} from '../common/paging.ts';
import {
  addVersion,
  AWS_POLICY_ARNS,
  awsPolicyRecord,
  checkPolicyContent,
  checkPolicySpec,
  MAX_VERSIONS,
  newPolicyRecord,
  policyXml,
  versionXml,
  type PolicySpec,
  putManagedPolicy,
} from './record.ts';
import { resourceContext } from '../common/resource-context.ts';
import { readTags } from '../common/tags.ts';
import { checkAccountQuota } from '../common/quotas.ts';

/**
 * How many roles, users and groups in the account attach each AWS managed policy, or use it as a
 * boundary: from the listings of their keys (store.awsManagedUsage), not from every record (an
 * account at its quotas holds 6,300 of them, 100 MB and more).
 */
export function awsUsage(
  store: IamStore,
  account: string,
): Promise<Map<string, { attachments: number; boundaries: number }>> {
  return store.awsManagedUsage(account);
}

/** PolicyUsageFilter (PolicyUsageType) of ListPolicies and ListEntitiesForPolicy. */
function readUsageFilter(params: QueryParams, v: Constraints): string | undefined {
  const filter = params.get('PolicyUsageFilter');
  checkEnum(v, 'policyUsageFilter', filter, ['PermissionsPolicy', 'PermissionsBoundary']);
  return filter;
}

export function readPolicyArn(ctx: OperationContext, v: Constraints): string {
  const arn = ctx.params.require('PolicyArn');
  checkArn(v, 'policyArn', arn);
  return arn;
}

/**
 * Authorizes `action` on the policy ARN, then loads the policy (customer managed, or AWS managed
 * read-only). `context`: the request's own condition keys (aws:RequestTag/..., aws:TagKeys).
 */
export async function authorizedPolicy(
  ctx: OperationContext,
  caller: Caller,
  arn: string,
  action: string,
  writable = false,
  context: Record<string, string | string[]> = {},
): Promise<ManagedPolicyRecord> {
  const parsed = parsePolicyArn(arn);
  if (!parsed) throw IamErrors.invalidArn(arn);
  // Read before authorizing so the policy's tags reach aws:ResourceTag; another account's is never read.
  const customer =
    parsed.account === caller.account ? await getManagedPolicy(ctx.store, arn) : null;
  await authorizeIam(ctx, caller, action, arn, {
    ...resourceContext(action, 'policy', customer),
    ...context,
  });
  if (parsed.account === 'aws') {
    const usage = (await awsUsage(ctx.store, caller.account)).get(arn) ?? {
      attachments: 0,
      boundaries: 0,
    };
    const record = awsPolicyRecord(arn, usage);
    if (!record) throw IamErrors.noSuchPolicy(arn);
    if (writable) {
      throw Errors.notAuthorized(caller.arn, action, arn);
    }
    return record;
  }
  if (!customer) throw IamErrors.noSuchPolicy(arn);
  return customer;
}

export async function createPolicy(ctx: OperationContext, caller: Caller): Promise<XmlObject> {
  const { params, store } = ctx;
  const v = new Constraints();
  const spec: PolicySpec = {
    name: params.require('PolicyName'),
    path: params.get('Path'),
    document: params.require('PolicyDocument'),
    description: params.get('Description'),
    tags: readTags(params),
  };
  checkPolicySpec(v, spec);
  v.check();
  const arn = iamArn(caller.account, 'policy', spec.path ?? '/', spec.name);
  await authorizeCreate(ctx, caller, { create: 'iam:CreatePolicy', tag: 'iam:TagPolicy' }, arn, {
    tags: spec.tags ?? [],
  });
  checkPolicyContent(spec);
  if (await store.get(caller.account, 'policy', spec.name)) throw IamErrors.policyExists(spec.name);
  await checkAccountQuota(store, caller.account, 'policy');
  const record = newPolicyRecord(caller.account, spec, ctx.info.now);
  await putManagedPolicy(store, caller.account, record);
  return { Policy: policyXml(record, true) };
}

export async function getPolicy(ctx: OperationContext, caller: Caller): Promise<XmlObject> {
  const v = new Constraints();
  const arn = readPolicyArn(ctx, v);
  v.check();
  return { Policy: policyXml(await authorizedPolicy(ctx, caller, arn, 'iam:GetPolicy'), true) };
}

function readVersionId(ctx: OperationContext, v: Constraints): string {
  const id = ctx.params.require('VersionId');
  v.pattern('versionId', id, IAM.versionId.re, IAM.versionId.shown);
  return id;
}

export async function getPolicyVersion(ctx: OperationContext, caller: Caller): Promise<XmlObject> {
  const v = new Constraints();
  const arn = readPolicyArn(ctx, v);
  const versionId = readVersionId(ctx, v);
  v.check();
  const policy = await authorizedPolicy(ctx, caller, arn, 'iam:GetPolicyVersion');
  const version = policy.versions.find((x) => x.versionId === versionId);
  if (!version) throw IamErrors.noSuchPolicyVersion(arn, versionId);
  return { PolicyVersion: versionXml(policy, version, true) };
}

/** CreatePolicyVersion: at most 5 versions (LimitExceeded); SetAsDefault makes it the one in effect. */
export async function createPolicyVersion(
  ctx: OperationContext,
  caller: Caller,
): Promise<XmlObject> {
  const v = new Constraints();
  const arn = readPolicyArn(ctx, v);
  const document = ctx.params.require('PolicyDocument');
  checkDocumentText(v, 'policyDocument', document);
  const setAsDefault = ctx.params.boolean('SetAsDefault') ?? false;
  v.check();
  const policy = await authorizedPolicy(ctx, caller, arn, 'iam:CreatePolicyVersion', true);
  checkDocument(document, 'identity');
  if (policy.versions.length >= MAX_VERSIONS) throw IamErrors.tooManyVersions();
  const version = addVersion(policy, document, setAsDefault, ctx.info.now);
  await putManagedPolicy(ctx.store, caller.account, policy);
  return { PolicyVersion: versionXml(policy, version, false) };
}

/** Reads PolicyArn and VersionId, then loads the writable policy and requires the version to exist. */
async function existingVersion(ctx: OperationContext, caller: Caller, action: string) {
  const v = new Constraints();
  const arn = readPolicyArn(ctx, v);
  const versionId = readVersionId(ctx, v);
  v.check();
  const policy = await authorizedPolicy(ctx, caller, arn, action, true);
  if (!policy.versions.some((x) => x.versionId === versionId))
    throw IamErrors.noSuchPolicyVersion(arn, versionId);
  return { policy, versionId };
}

export async function setDefaultPolicyVersion(
  ctx: OperationContext,
  caller: Caller,
): Promise<undefined> {
  const { policy, versionId } = await existingVersion(ctx, caller, 'iam:SetDefaultPolicyVersion');
  policy.defaultVersionId = versionId;
  policy.updateDate = ctx.info.now;
  await putManagedPolicy(ctx.store, caller.account, policy);
  return undefined;
}

export async function deletePolicyVersion(
  ctx: OperationContext,
  caller: Caller,
): Promise<undefined> {
  const { policy, versionId } = await existingVersion(ctx, caller, 'iam:DeletePolicyVersion');
  if (policy.defaultVersionId === versionId) throw IamErrors.defaultVersion();
  policy.versions = policy.versions.filter((x) => x.versionId !== versionId);
  await putManagedPolicy(ctx.store, caller.account, policy);
  return undefined;
}

export async function listPolicyVersions(
  ctx: OperationContext,
  caller: Caller,
): Promise<XmlObject> {
  const v = new Constraints();
  const arn = readPolicyArn(ctx, v);
  const paging = readPaging(ctx.params, v);
  v.check();
  const policy = await authorizedPolicy(ctx, caller, arn, 'iam:ListPolicyVersions');
  // Newest first, as IAM lists them.
  const ordered = [...policy.versions].sort(
    (a, b) => Number(b.versionId.slice(1)) - Number(a.versionId.slice(1)),
  );
  const indexed = ordered.map((x, i) => ({ x, key: String(i).padStart(2, '0') }));
  const page = paginate(indexed, (e) => e.key, paging);
  return { Versions: page.items.map((e) => versionXml(policy, e.x, false)), ...pageFields(page) };
}

/** DeletePolicy: only once detached everywhere and left with its default version alone (DeleteConflict). */
export async function deletePolicy(ctx: OperationContext, caller: Caller): Promise<undefined> {
  const v = new Constraints();
  const arn = readPolicyArn(ctx, v);
  v.check();
  const policy = await authorizedPolicy(ctx, caller, arn, 'iam:DeletePolicy', true);
  if (policy.attachmentCount > 0 || policy.permissionsBoundaryUsageCount > 0)
    throw IamErrors.policyAttached();
  if (policy.versions.length > 1) throw IamErrors.policyHasVersions();
  await ctx.store.delete(caller.account, 'policy', policy.name);
  return undefined;
}

/**
 * ListPolicies: Scope All/AWS/Local, OnlyAttached, PathPrefix, PolicyUsageFilter, paginated. The
 * action has no resource type (Service Authorization Reference), so it is authorized on `*`. AWS
 * managed policies come first, then the account's own, a page of them read from the store at a
 * time; the marker says which of the two it resumes in (`A...` or `L...`).
 */
export async function listPolicies(ctx: OperationContext, caller: Caller): Promise<XmlObject> {
  const { params, store } = ctx;
  const v = new Constraints();
  const scope = params.get('Scope') ?? 'All';
  checkEnum(v, 'scope', scope, ['All', 'AWS', 'Local']);
  const onlyAttached = params.boolean('OnlyAttached') ?? false;
  const prefix = params.get('PathPrefix') ?? '/';
  checkPolicyPath(v, 'pathPrefix', params.get('PathPrefix'));
  const usageFilter = readUsageFilter(params, v);
  const paging = readPaging(params, v);
  v.check();
  await authorizeIam(ctx, caller, 'iam:ListPolicies', '*');

  const phase = paging.marker?.[0];
  const resume = paging.marker?.slice(1) || undefined;
  if (
    paging.marker !== undefined &&
    !((phase === 'A' && scope !== 'Local') || (phase === 'L' && scope !== 'AWS'))
  ) {
    throw Errors.invalidMarker();
  }
  const keep = (p: ManagedPolicyRecord) => {
    if (!p.path.startsWith(prefix)) return false;
    const used =
      (usageFilter !== 'PermissionsBoundary' ? p.attachmentCount : 0) +
      (usageFilter !== 'PermissionsPolicy' ? p.permissionsBoundaryUsageCount : 0);
    return !onlyAttached || used > 0;
  };
  const result = (items: ManagedPolicyRecord[], marker?: string) => ({
    Policies: items.map((p) => policyXml(p, false)),
    IsTruncated: marker !== undefined,
    Marker: marker,
  });

  const items: ManagedPolicyRecord[] = [];
  if (scope !== 'Local' && phase !== 'L') {
    const usage = await awsUsage(store, caller.account);
    const aws = AWS_POLICY_ARNS.map((arn) =>
      awsPolicyRecord(arn, usage.get(arn) ?? { attachments: 0, boundaries: 0 })!,
    ).filter(keep);
    const page = paginate(aws, (p) => p.name.toLowerCase(), { ...paging, marker: resume });
    if (page.isTruncated) return result(page.items, `A${page.marker}`);
    items.push(...page.items);
    if (scope === 'AWS') return result(items);
    if (items.length === paging.maxItems) return result(items, 'L');
  }
  const local = await storePage(
    store,
    caller.account,
    'policy',
    {
      marker: phase === 'L' ? resume : undefined,
      maxItems: paging.maxItems - items.length,
      // A record keeps every version's document (5 of 6,144 characters): 1,000 of them are 30 MB.
      maxChars: LIST_PAGE.chars,
    },
    prefix,
    keep,
  );
  items.push(...local.items);
  return result(items, local.isTruncated ? `L${local.marker}` : undefined);
}

/** EntityFilter values naming an entity kind, and the element each kind is listed under. */
const ENTITY_KINDS = [
  { kind: 'group', filter: 'Group', list: 'PolicyGroups', name: 'GroupName', id: 'GroupId' },
  { kind: 'user', filter: 'User', list: 'PolicyUsers', name: 'UserName', id: 'UserId' },
  { kind: 'role', filter: 'Role', list: 'PolicyRoles', name: 'RoleName', id: 'RoleId' },
] as const;

/**
 * ListEntitiesForPolicy: the groups, users and roles that attach the policy, and the users and roles
 * that use it as their permissions boundary (groups have none); PolicyUsageFilter narrows to one
 * use, EntityFilter to one kind, PathPrefix to entities under a path.
 */
export async function listEntitiesForPolicy(
  ctx: OperationContext,
  caller: Caller,
): Promise<XmlObject> {
  const { params } = ctx;
  const v = new Constraints();
  const arn = readPolicyArn(ctx, v);
  const filter = params.get('EntityFilter');
  checkEnum(v, 'entityFilter', filter, [
    'User',
    'Role',
    'Group',
    'LocalManagedPolicy',
    'AWSManagedPolicy',
  ]);
  const prefix = params.get('PathPrefix');
  checkPath(v, 'pathPrefix', prefix);
  const usageFilter = readUsageFilter(params, v);
  const paging = readPaging(params, v);
  v.check();
  await authorizedPolicy(ctx, caller, arn, 'iam:ListEntitiesForPolicy');
  const uses = (e: { attachedPolicies: string[]; permissionsBoundary?: string }) =>
    (usageFilter !== 'PermissionsBoundary' && e.attachedPolicies.includes(arn)) ||
    (usageFilter !== 'PermissionsPolicy' && e.permissionsBoundary === arn);
  const kinds = ENTITY_KINDS.filter((k) => filter === undefined || filter === k.filter);
  const entities: Array<{ kind: (typeof ENTITY_KINDS)[number]; name: string; id: string }> = [];
  for (const k of kinds) {
    // Only the entities whose keys name the policy (store.forEachPolicyUser) are read.
    await ctx.store.forEachPolicyUser(
      caller.account,
      k.kind,
      arn,
      (e: {
        name: string;
        id: string;
        path: string;
        attachedPolicies: string[];
        permissionsBoundary?: string;
      }) => {
        if (uses(e) && e.path.startsWith(prefix ?? '/'))
          entities.push({ kind: k, name: e.name, id: e.id });
      },
    );
  }
  const page = paginate(entities, (e) => `${e.kind.kind}/${e.name.toLowerCase()}`, paging);
  const listed = Object.fromEntries(
    ENTITY_KINDS.map((k) => [
      k.list,
      page.items.filter((e) => e.kind === k).map((e) => ({ [k.name]: e.name, [k.id]: e.id })),
    ]),
  );
  return { ...listed, ...pageFields(page) };
}
