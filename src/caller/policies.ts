import { compile, type PolicySet } from '../policy/index.ts';
import { managedPolicyDocument } from '../store/managed.ts';
import type { IamStore, RoleRecord, UserRecord } from '../store/types.ts';
import type { Caller } from './types.ts';

/** A principal's policies as the evaluator takes them: inline and attached identity policies, boundary, session policies. */
export async function policySetOf(store: IamStore, caller: Caller): Promise<PolicySet> {
  const entity: RoleRecord | UserRecord | undefined = caller.role ?? caller.user;
  if (!entity) return { identity: [] };
  const attached = await Promise.all(
    entity.attachedPolicies.map((arn) => managedPolicyDocument(store, arn)),
  );
  const set: PolicySet = {
    identity: [
      ...Object.values(entity.inlinePolicies),
      ...attached.filter((d): d is string => d !== null),
    ],
  };
  if (entity.permissionsBoundary) {
    // A boundary whose policy is gone allows nothing (fail closed).
    set.permissionsBoundary = (await managedPolicyDocument(store, entity.permissionsBoundary)) ?? {
      Version: '2012-10-17',
      Statement: [],
    };
  }
  const session = caller.session;
  // A GetFederationToken session without session policies has no permissions (AWS-NOTES); other
  // sessions without session policies are limited by nothing extra.
  if (session && (session.sessionPolicies.length > 0 || session.kind === 'FederatedUser')) {
    set.session = session.sessionPolicies;
  }
  return set;
}

type Compiled = ReturnType<typeof compile>;
const CACHE_LIMIT = 500;
const cache = new Map<string, Compiled>();

/**
 * Compiled policy sets, cached per isolate by their exact content (an isolate cache is only a cache:
 * any change to a policy changes the key), so the hot path of a decision is matching, not parsing.
 */
export function compiled(set: PolicySet): Compiled {
  const key = JSON.stringify(set);
  let hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  hit = compile(set);
  cache.set(key, hit);
  if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  return hit;
}
