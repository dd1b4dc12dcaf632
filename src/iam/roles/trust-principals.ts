import { visitAwsPrincipals } from '../../policy/index.ts';
import type { IamStore, RoleRecord } from '../../store/types.ts';
import { IamErrors } from '../common/errors.ts';

/** A user or role ARN of the `aws` partition: account, kind, and the ARN's path and name. */
const PRINCIPAL_ARN = /^arn:aws:iam::(\d{12}):(user|role)(\/(?:.*\/)?)([^/]+)$/;

/** The `AWS` principal values of every Principal and NotPrincipal of a (validated) policy. */
function awsPrincipals(text: string): string[] {
  const values: string[] = [];
  visitAwsPrincipals(JSON.parse(text), (v) => void values.push(v));
  return values;
}

/** A user or role a policy names: its exact ARN, and the account, kind and name the ARN gives. */
export interface NamedPrincipal {
  arn: string;
  account: string;
  kind: 'user' | 'role';
  name: string;
}

/**
 * The unique id of the user or role with this exact ARN (path included), or null when IAM would
 * refuse to save a policy naming it. An empty string leaves the entry unbound: a principal a seed
 * document is about to create (bound once it exists), or one of an account rolecall does not hold.
 */
export type PrincipalLookup = (principal: NamedPrincipal) => Promise<string | null>;

/**
 * IAM resolves the users and roles a trust policy names when the policy is saved and keeps their
 * unique ids, in any account, so naming one that does not exist is refused: MalformedPolicyDocument
 * `Invalid principal in policy: "AWS":"<arn>"` (IAM User Guide, "AWS JSON policy elements:
 * Principal": IAM role and user principals, and "Troubleshooting IAM roles"). The account root and
 * bare account ids always resolve. Returns the ids (lowercased ARN -> id) a later AssumeRole binds
 * the policy to (sts/trust.ts).
 */
export async function resolveTrustPrincipals(
  text: string,
  lookup: PrincipalLookup,
): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const arn of awsPrincipals(text)) {
    const m = PRINCIPAL_ARN.exec(arn);
    if (!m) continue;
    const id = await lookup({ arn, account: m[1]!, kind: m[2] as 'user' | 'role', name: m[4]! });
    if (id === null) throw IamErrors.invalidPrincipal('AWS', arn);
    if (id !== '') ids[arn.toLowerCase()] = id;
  }
  return ids;
}

/**
 * The store's answer: an entity of that name whose ARN (and so path) is the one named, compared
 * case-insensitively as IAM compares names. rolecall holds every account its callers belong to, so
 * a principal of another account is looked up the same way; only an account rolecall does not hold
 * at all (no account record and no such entity: an outside AWS account, which no rolecall caller
 * can act as) leaves the entry unbound instead of refusing it.
 */
export function storedPrincipal(store: IamStore, account: string): PrincipalLookup {
  return async ({ arn, account: of, kind, name }) => {
    const entity = await store.get(of, kind, name);
    if (entity?.arn.toLowerCase() === arn.toLowerCase()) return entity.id;
    if (of === account || (await store.getAccount(of)) !== null) return null;
    return '';
  };
}

/** A user or role as it exists now: its unique id and ARN. */
interface Current {
  id: string;
  arn: string;
}

/** The entity `read` finds (its id and ARN), read once per key per answer. */
function cached(
  current: Map<string, Promise<Current | null>>,
  key: string,
  read: () => Promise<Current | null>,
): Promise<Current | null> {
  let found = current.get(key);
  if (found === undefined) {
    found = read().then((e) => (e ? { id: e.id, arn: e.arn } : null));
    current.set(key, found);
  }
  return found;
}

/**
 * Reads, in bulk, every user and role the trust policies of `roles` name, into `current`, so that
 * displayedTrustPolicy finds them there: a page of 1,000 roles may name thousands of distinct
 * principals, read one by one a KV operation each, past the 1,000 a Worker invocation may make.
 * The users no longer found by name (renamed, or deleted) are looked up by their unique id in two
 * more bulk rounds (their new names, then those users).
 */
export async function prefetchTrustPrincipals(
  store: IamStore,
  roles: RoleRecord[],
  current: Map<string, Promise<Current | null>>,
): Promise<void> {
  const named = new Map<string, { account: string; kind: 'user' | 'role'; name: string }>();
  const bound: Array<{ key: string; id: string; account: string; kind: 'user' | 'role' }> = [];
  for (const role of roles)
    for (const [arn, id] of Object.entries(role.trustPrincipalIds ?? {})) {
      const m = PRINCIPAL_ARN.exec(arn);
      if (!m) continue;
      const ref = { account: m[1]!, kind: m[2] as 'user' | 'role', name: m[4]! };
      const key = `${ref.account}/${ref.kind}/${ref.name}`;
      if (!current.has(key)) named.set(key, ref);
      bound.push({ key, id, account: ref.account, kind: ref.kind });
    }
  const refs = [...named.values()];
  const users = refs.filter((r) => r.kind === 'user');
  const roleRefs = refs.filter((r) => r.kind === 'role');
  const [userRecords, roleRecords] = await Promise.all([
    store.getMany('user', users),
    store.getMany('role', roleRefs),
  ]);
  [...users, ...roleRefs].forEach((r, i) => {
    const e = i < users.length ? userRecords[i] : roleRecords[i - users.length];
    current.set(
      `${r.account}/${r.kind}/${r.name}`,
      Promise.resolve(e ? { id: e.id, arn: e.arn } : null),
    );
  });
  const moved = new Map<string, { account: string; id: string }>();
  for (const b of bound) {
    if (b.kind !== 'user' || current.has(`${b.account}/renamed/${b.id}`)) continue;
    const now = await current.get(b.key);
    if (now?.id !== b.id)
      moved.set(`${b.account}/renamed/${b.id}`, { account: b.account, id: b.id });
  }
  const movedRefs = [...moved.values()];
  const newNames = await store.renamedUsers(movedRefs);
  const renamed = await store.getMany(
    'user',
    movedRefs.flatMap((r, i) => {
      const name = newNames[i];
      return name === null || name === undefined ? [] : [{ account: r.account, name }];
    }),
  );
  let next = 0;
  movedRefs.forEach((r, i) => {
    const e = newNames[i] === null ? null : renamed[next++];
    current.set(
      `${r.account}/renamed/${r.id}`,
      Promise.resolve(e ? { id: e.id, arn: e.arn } : null),
    );
  });
}

/**
 * The trust policy as IAM shows it (GetRole, ListRoles, UpdateRoleDescription). IAM keeps the
 * unique ids of the users and roles it names and maps them back to ARNs for display; one it can no
 * longer map, because that principal was deleted (even if a namesake exists now), shows as its
 * unique id (`AIDA...`, `AROA...`), and a user moved to another path or renamed shows its current
 * ARN (IAM User Guide, "AWS JSON policy elements: Principal", IAM role principals; policies that
 * refer to a renamed user as the principal "are automatically updated to use the new name or
 * path", IAM User Guide, renaming users). The text is returned as saved
 * when every principal it names is still there; otherwise it is re-serialized with the ids in place.
 * `current` caches lookups across the roles of one answer (ListRoles).
 */
export async function displayedTrustPolicy(
  store: IamStore,
  role: RoleRecord,
  current: Map<string, Promise<Current | null>> = new Map(),
): Promise<string> {
  const text = role.assumeRolePolicyDocument;
  const bound = Object.entries(role.trustPrincipalIds ?? {});
  if (bound.length === 0) return text;
  const shown = new Map<string, string>();
  for (const [arn, id] of bound) {
    const m = PRINCIPAL_ARN.exec(arn);
    if (!m) continue;
    const [account, kind, name] = [m[1]!, m[2] as 'user' | 'role', m[4]!];
    // The ARN is kept lowercased; IAM names are case-insensitive, so the name still finds the entity.
    const entity = await cached(current, `${account}/${kind}/${name}`, () =>
      store.get(account, kind, name),
    );
    let arnNow = entity?.id === id ? entity.arn : undefined;
    if (arnNow === undefined && kind === 'user') {
      // Renamed since (UpdateUser NewUserName): IAM shows the user under its new name.
      const renamed = await cached(current, `${account}/renamed/${id}`, async () => {
        const newName = await store.renamedUser(account, id);
        return newName === null ? null : store.get(account, 'user', newName);
      });
      if (renamed?.id === id) arnNow = renamed.arn;
    }
    shown.set(arn, arnNow ?? id);
  }
  const doc: unknown = JSON.parse(text);
  let changed = false;
  visitAwsPrincipals(doc, (value) => {
    const display = shown.get(value.toLowerCase());
    if (display === undefined || display === value) return undefined;
    changed = true;
    return display;
  });
  return changed ? JSON.stringify(doc) : text;
}
