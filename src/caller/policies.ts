import { compile, type CompiledPolicySet, type PolicySet } from '../policy/index.ts';
import { ByteBoundedCache } from '../policy/byte-cache.ts';
import { managedPolicyDocument } from '../store/managed.ts';
import type { GroupRecord, IamStore, RoleRecord, UserRecord } from '../store/types.ts';
import type { Caller } from './types.ts';

/**
 * The identity policies of a role, user or group: inline ones, then the default versions of the
 * attached managed policies (a managed policy deleted meanwhile contributes nothing).
 */
async function identityPolicies(
  store: IamStore,
  entity: { inlinePolicies: Record<string, string>; attachedPolicies: string[] },
): Promise<string[]> {
  const attached = await Promise.all(
    entity.attachedPolicies.map((arn) => managedPolicyDocument(store, arn)),
  );
  return [
    ...Object.values(entity.inlinePolicies),
    ...attached.filter((d): d is string => d !== null),
  ];
}

/**
 * The groups a user belongs to, as stored now. A membership whose group is gone, or whose name now
 * belongs to another group (another id), contributes nothing.
 */
export async function groupsOf(
  store: IamStore,
  account: string,
  user: UserRecord,
): Promise<GroupRecord[]> {
  const groups = await Promise.all(
    (user.groups ?? []).map(async (m) => {
      const group = await store.get(account, 'group', m.name);
      return group?.id === m.id ? group : null;
    }),
  );
  return groups.filter((g): g is GroupRecord => g !== null);
}

/**
 * A principal's policies as the evaluator takes them: identity policies (a user's own, and those
 * of every group it belongs to: "Policy evaluation logic", identity-based policies), boundary,
 * session policies.
 */
export async function policySetOf(store: IamStore, caller: Caller): Promise<PolicySet> {
  const entity: RoleRecord | UserRecord | undefined = caller.role ?? caller.user;
  if (!entity) return { identity: [] };
  const holders: Array<RoleRecord | UserRecord | GroupRecord> = [entity];
  if (!caller.role && caller.user)
    holders.push(...(await groupsOf(store, caller.account, caller.user)));
  const set: PolicySet = {
    identity: (await Promise.all(holders.map((h) => identityPolicies(store, h)))).flat(),
  };
  if (entity.permissionsBoundary) {
    // A boundary whose policy is gone allows nothing (fail closed).
    set.permissionsBoundary = (await managedPolicyDocument(store, entity.permissionsBoundary)) ?? {
      Version: '2012-10-17',
      Statement: [],
    };
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
