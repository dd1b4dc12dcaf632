import { groupsOf, managedPolicies } from '../caller/policies.ts';
import { compile, PolicyError, type CompiledPolicySet, type PolicySet } from '../policy/index.ts';
import type { GroupRecord, IamStore, RoleRecord, UserRecord } from '../store/types.ts';
import { ByteBoundedCache } from '../policy/byte-cache.ts';
import type { ResolvedSubject } from './subject.ts';

/**
 * A subject's stored policies with the versions they were read at. `key` names exactly this
 * content: every entity record (user, role, group, customer managed policy) carries a version
 * bumped on each write, and a session's policies never change, so equal keys mean equal policies.
 */
export interface LoadedPolicies {
  key: string;
  set: PolicySet;
  /** Characters of policy text, the basis of the cache's byte estimate. */
  chars: number;
  /** Where each document came from, by the evaluator's label (identity[0], permissionsBoundary, ...). */
  sources: Record<string, string>;
}

const EMPTY = '{"Version":"2012-10-17","Statement":[]}';

interface Holder {
  id: string;
  arn: string;
  version: number;
  inlinePolicies: Record<string, string>;
  attachedPolicies: string[];
}

/**
 * The policies that apply to a subject, read from the store together (managedPolicies): identity policies of the
 * user (and its groups) or role, inline first then the default versions of attached managed
 * policies; the permissions boundary (one that is gone allows nothing); a session's policies.
 * The same composition authentication uses for callers (src/caller/policies.ts).
 */
export async function loadPolicies(
  store: IamStore,
  subject: ResolvedSubject,
): Promise<LoadedPolicies> {
  const entity: RoleRecord | UserRecord | undefined = subject.role ?? subject.user;
  const session = subject.session;
  if (entity === undefined) {
    return { key: `root:${subject.account}`, set: { identity: [] }, chars: 0, sources: {} };
  }
  const holders: Holder[] = [entity];
  if (subject.role === undefined && subject.user !== undefined) {
    const groups: GroupRecord[] = await groupsOf(store, subject.account, subject.user);
    holders.push(...groups);
  }
  const boundaryArn = entity.permissionsBoundary;
  const read = await managedPolicies(store, [
    ...holders.flatMap((h) => h.attachedPolicies),
    ...(boundaryArn === undefined ? [] : [boundaryArn]),
  ]);
  let at = 0;
  const attached = holders.map((h) => h.attachedPolicies.map(() => read[at++]!));
  const boundary = boundaryArn === undefined ? null : read[at]!;
  const tags: string[] = [];
  const identity: string[] = [];
  const sources: Record<string, string> = {};
  holders.forEach((h, i) => {
    tags.push(`${h.id}.${h.version}`);
    for (const [name, text] of Object.entries(h.inlinePolicies)) {
      sources[`identity[${identity.length}]`] = `${h.arn} inline policy ${name}`;
      identity.push(text);
    }
    for (const m of attached[i]!) {
      tags.push(m.tag);
      if (m.document === null) continue;
      sources[`identity[${identity.length}]`] = m.arn;
      identity.push(m.document);
    }
  });
  const set: PolicySet = { identity };
  if (boundary !== null) {
    tags.push(`b:${boundary.tag}`);
    set.permissionsBoundary = boundary.document ?? EMPTY;
    sources.permissionsBoundary = boundary.arn;
  }
  // A GetFederationToken session without session policies has no permissions; other sessions
  // without session policies are limited by nothing extra (as src/caller/policies.ts).
  if (session && (session.sessionPolicies.length > 0 || session.kind === 'FederatedUser')) {
    set.session = session.sessionPolicies;
    tags.push(`s:${session.id}`);
    session.sessionPolicies.forEach((_, i) => {
      sources[`session[${i}]`] = `session policy ${i + 1} of ${session.arn}`;
    });
  }
  let chars = 0;
  for (const d of identity) chars += d.length;
  if (typeof set.permissionsBoundary === 'string') chars += set.permissionsBoundary.length;
  for (const d of set.session ?? []) chars += typeof d === 'string' ? d.length : 0;
  return { key: tags.join('|'), set, chars, sources };
}

/**
 * Compiled policy sets of this isolate, by content key. The estimate is 8 bytes of compiled state
 * per character of policy text plus 4 KB (measured on the bench workloads' heap: a compiled set is
 * a few times its text); the budget bounds the estimate, so it is a bound on the order of memory.
 */
export const COMPILED_CACHE_BYTES = 16 * 1024 * 1024;
const compiledSets = new ByteBoundedCache<CompiledPolicySet>(COMPILED_CACHE_BYTES);

/**
 * One request's compiled sets, by subject and resource policy as the request gave it (the same
 * object or string for every item that inherits it from the request's defaults), refusals
 * included. An AuthZEN batch of 500 items sharing one resource policy then serializes and compiles
 * it once: a policy the evaluator refuses would otherwise be validated again for every item (a
 * 26 KB request of an oversized policy cost 600 ms), and even an accepted one serialized again.
 */
export type CompileMemo = Map<
  LoadedPolicies,
  Map<string | object, CompiledPolicySet | PolicyError>
>;

/**
 * The compiled set for a subject's policies plus an optional resource-based policy. Throws the
 * evaluator's PolicyError for a document it refuses (a resource policy from the request, or a
 * stored one written before a validation rule existed).
 */
export function compiledFor(
  loaded: LoadedPolicies,
  resourcePolicy: string | object | undefined,
  memo?: CompileMemo,
): CompiledPolicySet {
  const given = resourcePolicy ?? '';
  const seen = memo?.get(loaded)?.get(given);
  if (seen instanceof PolicyError) throw seen;
  if (seen !== undefined) return seen;
  let outcome: CompiledPolicySet | PolicyError;
  try {
    outcome = compiledSet(loaded, given);
  } catch (e) {
    if (!(e instanceof PolicyError)) throw e;
    outcome = e;
  }
  if (memo !== undefined) {
    let forSubject = memo.get(loaded);
    if (forSubject === undefined) memo.set(loaded, (forSubject = new Map()));
    forSubject.set(given, outcome);
  }
  if (outcome instanceof PolicyError) throw outcome;
  return outcome;
}

function compiledSet(loaded: LoadedPolicies, resourcePolicy: string | object): CompiledPolicySet {
  const text = typeof resourcePolicy === 'string' ? resourcePolicy : JSON.stringify(resourcePolicy);
  const key = text === '' ? loaded.key : `${loaded.key}|r:${text}`;
  let hit = compiledSets.get(key);
  if (hit === undefined) {
    const set: PolicySet = text === '' ? loaded.set : { ...loaded.set, resource: text };
    hit = compile(set);
    compiledSets.set(key, hit, (loaded.chars + text.length) * 8 + 4096);
  }
  return hit;
}

/** For tests: the cache's current size. */
export function compiledCacheStats(): { entries: number; bytes: number } {
  return { entries: compiledSets.size, bytes: compiledSets.bytes };
}
