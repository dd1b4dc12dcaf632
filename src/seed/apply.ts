import { openSecret } from '../auth/seal.ts';
import { deriveKeys } from '../auth/secret-keys.ts';
import type { Env } from '../env.ts';
import { accessKeyRecord, MAX_KEYS_PER_USER } from '../iam/users/access-key-record.ts';
import { iamArn } from '../iam/common/arns.ts';
import { checkAlias, setAccountAlias } from '../iam/account/operations.ts';
import { checkName } from '../iam/common/constraints.ts';
import { checkDocument } from '../iam/common/documents.ts';
import { IamErrors } from '../iam/common/errors.ts';
import { checkOidcSpec, oidcRecord, providerUrl } from '../iam/oidc-providers/record.ts';
import { jwksProblem, parseJwks } from '../oidc/jwks.ts';
import { seededMfaDevices, checkSeededMfaDevices } from '../iam/mfa-devices/seeded.ts';
import {
  addVersion,
  checkPolicyContent,
  checkPolicySpec,
  defaultDocument,
  MAX_VERSIONS,
  newPolicyRecord,
  putManagedPolicy,
} from '../iam/managed-policies/record.ts';
import { checkGroupSpec, groupRecord, MAX_GROUPS_PER_USER } from '../iam/groups/record.ts';
import {
  checkAttachedCount,
  checkInlineAggregate,
  putIdentity,
  type IdentityKind,
} from '../iam/identities/record.ts';
import { checkRoleContent, checkRoleSpec, roleRecord } from '../iam/roles/record.ts';
import { checkTagKeys } from '../iam/common/tags.ts';
import {
  resolveTrustPrincipals,
  storedPrincipal,
  type PrincipalLookup,
} from '../iam/roles/trust-principals.ts';
import { checkUserSpec, userRecord } from '../iam/users/record.ts';
import { attachablePolicy, applyUsageDiff } from '../iam/managed-policies/attachment-counts.ts';
import { Constraints } from '../protocol/constraints.ts';
import { AwsError, Errors } from '../protocol/errors.ts';
import type {
  EntityTypes,
  GroupMembership,
  IamStore,
  ManagedPolicyRecord,
} from '../store/types.ts';
import type { SeedDocument } from './schema.ts';

type Account = SeedDocument['accounts'][number];
type Doc = string | Record<string, unknown>;

const text = (doc: Doc): string => (typeof doc === 'string' ? doc : JSON.stringify(doc));
const texts = (docs: Record<string, Doc> | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(docs ?? {}).map(([k, v]) => [k, text(v)]));

/** A seed document IAM would refuse: the IAM error, located in the document. */
export class SeedError extends AwsError {
  readonly path: string;
  constructor(path: string, cause: AwsError) {
    super(cause.code, `${path}: ${cause.message}`, 400);
    this.path = path;
  }
}

export interface SeedSummary {
  accounts: number;
  created: number;
  updated: number;
  unchanged: number;
}

function at<T>(path: string, check: () => T): T {
  try {
    return check();
  } catch (e) {
    if (e instanceof AwsError && !(e instanceof SeedError)) throw new SeedError(path, e);
    throw e;
  }
}

async function atAsync<T>(path: string, check: () => Promise<T>): Promise<T> {
  try {
    return await check();
  } catch (e) {
    if (e instanceof AwsError && !(e instanceof SeedError)) throw new SeedError(path, e);
    throw e;
  }
}

function constraints(fill: (v: Constraints) => void): void {
  const v = new Constraints();
  fill(v);
  v.check();
}

/**
 * A seeded alias: AWS's pattern, held by no other account of the document, and not by an account
 * outside it (aliases are unique across accounts, as CreateAccountAlias enforces).
 */
async function checkSeededAlias(
  store: IamStore,
  seed: SeedDocument,
  account: Account,
  base: string,
): Promise<void> {
  const alias = account.alias!;
  const where = `${base}.alias`;
  at(where, () => constraints((v) => checkAlias(v, 'alias', alias)));
  const twice = seed.accounts.find((a) => a !== account && a.alias === alias);
  const owner = await store.aliasOwner(alias);
  if (twice !== undefined || (owner !== null && owner !== account.id))
    throw new SeedError(where, IamErrors.aliasExists(alias));
}

/** The inline and managed policies of a seeded role, user or group, checked as Put*Policy and Attach*Policy check them. */
async function checkPermissions(
  store: IamStore,
  account: Account,
  kind: IdentityKind,
  name: string,
  spec: {
    inlinePolicies?: Record<string, Doc>;
    attachedPolicies?: string[];
    permissionsBoundary?: string;
  },
  where: string,
): Promise<void> {
  const inline = texts(spec.inlinePolicies);
  for (const [policyName, doc] of Object.entries(inline)) {
    at(`${where}.inlinePolicies.${policyName}`, () => {
      constraints((v) => checkName(v, 'policyName', policyName, 128));
      checkDocument(doc, 'identity', Infinity);
    });
  }
  at(`${where}.inlinePolicies`, () => checkInlineAggregate(kind, name, inline));
  at(`${where}.attachedPolicies`, () => checkAttachedCount(kind, spec.attachedPolicies ?? []));
  const seeded = new Set(
    (account.policies ?? []).map((p) => iamArn(account.id, 'policy', p.path ?? '/', p.name)),
  );
  const arns = [
    ...(spec.attachedPolicies ?? []),
    ...(spec.permissionsBoundary ? [spec.permissionsBoundary] : []),
  ];
  for (const arn of arns) {
    if (seeded.has(arn)) continue;
    await atAsync(`${where} (${arn})`, () => attachablePolicy(store, account.id, arn));
  }
}

/**
 * A user's groups, checked as AddUserToGroup checks them: each group exists (in the document, or
 * already in the account), and at most 10 of them (GroupsPerUser).
 */
async function checkMemberships(
  store: IamStore,
  account: Account,
  names: string[],
  where: string,
): Promise<void> {
  const seeded = new Set((account.groups ?? []).map((g) => g.name.toLowerCase()));
  const distinct = [...new Set(names.map((n) => n.toLowerCase()))];
  for (const name of names) {
    if (!seeded.has(name.toLowerCase()) && !(await store.get(account.id, 'group', name)))
      throw new SeedError(where, IamErrors.noSuchGroup(name));
  }
  if (distinct.length > MAX_GROUPS_PER_USER)
    throw new SeedError(where, IamErrors.quota('GroupsPerUser', MAX_GROUPS_PER_USER));
}

/**
 * Whether a trust policy's user or role exists once the document is applied: the document's own
 * users and roles, in any of its accounts, count as existing whatever their order (a role may trust
 * a role listed after it, or a user of an account listed after its own), and a name the document
 * defines has the document's path; other names are looked up in the store. An account the document
 * describes is held once it is applied, so a principal missing there is refused, not left unbound.
 */
function seededPrincipal(store: IamStore, seed: SeedDocument, account: string): PrincipalLookup {
  const seeded = new Map<string, string>();
  for (const a of seed.accounts) {
    for (const u of a.users ?? [])
      seeded.set(`${a.id}/user/${u.name.toLowerCase()}`, u.path ?? '/');
    for (const r of a.roles ?? [])
      seeded.set(`${a.id}/role/${r.name.toLowerCase()}`, r.path ?? '/');
  }
  const described = new Set(seed.accounts.map((a) => a.id));
  const stored = storedPrincipal(store, account);
  return async (p) => {
    const path = seeded.get(`${p.account}/${p.kind}/${p.name.toLowerCase()}`);
    if (path !== undefined) {
      const arn = iamArn(p.account, p.kind, path, p.name);
      return arn.toLowerCase() === p.arn.toLowerCase() ? '' : null;
    }
    const id = await stored(p);
    return id === '' && described.has(p.account) ? null : id;
  };
}

/**
 * Every check IAM's API would make, over the whole document (or the part of one account, checked
 * against the names of the whole document), before anything is written.
 */
export async function validateSeed(
  store: IamStore,
  seed: SeedDocument,
  options: { account?: string } = {},
): Promise<void> {
  const keyOwners = new Map<string, string>();
  for (const [ai, account] of seed.accounts.entries()) {
    if (options.account !== undefined && account.id !== options.account) continue;
    const base = `accounts[${ai}]`;
    if (account.alias !== undefined) await checkSeededAlias(store, seed, account, base);
    for (const [i, p] of (account.policies ?? []).entries()) {
      const spec = { ...p, document: text(p.document) };
      at(`${base}.policies[${i}] (${p.name})`, () => {
        constraints((v) => checkPolicySpec(v, spec));
        checkPolicyContent(spec);
      });
      const existing = await store.get(account.id, 'policy', p.name);
      if (existing && existing.path !== (p.path ?? '/')) {
        throw new SeedError(
          `${base}.policies[${i}] (${p.name})`,
          IamErrors.invalidInput('The path of an existing policy cannot change.'),
        );
      }
    }
    for (const [i, g] of (account.groups ?? []).entries()) {
      const where = `${base}.groups[${i}] (${g.name})`;
      at(where, () => constraints((v) => checkGroupSpec(v, g)));
      await checkPermissions(store, account, 'group', g.name, g, where);
    }
    for (const [i, u] of (account.users ?? []).entries()) {
      const where = `${base}.users[${i}] (${u.name})`;
      at(where, () => {
        constraints((v) => checkUserSpec(v, u));
        checkTagKeys(u.tags ?? []);
      });
      await checkPermissions(store, account, 'user', u.name, u, where);
      await checkMemberships(store, account, u.groups ?? [], `${where}.groups`);
      await atAsync(`${where}.mfaDevices`, () =>
        checkSeededMfaDevices(store, account.id, u.name, u.mfaDevices ?? []),
      );
      for (const k of u.accessKeys ?? []) {
        const owner = `${account.id}/${u.name.toLowerCase()}`;
        const stored = await store.getAccessKey(k.accessKeyId);
        const claimed = keyOwners.get(k.accessKeyId);
        if (
          (stored && `${stored.account}/${stored.userName.toLowerCase()}` !== owner) ||
          (claimed && claimed !== owner)
        ) {
          throw new SeedError(
            `${where}.accessKeys`,
            IamErrors.invalidInput(`Access key ${k.accessKeyId} belongs to another user.`),
          );
        }
        keyOwners.set(k.accessKeyId, owner);
      }
      const others = (await store.listAccessKeys(account.id, u.name)).filter(
        (k) => !(u.accessKeys ?? []).some((s) => s.accessKeyId === k.accessKeyId),
      );
      if (others.length + (u.accessKeys ?? []).length > MAX_KEYS_PER_USER) {
        throw new SeedError(
          `${where}.accessKeys`,
          IamErrors.quota('AccessKeysPerUser', MAX_KEYS_PER_USER),
        );
      }
    }
    for (const [i, r] of (account.roles ?? []).entries()) {
      const where = `${base}.roles[${i}] (${r.name})`;
      const spec = { ...r, assumeRolePolicyDocument: text(r.assumeRolePolicyDocument) };
      at(where, () => {
        constraints((v) => checkRoleSpec(v, spec));
        checkRoleContent(spec);
      });
      await atAsync(where, () =>
        resolveTrustPrincipals(
          spec.assumeRolePolicyDocument,
          seededPrincipal(store, seed, account.id),
        ),
      );
      await checkPermissions(store, account, 'role', r.name, r, where);
    }
    for (const [i, o] of (account.oidcProviders ?? []).entries()) {
      at(`${base}.oidcProviders[${i}] (${o.url})`, () => {
        constraints((v) => checkOidcSpec(v, o));
        checkTagKeys(o.tags ?? []);
        providerUrl(o.url);
        const problem = o.jwks === undefined ? null : jwksProblem(o.jwks);
        if (problem) throw Errors.invalidInput(problem);
      });
    }
  }
}

/** The managed-policy usage of a stored entity (groups have no boundary). */
const usageOf = (e: { attachedPolicies: string[]; permissionsBoundary?: string } | null) => ({
  attached: e?.attachedPolicies ?? [],
  boundary: e?.permissionsBoundary,
});

/** Deep equality of JSON-shaped records, independent of key order (undefined members count as absent). */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
const same = (a: unknown, b: unknown) => canonical(a) === canonical(b);

/** What every step of applying one account shares: where to write, the clock, and the tally. */
interface AccountWriter {
  env: Env;
  store: IamStore;
  acct: string;
  now: number;
  summary: SeedSummary;
  /** Tallies one entity (created, updated or unchanged); true when it must be written. */
  count: (before: unknown, after: unknown) => boolean;
}

/**
 * Brings the store to the state the seed describes, through the same validations, record builders
 * and write helpers as the IAM API (src/iam). The whole document is validated before the first
 * write. Entities that already exist keep their ids and creation dates, and are rewritten only
 * when something differs, so applying the same document twice gives the same state.
 *
 * With `account`, only that account's part is validated (against the names of the whole document)
 * and applied: how each account's object applies its part (src/accounts/seed.ts). A trust policy
 * naming a principal another account's part creates is then bound by `bindSeededTrust`, once
 * every part is applied.
 */
export async function applySeed(
  env: Env,
  store: IamStore,
  seed: SeedDocument,
  now: number,
  options: { account?: string } = {},
): Promise<SeedSummary> {
  await validateSeed(store, seed, options);
  const accounts = seed.accounts.filter(
    (a) => options.account === undefined || a.id === options.account,
  );
  const summary: SeedSummary = {
    accounts: accounts.length,
    created: 0,
    updated: 0,
    unchanged: 0,
  };
  const count = (before: unknown, after: unknown) => {
    if (before === null) summary.created++;
    else if (same(before, after)) summary.unchanged++;
    else summary.updated++;
    return before === null || !same(before, after);
  };
  for (const account of accounts) {
    const w: AccountWriter = { env, store, acct: account.id, now, summary, count };
    // First: an alias another account took since validation fails the account before any write.
    if (account.alias !== undefined) {
      const current = await store.accountAlias(account.id);
      if (count(current, account.alias))
        await atAsync(`accounts[${seed.accounts.indexOf(account)}].alias`, () =>
          setAccountAlias(env, store, account.id, account.alias!),
        );
    }
    await applyPolicies(w, account);
    const groups = await applyGroups(w, account);
    await applyUsers(w, account, groups);
    await applyRoles(w, account);
    await bindTrustPolicies(store, seed, account, { final: false });
    await applyOidcProviders(w, account);
    // Written last: the demo seed's "already seeded?" check reads it.
    if (!(await store.getAccount(account.id))) {
      await store.putAccount({ id: account.id, createDate: now });
    }
  }
  if (options.account === undefined && seed.accounts.length > 1) {
    for (const account of seed.accounts)
      await bindTrustPolicies(store, seed, account, { final: true });
  }
  return summary;
}

/**
 * The last step of a document of several accounts, once every account's part is applied: binds
 * the trust policies of `account` that name principals of accounts applied after it.
 */
export async function bindSeededTrust(
  store: IamStore,
  seed: SeedDocument,
  account: string,
): Promise<void> {
  for (const part of seed.accounts) {
    if (part.id === account) await bindTrustPolicies(store, seed, part, { final: true });
  }
}

/** Customer managed policies; a changed document becomes a new default version. */
async function applyPolicies(w: AccountWriter, account: Account): Promise<void> {
  const { store, acct, now, count } = w;
  for (const p of account.policies ?? []) {
    const spec = { ...p, document: text(p.document) };
    const existing = await store.get(acct, 'policy', p.name);
    let record: ManagedPolicyRecord;
    if (!existing) {
      record = newPolicyRecord(acct, spec, now);
    } else {
      record = structuredClone(existing);
      record.description = p.description;
      record.tags = p.tags ?? [];
      if (defaultDocument(record) !== spec.document) {
        // A changed document becomes a new default version; the oldest other version makes room.
        if (record.versions.length >= MAX_VERSIONS) {
          const oldest = record.versions.find((v) => v.versionId !== record.defaultVersionId)!;
          record.versions = record.versions.filter((v) => v !== oldest);
        }
        addVersion(record, spec.document, true, now);
      }
    }
    // Written (and its version bumped) as the IAM API writes a policy.
    if (count(existing, record)) await putManagedPolicy(store, acct, record);
  }
}

/** Writes a role, user or group with its inline and attached policies, keeping attachment counts exact. */
async function putSeeded<K extends IdentityKind>(
  w: AccountWriter,
  kind: K,
  spec: { name: string; inlinePolicies?: Record<string, Doc>; attachedPolicies?: string[] },
  build: (existing: EntityTypes[K] | null) => EntityTypes[K],
): Promise<EntityTypes[K]> {
  const { store, acct, count } = w;
  const existing = await store.get(acct, kind, spec.name);
  const record = build(existing);
  record.inlinePolicies = texts(spec.inlinePolicies);
  record.attachedPolicies = [...new Set(spec.attachedPolicies ?? [])];
  // The builders keep the stored version; putIdentity bumps it, as for every IAM write.
  if (count(existing, record)) {
    await putIdentity(store, acct, kind, record);
    await applyUsageDiff(store, acct, usageOf(existing), usageOf(record));
  }
  return record;
}

/** Groups, written before the users that join them (a membership names the group's id). */
async function applyGroups(
  w: AccountWriter,
  account: Account,
): Promise<Map<string, GroupMembership>> {
  const { acct, now } = w;
  const groups = new Map<string, GroupMembership>();
  for (const g of account.groups ?? []) {
    const record = await putSeeded(w, 'group', g, (existing) =>
      groupRecord(acct, g, existing, now),
    );
    groups.set(record.name.toLowerCase(), { name: record.name, id: record.id });
  }
  return groups;
}

/** Users with their group memberships, MFA devices and pinned access keys. */
async function applyUsers(
  w: AccountWriter,
  account: Account,
  groups: Map<string, GroupMembership>,
): Promise<void> {
  const { env, store, acct, now, summary } = w;
  const keys = await deriveKeys(env.SEAL_KEY);
  const membership = async (name: string): Promise<GroupMembership> => {
    const seeded = groups.get(name.toLowerCase());
    if (seeded) return seeded;
    const stored = await store.get(acct, 'group', name);
    if (!stored) throw new SeedError(`groups (${name})`, IamErrors.noSuchGroup(name));
    return { name: stored.name, id: stored.id };
  };

  for (const u of account.users ?? []) {
    const memberships: GroupMembership[] = [];
    for (const name of u.groups ?? []) {
      const m = await membership(name);
      if (!memberships.some((x) => x.id === m.id)) memberships.push(m);
    }
    const user = await putSeeded(w, 'user', u, (existing) => ({
      ...userRecord(acct, u, existing, now),
      groups: memberships,
    }));
    if (u.mfaDevices?.length) {
      const changes = await seededMfaDevices({
        env,
        store,
        account: acct,
        user,
        devices: u.mfaDevices,
        now,
      });
      summary.created += changes.created;
      summary.updated += changes.updated;
      summary.unchanged += changes.unchanged;
    }
    for (const k of u.accessKeys ?? []) {
      const existing = await store.getAccessKey(k.accessKeyId);
      const status = k.status ?? 'Active';
      const secret = existing
        ? await openSecret(keys.seal, existing.sealedSecret, k.accessKeyId).catch(() => null)
        : null;
      if (
        existing &&
        secret === k.secretAccessKey &&
        existing.status === status &&
        existing.userName === u.name
      ) {
        summary.unchanged++;
        continue;
      }
      if (existing) summary.updated++;
      else summary.created++;
      await store.putAccessKey(
        await accessKeyRecord(
          env.SEAL_KEY,
          {
            accessKeyId: k.accessKeyId,
            secretAccessKey: k.secretAccessKey,
            account: acct,
            userName: u.name,
            status,
          },
          existing?.createDate ?? now,
        ),
      );
    }
  }
}

/** Roles (their trust policies are bound once every user and role exists: bindTrustPolicies). */
async function applyRoles(w: AccountWriter, account: Account): Promise<void> {
  const { acct, now } = w;
  for (const r of account.roles ?? []) {
    const spec = { ...r, assumeRolePolicyDocument: text(r.assumeRolePolicyDocument) };
    await putSeeded(w, 'role', r, (existing) => ({
      ...roleRecord(acct, spec, existing, now),
      ...(existing?.trustPrincipalIds ? { trustPrincipalIds: existing.trustPrincipalIds } : {}),
    }));
  }
}

/**
 * A seeded trust policy is bound as CreateRole binds one (roles/trust-principals.ts): each user and
 * role it names, in any account, stands for that principal's unique id, so a namesake created later
 * is not trusted. Bound once every user and role of the account exists (a role may trust a later
 * one); a principal of an account whose part is not applied yet stays unbound until the `final`
 * pass, which refuses one that no longer exists (deleted meanwhile) rather than leave it unbound.
 */
async function bindTrustPolicies(
  store: IamStore,
  seed: SeedDocument,
  account: Account,
  { final }: { final: boolean },
): Promise<void> {
  const acct = account.id;
  const stored = storedPrincipal(store, acct);
  const seeded = seededPrincipal(store, seed, acct);
  const lookup: PrincipalLookup = async (p) => {
    const id = await stored(p);
    if (id !== null || final) return id;
    return (await seeded(p)) === '' ? '' : null;
  };
  for (const [i, r] of (account.roles ?? []).entries()) {
    const role = await store.get(acct, 'role', r.name);
    if (!role) continue;
    const where = `accounts[${seed.accounts.indexOf(account)}].roles[${i}] (${r.name})`;
    const ids = await atAsync(where, () =>
      resolveTrustPrincipals(role.assumeRolePolicyDocument, lookup),
    );
    if (same(ids, role.trustPrincipalIds ?? {})) continue;
    await putIdentity(store, acct, 'role', { ...role, trustPrincipalIds: ids });
  }
}

/** OpenID Connect providers (with their JWKS when given, for offline verification). */
async function applyOidcProviders(w: AccountWriter, account: Account): Promise<void> {
  const { store, acct, now, count } = w;
  for (const o of account.oidcProviders ?? []) {
    const url = providerUrl(o.url);
    const existing = await store.get(acct, 'oidc', url);
    const record = oidcRecord(acct, o, existing, now);
    if (o.jwks !== undefined) record.jwks = parseJwks(o.jwks) ?? undefined;
    if (count(existing, record)) await store.put(acct, 'oidc', url, record);
  }
}
