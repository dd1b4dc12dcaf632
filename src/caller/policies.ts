import { compile, type CompiledPolicySet, type PolicySet } from '../policy/index.ts';
import { ByteBoundedCache } from '../policy/byte-cache.ts';
import { awsManagedPolicy } from '../store/aws-managed.ts';
import { parsePolicyArn } from '../store/managed.ts';
import type { GroupRecord, IamStore, RoleRecord, UserRecord } from '../store/types.ts';
import type { Caller } from './types.ts';

/** A managed policy as read: its default version's document (null: gone) and a tag naming that content. */
export interface ManagedRead {
  arn: string;
  /** `<arn>@aws`, `<arn>@gone`, or `<arn>@<policy id>.<record version>`: equal tags, equal documents. */
  tag: string;
  document: string | null;
}

/**
 * Managed policies (customer or AWS managed) in order, each with its default version's document;
 * null for one that does not exist (deleted meanwhile: it contributes nothing). The customer managed
 * ones are read together (the record cache, then KV bulk reads of 100): a user in ten groups of ten
 * attached policies names 110, and an AuthZEN batch resolves up to 25 such subjects, where a read
 * each would pass the 1,000 KV operations a Worker invocation may make.
 */
export async function managedPolicies(store: IamStore, arns: string[]): Promise<ManagedRead[]> {
  const parsed = arns.map((arn) => (awsManagedPolicy(arn) ? null : parsePolicyArn(arn)));
  const wanted = parsed.flatMap((p) => (p && p.account !== 'aws' ? [p] : []));
  const records = await store.getMany('policy', wanted);
  let next = 0;
  return arns.map((arn, i) => {
    const aws = awsManagedPolicy(arn);
    if (aws !== null) return { arn, tag: `${arn}@aws`, document: aws.document };
    const p = parsed[i];
    const record = p && p.account !== 'aws' ? records[next++] : null;
    if (!record || record.arn !== arn) return { arn, tag: `${arn}@gone`, document: null };
    const doc = record.versions.find((v) => v.versionId === record.defaultVersionId)?.document;
    return { arn, tag: `${arn}@${record.id}.${record.version}`, document: doc ?? null };
  });
}

/** The default versions' documents of managed policies, in order (managedPolicies without tags). */
export async function managedDocuments(
  store: IamStore,
  arns: string[],
): Promise<Array<string | null>> {
  return (await managedPolicies(store, arns)).map((m) => m.document);
}

/**
 * The groups a user belongs to, as stored now (read together). A membership whose group is gone,
 * or whose name now belongs to another group (another id), contributes nothing.
 */
export async function groupsOf(
  store: IamStore,
  account: string,
  user: UserRecord,
): Promise<GroupRecord[]> {
  const memberships = user.groups ?? [];
  const groups = await store.getMany(
    'group',
    memberships.map((m) => ({ account, name: m.name })),
  );
  return groups.filter((g, i): g is GroupRecord => g !== null && g.id === memberships[i]!.id);
}

/**
 * A principal's policies as the evaluator takes them: identity policies (a user's own, and those
 * of every group it belongs to: "Policy evaluation logic", identity-based policies), boundary,
 * session policies. Each holder's inline policies, then the default versions of its attached
 * managed policies.
 */
export async function policySetOf(store: IamStore, caller: Caller): Promise<PolicySet> {
  const entity: RoleRecord | UserRecord | undefined = caller.role ?? caller.user;
  if (!entity) return { identity: [] };
  const holders: Array<RoleRecord | UserRecord | GroupRecord> = [entity];
  if (!caller.role && caller.user)
    holders.push(...(await groupsOf(store, caller.account, caller.user)));
  const attached = holders.flatMap((h) => h.attachedPolicies);
  const boundary = entity.permissionsBoundary;
  const documents = await managedDocuments(
    store,
    boundary === undefined ? attached : [...attached, boundary],
  );
  let next = 0;
  const identity: string[] = [];
  for (const h of holders) {
    identity.push(...Object.values(h.inlinePolicies));
    for (let i = 0; i < h.attachedPolicies.length; i++) {
      const doc = documents[next++];
      if (doc !== null && doc !== undefined) identity.push(doc);
    }
  }
  const set: PolicySet = { identity };
  if (boundary) {
    // A boundary whose policy is gone allows nothing (fail closed).
    set.permissionsBoundary = documents[next] ?? { Version: '2012-10-17', Statement: [] };
  }
  const session = caller.session;
  // A GetFederationToken session without session policies has no permissions (STS API Reference,
  // GetFederationToken: "If you do not pass a policy ... the resulting session has no permissions"); other
  // sessions without session policies are limited by nothing extra.
  if (session && (session.sessionPolicies.length > 0 || session.kind === 'FederatedUser')) {
    set.session = session.sessionPolicies;
  }
  return set;
}

/**
 * Compiled policy sets of this isolate, bounded in bytes: 8 bytes of compiled state per character
 * of policy text plus 4 KB (the estimate src/decisions/policy-sets.ts measured), so a few principals
 * with large policy sets cannot hold more than COMPILED_SETS_BYTES (docs/security.md).
 */
export const COMPILED_SETS_BYTES = 16 * 1024 * 1024;
const cache = new ByteBoundedCache<CompiledPolicySet>(COMPILED_SETS_BYTES);

/**
 * Compiled policy sets, cached per isolate by their exact content (an isolate cache is only a cache:
 * any change to a policy changes the key), so the hot path of a decision is matching, not parsing.
 */
export function compiled(set: PolicySet): CompiledPolicySet {
  const key = JSON.stringify(set);
  let hit = cache.get(key);
  if (hit === undefined) {
    hit = compile(set);
    cache.set(key, hit, key.length * 8 + 4096);
  }
  return hit;
}
