import type { Caller } from '../../caller/types.ts';
import type { OperationContext } from '../../operation.ts';
import { Constraints } from '../../protocol/constraints.ts';
import { Errors } from '../../protocol/errors.ts';
import { isoSeconds, type XmlObject } from '../../protocol/xml.ts';
import { lastUses } from '../../store/last-used.ts';
import type {
  GroupRecord,
  IamStore,
  InstanceProfileRecord,
  ManagedPolicyRecord,
  UserRecord,
} from '../../store/types.ts';
import { authorizeIam } from '../common/authorize.ts';
import { checkEnum } from '../common/constraints.ts';
import { encodeDocument } from '../common/documents.ts';
import {
  forEachEntity,
  LIST_PAGE,
  paginate,
  readPaging,
  storePage,
  type Page,
  type Paging,
} from '../common/paging.ts';
import { tagsXml } from '../common/tags.ts';
import { boundaryXml } from '../identities/record.ts';
import { attachedPolicy } from '../identities/identity-policy-operations.ts';
import { awsUsage } from '../managed-policies/operations.ts';
import {
  AWS_POLICY_ARNS,
  awsPolicyRecord,
  policyXml,
  versionXml,
} from '../managed-policies/record.ts';
import { roleXml } from '../roles/record.ts';
import { displayedTrustPolicy, prefetchTrustPrincipals } from '../roles/trust-principals.ts';

/** EntityType: the kinds Filter may name. */
const ENTITY_TYPES = ['User', 'Role', 'Group', 'LocalManagedPolicy', 'AWSManagedPolicy'] as const;
type EntityType = (typeof ENTITY_TYPES)[number];

/** The listing order, and the letter each kind's markers start with. */
const PHASES: ReadonlyArray<{ type: EntityType; letter: string }> = [
  { type: 'User', letter: 'U' },
  { type: 'Group', letter: 'G' },
  { type: 'Role', letter: 'R' },
  { type: 'LocalManagedPolicy', letter: 'L' },
  { type: 'AWSManagedPolicy', letter: 'A' },
];

interface Details {
  UserDetailList: XmlObject[];
  GroupDetailList: XmlObject[];
  RoleDetailList: XmlObject[];
  Policies: XmlObject[];
}

/**
 * GetAccountAuthorizationDetails (IAM API Reference): the account's users, groups, roles and managed
 * policies with their relationships, in one paged answer. `Filter` (EntityType) picks the kinds;
 * without it every kind is listed. The kinds are listed one after the other, users, groups, roles,
 * customer managed policies, then AWS managed policies, and MaxItems counts the items of all lists
 * together; the marker names the kind it stopped in and the position within it. A page also ends
 * once its records reach LIST_PAGE characters (src/iam/common/paging.ts), as IAM's pages may hold
 * fewer than MaxItems items. AWS managed
 * policies are those the account uses (attached to, or the boundary of, one of its entities), not
 * the whole catalogue. Policy documents are URL-encoded, as IAM returns them.
 */
export async function getAccountAuthorizationDetails(
  ctx: OperationContext,
  caller: Caller,
): Promise<XmlObject> {
  const v = new Constraints();
  const filter = ctx.params.list('Filter');
  filter.forEach((f, i) => checkEnum(v, `filter.${i + 1}.member`, f, ENTITY_TYPES));
  const paging = readPaging(ctx.params, v);
  v.check();
  await authorizeIam(ctx, caller, 'iam:GetAccountAuthorizationDetails', '*');

  const wanted = (t: EntityType) => filter.length === 0 || filter.includes(t);
  const phases = PHASES.filter((p) => wanted(p.type));
  let start = 0;
  let resume: string | undefined;
  if (paging.marker !== undefined) {
    start = phases.findIndex((p) => p.letter === paging.marker![0]);
    if (start < 0) throw Errors.invalidMarker();
    resume = paging.marker.slice(1) || undefined;
  }

  const account = caller.account;
  const out: Details = {
    UserDetailList: [],
    GroupDetailList: [],
    RoleDetailList: [],
    Policies: [],
  };
  const done = (marker?: string) => ({ ...out, IsTruncated: marker !== undefined, Marker: marker });
  let room = paging.maxItems;
  let roomChars = LIST_PAGE.chars;
  for (let i = start; i < phases.length; i++) {
    const phase = phases[i]!;
    const pageOf = {
      marker: i === start ? resume : undefined,
      maxItems: room,
      maxChars: roomChars,
    };
    const page = await listPhase(ctx, account, phase.type, pageOf, out);
    room -= page.count;
    roomChars -= page.chars;
    if (page.marker !== undefined) return done(phase.letter + page.marker);
    // A full page before the last kind: the next page starts with the next kind (it may be empty,
    // as IAM's own pages may hold fewer than MaxItems items).
    if ((room === 0 || roomChars <= 0) && i + 1 < phases.length) return done(phases[i + 1]!.letter);
  }
  return done();
}

/**
 * One kind's items into `out`, at most `paging.maxItems` and about `paging.maxChars` characters of
 * records (LIST_PAGE); the marker within the kind if more remain.
 */
async function listPhase(
  ctx: OperationContext,
  account: string,
  type: EntityType,
  paging: Paging,
  out: Details,
): Promise<{ count: number; chars: number; marker?: string }> {
  const { store } = ctx;
  const tail = <T>(page: Page<T>) => ({
    count: page.items.length,
    chars: page.chars ?? 0,
    marker: page.isTruncated ? page.marker : undefined,
  });
  switch (type) {
    case 'User': {
      const page = await storePage(store, account, 'user', paging);
      const groupIds = page.items.some((u) => (u.groups ?? []).length > 0)
        ? await groupIdsByName(store, account)
        : new Map<string, string>();
      out.UserDetailList.push(...page.items.map((u) => userDetail(u, groupIds)));
      return tail(page);
    }
    case 'Group': {
      const page = await storePage(store, account, 'group', paging);
      out.GroupDetailList.push(...page.items.map(groupDetail));
      return tail(page);
    }
    case 'Role': {
      const page = await storePage(store, account, 'role', paging);
      const profiles =
        page.items.length > 0
          ? await profilesByRole(store, account)
          : new Map<string, InstanceProfileRecord[]>();
      // The principals the page's trust policies name, and the roles' last uses, in bulk reads.
      const lookups: Parameters<typeof displayedTrustPolicy>[2] = new Map();
      const [, uses] = await Promise.all([
        prefetchTrustPrincipals(store, page.items, lookups),
        lastUses(
          ctx.env.IAM,
          account,
          page.items.map((r) => r.id),
        ),
      ]);
      out.RoleDetailList.push(
        ...(await Promise.all(
          page.items.map(async (r) => {
            const trust = await displayedTrustPolicy(store, r, lookups);
            const used = uses.get(r.id) ?? null;
            const detail = roleXml(r, true, trust, used);
            const held = (profiles.get(r.id) ?? []).map((p) => ({
              Path: p.path,
              InstanceProfileName: p.name,
              InstanceProfileId: p.id,
              Arn: p.arn,
              CreateDate: isoSeconds(p.createDate),
              Roles: [roleXml(r, false, trust)],
            }));
            return {
              Path: detail.Path,
              RoleName: detail.RoleName,
              RoleId: detail.RoleId,
              Arn: detail.Arn,
              CreateDate: detail.CreateDate,
              AssumeRolePolicyDocument: detail.AssumeRolePolicyDocument,
              InstanceProfileList: held,
              RolePolicyList: inlineDetails(r.inlinePolicies),
              AttachedManagedPolicies: attachedDetails(r.attachedPolicies),
              PermissionsBoundary: detail.PermissionsBoundary,
              Tags: detail.Tags,
              RoleLastUsed: detail.RoleLastUsed,
            };
          }),
        )),
      );
      return tail(page);
    }
    case 'LocalManagedPolicy': {
      const page = await storePage(store, account, 'policy', paging);
      out.Policies.push(...page.items.map(policyDetail));
      return tail(page);
    }
    case 'AWSManagedPolicy': {
      const usage = await awsUsage(store, account);
      const used = AWS_POLICY_ARNS.flatMap((arn) => {
        const u = usage.get(arn);
        return u && u.attachments + u.boundaries > 0 ? [awsPolicyRecord(arn, u)!] : [];
      });
      const page = paginate(used, (p) => p.name.toLowerCase(), paging);
      out.Policies.push(...page.items.map(policyDetail));
      return tail(page);
    }
  }
}

/** Inline policies (PolicyDetail), by name as IAM lists them, documents URL-encoded. */
function inlineDetails(policies: Record<string, string>): XmlObject[] {
  return Object.keys(policies)
    .sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1))
    .map((name) => ({ PolicyName: name, PolicyDocument: encodeDocument(policies[name]!) }));
}

/** Attached managed policies (AttachedPolicy), in attachment order. */
function attachedDetails(arns: string[]): XmlObject[] {
  return arns.map(attachedPolicy).map((p) => ({ PolicyName: p.name, PolicyArn: p.arn }));
}

function userDetail(u: UserRecord, groupIds: Map<string, string>): XmlObject {
  return {
    Path: u.path,
    UserName: u.name,
    UserId: u.id,
    Arn: u.arn,
    CreateDate: isoSeconds(u.createDate),
    UserPolicyList: inlineDetails(u.inlinePolicies),
    // A membership counts while the group of that name still has the recorded id.
    GroupList: (u.groups ?? [])
      .filter((m) => groupIds.get(m.name.toLowerCase()) === m.id)
      .map((m) => m.name),
    AttachedManagedPolicies: attachedDetails(u.attachedPolicies),
    PermissionsBoundary: boundaryXml(u.permissionsBoundary),
    Tags: tagsXml(u.tags),
  };
}

function groupDetail(g: GroupRecord): XmlObject {
  return {
    Path: g.path,
    GroupName: g.name,
    GroupId: g.id,
    Arn: g.arn,
    CreateDate: isoSeconds(g.createDate),
    GroupPolicyList: inlineDetails(g.inlinePolicies),
    AttachedManagedPolicies: attachedDetails(g.attachedPolicies),
  };
}

/** ManagedPolicyDetail: the Policy data type with its description and every version's document. */
function policyDetail(p: ManagedPolicyRecord): XmlObject {
  const { Tags: _, ...policy } = policyXml(p, true);
  return {
    ...policy,
    PolicyVersionList: p.versions.map((version) => versionXml(p, version, true)),
  };
}

/** The account's groups' ids by lowercased name (at most the group quota). */
async function groupIdsByName(store: IamStore, account: string): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  await forEachEntity(store, account, 'group', (g) => void ids.set(g.name.toLowerCase(), g.id));
  return ids;
}

/** The instance profiles holding each role, by the role's unique id (every profile: at most the quota). */
async function profilesByRole(
  store: IamStore,
  account: string,
): Promise<Map<string, InstanceProfileRecord[]>> {
  const byRole = new Map<string, InstanceProfileRecord[]>();
  await forEachEntity(store, account, 'instanceprofile', (p) => {
    for (const r of p.roles) byRole.set(r.id, [...(byRole.get(r.id) ?? []), p]);
  });
  return byRole;
}
