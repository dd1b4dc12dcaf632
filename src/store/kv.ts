import { recordCacheFor, type RecordCache } from './record-cache.ts';
import { setBounded } from './bounded-map.ts';
import type { WriteJournal } from './write-journal.ts';
import {
  InvalidMarkerError,
  type AccessKeyRecord,
  type AccountRecord,
  type CredentialReport,
  type EntityKind,
  type EntityTypes,
  type IamStore,
  type ListOptions,
  type ListPage,
  type ManagedPolicyRecord,
} from './types.ts';

/**
 * IamStore on Workers KV. Key schema (also in docs/internals.md):
 *   acct/<account>                          AccountRecord
 *   acct/<account>/<kind>/<lowercased name> RoleRecord | UserRecord | GroupRecord | ManagedPolicyRecord | OidcProviderRecord
 *                                           (metadata: { path } for the kinds that have one)
 *   acct/<account>/userkey/<user>/<AKID>    "" (index: a user's access keys)
 *   acct/<account>/renamed-user/<AIDA…>     the current name of a user renamed since creation
 *   acct/<account>/alias                    the account's alias (CreateAccountAlias), JSON text
 *   acct/<account>/credential-report        CredentialReport (GenerateCredentialReport)
 *   akey/<AKID>                             AccessKeyRecord (global: authentication starts from a key id)
 *   alias/<alias>                           the account holding the alias (global: aliases are unique)
 * IAM names are unique case-insensitively ("Names are not distinguished by case", IAM identifiers),
 * hence the lowercased key; the record keeps the name as created.
 *
 * An account whose record has `expiresAt` (a demo sandbox) expires with all its data: every key the
 * store writes for it carries that KV expiration, so KV deletes the account without a sweeper. The
 * account record is written first (AccountExpiry), then its entities.
 */
export class KvIamStore implements IamStore {
  private readonly kv: KVNamespace;
  private readonly cache: RecordCache;
  private readonly expiry: AccountExpiry;

  private readonly journal?: WriteJournal;

  /**
   * `journal`: given where writes are ordered (the account's Durable Object), so reads there see
   * the object's own last writes even while KV still answers older values.
   */
  constructor(kv: KVNamespace, options: { journal?: WriteJournal } = {}) {
    this.kv = kv;
    this.journal = options.journal;
    this.cache = recordCacheFor(kv);
    this.expiry = new AccountExpiry(kv);
  }

  /** One record by key, through the isolate's record cache (store/record-cache.ts). */
  private async read<T>(key: string): Promise<T | null> {
    const text = await this.cache.read(this.kv, key, this.journal);
    return text === null ? null : (JSON.parse(text) as T);
  }

  /**
   * Runs a write of `keys`, forgetting them in the record cache before and after; `values` (the
   * text written to each key, null for a delete) go to the journal when there is one.
   */
  private async write(
    keys: string[],
    run: () => Promise<unknown>,
    values?: (string | null)[],
  ): Promise<void> {
    await this.cache.write(keys, run, this.journal, values);
  }

  getAccount(account: string): Promise<AccountRecord | null> {
    return this.read<AccountRecord>(`acct/${account}`);
  }

  async putAccount(record: AccountRecord): Promise<void> {
    const expiration = record.expiresAt === undefined ? undefined : kvExpiration(record.expiresAt);
    const key = `acct/${record.id}`;
    const text = JSON.stringify(record);
    await this.write(
      [key],
      () => this.kv.put(key, text, expiration === undefined ? undefined : { expiration }),
      [text],
    );
    this.expiry.remember(record);
  }

  expiresAt(account: string): Promise<number | null> {
    return this.expiry.at(account);
  }

  /** KV put options for a key of `account`: its expiration (sandboxes) and metadata. */
  private async options(
    account: string,
    metadata?: KeyMetadata,
  ): Promise<KVNamespacePutOptions | undefined> {
    const expiration = await this.expiry.of(account);
    if (expiration === undefined && metadata === undefined) return undefined;
    return {
      ...(expiration === undefined ? {} : { expiration }),
      ...(metadata === undefined ? {} : { metadata }),
    };
  }

  get<K extends EntityKind>(
    account: string,
    kind: K,
    name: string,
  ): Promise<EntityTypes[K] | null> {
    return this.read<EntityTypes[K]>(entityKey(account, kind, name));
  }

  getMany<K extends EntityKind>(
    kind: K,
    refs: ReadonlyArray<{ account: string; name: string }>,
  ): Promise<Array<EntityTypes[K] | null>> {
    return this.readEach(refs.map((r) => entityKey(r.account, kind, r.name)));
  }

  /** `read` of each key, in order: through the record cache, the rest 100 keys per KV bulk read. */
  private async readEach<T>(keys: string[]): Promise<Array<T | null>> {
    if (keys.length === 0) return [];
    const texts = await this.cache.readMany(this.kv, keys, this.journal);
    return keys.map((k) => {
      const text = texts.get(k);
      return text === null || text === undefined ? null : (JSON.parse(text) as T);
    });
  }

  async put<K extends EntityKind>(
    account: string,
    kind: K,
    name: string,
    record: EntityTypes[K],
  ): Promise<void> {
    const path = pathOf(record);
    const key = entityKey(account, kind, name);
    const versions =
      kind === 'policy' ? (record as ManagedPolicyRecord).versions.length : undefined;
    const options = await this.options(
      account,
      path === undefined
        ? undefined
        : fitted({
            path,
            ...(versions === undefined ? {} : { versions }),
            ...awsMetadata(record),
            ...(kind === 'user' ? groupMetadata(record as EntityTypes['user']) : {}),
          }),
    );
    const text = JSON.stringify(record);
    await this.write([key], () => this.kv.put(key, text, options), [text]);
  }

  async delete(account: string, kind: EntityKind, name: string): Promise<void> {
    const key = entityKey(account, kind, name);
    await this.write([key], () => this.kv.delete(key), [null]);
  }

  /**
   * One page: KV lists up to 1,000 keys per call in key order (the lowercased name), each with the
   * entity's path as metadata, so the path filter needs no reads; only the page's own records are
   * read, 100 per bulk get. The marker is the KV cursor of the listing the page ended in plus the
   * last name returned, so the next page resumes there instead of listing from the start. With
   * `maxChars`, the page also ends after the record that brings it to that size.
   */
  async list<K extends EntityKind>(
    account: string,
    kind: K,
    options: ListOptions = {},
  ): Promise<ListPage<EntityTypes[K]>> {
    const prefix = `acct/${account}/${kind}/`;
    const max = options.maxItems ?? 100;
    const pathPrefix = options.pathPrefix;
    const maxChars = options.maxChars;
    let { cursor, after } = options.marker ? decodeMarker(options.marker) : NO_MARKER;
    if (pathPrefix === undefined && after === undefined && maxChars === undefined) {
      // Unfiltered: list exactly one page of keys, so the KV cursor alone resumes after it (and
      // the marker stays short).
      const listed = await this.listPage(prefix, cursor, options.marker !== undefined, max);
      const names = listed.keys.map((k) => k.name);
      const records: EntityTypes[K][] = [];
      for (let i = 0; i < names.length; i += BULK_GET) {
        const chunk = names.slice(i, i + BULK_GET);
        const read = await this.readMany<EntityTypes[K]>(chunk);
        for (const key of chunk) {
          const record = read.get(key);
          if (record) records.push(record);
        }
      }
      return listed.list_complete
        ? { items: records }
        : { items: records, marker: encodeMarker(listed.cursor, undefined) };
    }
    const items: EntityTypes[K][] = [];
    let chars = 0;
    const full = () => items.length === max || (maxChars !== undefined && chars >= maxChars);
    const page = (marker?: string) => ({
      items,
      marker,
      chars: maxChars === undefined ? undefined : chars,
    });
    for (let listings = 1; ; listings++) {
      const listed = await this.listPage(prefix, cursor, options.marker !== undefined);
      // Keys written before paths were kept as metadata are read to learn their path.
      const candidates = listed.keys.filter(
        (k) =>
          (after === undefined || k.name.slice(prefix.length) > after) &&
          (pathPrefix === undefined ||
            k.metadata?.path === undefined ||
            k.metadata.path.startsWith(pathPrefix)),
      );
      let last: string | undefined;
      let taken = 0;
      for (let i = 0; i < candidates.length && !full();) {
        // Exactly the keys still needed when each is known to match; a full bulk get otherwise.
        const needed = candidates.slice(i, i + Math.min(max - items.length, BULK_GET));
        const known = pathPrefix === undefined || needed.every((k) => k.metadata?.path);
        const chunk = (known ? needed : candidates.slice(i, i + BULK_GET)).map((k) => k.name);
        i += chunk.length;
        const records = await this.readMany<EntityTypes[K]>(chunk);
        for (const key of chunk) {
          taken++;
          const record = records.get(key);
          if (!record || (pathPrefix !== undefined && !pathOf(record)?.startsWith(pathPrefix)))
            continue;
          items.push(record);
          if (maxChars !== undefined) chars += JSON.stringify(record).length;
          last = key.slice(prefix.length);
          if (full()) break;
        }
      }
      // Resume within this listing after the last name returned, or at the next listing.
      if (full() && taken < candidates.length) return page(encodeMarker(cursor, last));
      if (listed.list_complete) return page();
      cursor = listed.cursor;
      after = undefined;
      if (full() || listings === LISTINGS_PER_PAGE) return page(encodeMarker(cursor, undefined));
    }
  }

  /** One bulk get; key by key if the bulk read is refused (its total size is capped at 25 MB). */
  private async readMany<T>(keys: string[]): Promise<Map<string, T | null>> {
    let read: Map<string, T | null>;
    try {
      read = await this.kv.get<T>(keys, 'json');
    } catch {
      const values = await Promise.all(keys.map((k) => this.kv.get<T>(k, 'json')));
      read = new Map(keys.map((k, i) => [k, values[i] ?? null]));
    }
    if (this.journal) {
      const now = Date.now();
      for (const k of keys) {
        const journaled = await this.journal.recent(k, now);
        if (journaled)
          read.set(k, journaled.value === null ? null : (JSON.parse(journaled.value) as T));
      }
    }
    return read;
  }

  async count(account: string, kind: EntityKind, atMost: number): Promise<number> {
    const prefix = `acct/${account}/${kind}/`;
    let counted = 0;
    let cursor: string | undefined;
    while (counted < atMost) {
      const listed = await this.listPage(prefix, cursor, false);
      counted += listed.keys.length;
      if (listed.list_complete) break;
      cursor = listed.cursor;
    }
    return Math.min(counted, atMost);
  }

  async awsManagedUsage(
    account: string,
  ): Promise<Map<string, { attachments: number; boundaries: number }>> {
    const usage = new Map<string, { attachments: number; boundaries: number }>();
    const of = (arn: string) =>
      usage.get(arn) ?? usage.set(arn, { attachments: 0, boundaries: 0 }).get(arn)!;
    const count = (attached: string[], boundary: string | undefined) => {
      for (const arn of attached) if (arn.startsWith(AWS_POLICY)) of(arn).attachments += 1;
      if (boundary?.startsWith(AWS_POLICY)) of(boundary).boundaries += 1;
    };
    for (const kind of ['role', 'user', 'group'] as const) {
      const unknown: string[] = [];
      let cursor: string | undefined;
      do {
        const listed = await this.listPage(`acct/${account}/${kind}/`, cursor, false);
        for (const k of listed.keys) {
          const meta = k.metadata;
          if (meta?.aws === undefined) unknown.push(k.name);
          else
            count(
              meta.aws.map((a) => AWS_POLICY + a),
              meta.awsb === undefined ? undefined : AWS_POLICY + meta.awsb,
            );
        }
        cursor = listed.list_complete ? undefined : listed.cursor;
      } while (cursor);
      // Keys written before the metadata was kept (or too large for it): their records, in bulk.
      for (let i = 0; i < unknown.length; i += BULK_GET) {
        const read = await this.readMany<{
          attachedPolicies: string[];
          permissionsBoundary?: string;
        }>(unknown.slice(i, i + BULK_GET));
        for (const r of read.values()) if (r) count(r.attachedPolicies, r.permissionsBoundary);
      }
    }
    return usage;
  }

  async forEachPolicyUser<K extends 'role' | 'user' | 'group'>(
    account: string,
    kind: K,
    policyArn: string,
    visit: (entity: EntityTypes[K]) => void,
  ): Promise<void> {
    const hash = policyHash(policyArn);
    const candidates: string[] = [];
    let cursor: string | undefined;
    do {
      const listed = await this.listPage(`acct/${account}/${kind}/`, cursor, false);
      for (const k of listed.keys)
        if (k.metadata?.p === undefined || k.metadata.p.includes(hash)) candidates.push(k.name);
      cursor = listed.list_complete ? undefined : listed.cursor;
    } while (cursor);
    for (let i = 0; i < candidates.length; i += BULK_GET) {
      const chunk = candidates.slice(i, i + BULK_GET);
      const read = await this.readMany<EntityTypes[K]>(chunk);
      for (const name of chunk) {
        const entity = read.get(name);
        if (entity) visit(entity);
      }
    }
  }

  async forEachGroupMember(
    account: string,
    groupId: string,
    visit: (user: EntityTypes['user']) => void,
  ): Promise<void> {
    const prefix = `acct/${account}/user/`;
    const candidates: string[] = [];
    let cursor: string | undefined;
    do {
      const listed = await this.listPage(prefix, cursor, false);
      for (const k of listed.keys)
        if (k.metadata?.g === undefined || k.metadata.g.includes(groupId)) candidates.push(k.name);
      cursor = listed.list_complete ? undefined : listed.cursor;
    } while (cursor);
    // Only the members (and users written before the metadata) are read, 100 at a time.
    for (let i = 0; i < candidates.length; i += BULK_GET) {
      const read = await this.readMany<EntityTypes['user']>(candidates.slice(i, i + BULK_GET));
      for (const name of candidates.slice(i, i + BULK_GET)) {
        const user = read.get(name);
        if (user && (user.groups ?? []).some((m) => m.id === groupId)) visit(user);
      }
    }
  }

  async countPolicyVersions(account: string): Promise<number> {
    const prefix = `acct/${account}/policy/`;
    let versions = 0;
    const unknown: string[] = [];
    let cursor: string | undefined;
    do {
      const listed = await this.listPage(prefix, cursor, false);
      for (const k of listed.keys) {
        if (typeof k.metadata?.versions === 'number') versions += k.metadata.versions;
        else unknown.push(k.name);
      }
      cursor = listed.list_complete ? undefined : listed.cursor;
    } while (cursor);
    // Keys written before the count was kept as metadata: their records, a bulk read at a time.
    for (let i = 0; i < unknown.length; i += BULK_GET) {
      const read = await this.readMany<ManagedPolicyRecord>(unknown.slice(i, i + BULK_GET));
      for (const record of read.values()) versions += record?.versions.length ?? 0;
    }
    return versions;
  }

  private async listPage(
    prefix: string,
    cursor: string | undefined,
    fromMarker: boolean,
    limit = KV_LIST_LIMIT,
  ): Promise<KVNamespaceListResult<KeyMetadata, string>> {
    try {
      return await this.kv.list<KeyMetadata>({ prefix, cursor, limit });
    } catch (e) {
      // A cursor KV refuses came from a forged or stale marker, not from a fault of ours.
      if (fromMarker && cursor !== undefined) throw new InvalidMarkerError();
      throw e;
    }
  }

  renamedUser(account: string, id: string): Promise<string | null> {
    return this.read<string>(renamedUserKey(account, id));
  }

  renamedUsers(
    refs: ReadonlyArray<{ account: string; id: string }>,
  ): Promise<Array<string | null>> {
    return this.readEach(refs.map((r) => renamedUserKey(r.account, r.id)));
  }

  putRenamedUser(account: string, id: string, name: string | null): Promise<void> {
    return this.putText(renamedUserKey(account, id), account, name);
  }

  accountAlias(account: string): Promise<string | null> {
    return this.read<string>(`acct/${account}/alias`);
  }

  putAccountAlias(account: string, alias: string | null): Promise<void> {
    return this.putText(`acct/${account}/alias`, account, alias);
  }

  aliasOwner(alias: string): Promise<string | null> {
    return this.read<string>(`alias/${alias}`);
  }

  putAliasOwner(alias: string, account: string, claimed: boolean): Promise<void> {
    return this.putText(`alias/${alias}`, account, claimed ? account : null);
  }

  credentialReport(account: string): Promise<CredentialReport | null> {
    return this.read<CredentialReport>(`acct/${account}/credential-report`);
  }

  async putCredentialReport(account: string, report: CredentialReport): Promise<void> {
    const key = `acct/${account}/credential-report`;
    const options = await this.options(account);
    const text = JSON.stringify(report);
    await this.write([key], () => this.kv.put(key, text, options), [text]);
  }

  /** Writes `value` as JSON text under `key`, expiring with `account`; null deletes the key. */
  private async putText(key: string, account: string, value: string | null): Promise<void> {
    if (value === null) {
      await this.write([key], () => this.kv.delete(key), [null]);
      return;
    }
    const options = await this.options(account);
    const text = JSON.stringify(value);
    await this.write([key], () => this.kv.put(key, text, options), [text]);
  }

  getAccessKey(accessKeyId: string): Promise<AccessKeyRecord | null> {
    return this.read<AccessKeyRecord>(`akey/${accessKeyId}`);
  }

  async putAccessKey(record: AccessKeyRecord): Promise<void> {
    const key = `akey/${record.accessKeyId}`;
    const options = await this.options(record.account);
    const text = JSON.stringify(record);
    await this.write(
      [key],
      () =>
        Promise.all([
          this.kv.put(key, text, options),
          this.kv.put(
            userKeyIndex(record.account, record.userName, record.accessKeyId),
            '',
            options,
          ),
        ]),
      [text],
    );
  }

  async deleteAccessKey(accessKeyId: string): Promise<void> {
    const record = await this.getAccessKey(accessKeyId);
    if (!record) return;
    const key = `akey/${accessKeyId}`;
    await this.write(
      [key],
      () =>
        Promise.all([
          this.kv.delete(key),
          this.kv.delete(userKeyIndex(record.account, record.userName, accessKeyId)),
        ]),
      [null],
    );
  }

  async accessKeysByUser(account: string): Promise<Map<string, AccessKeyRecord[]>> {
    const prefix = `acct/${account}/userkey/`;
    const byUser = new Map<string, AccessKeyRecord[]>();
    const keys = (await listKeys(this.kv, prefix)).map(
      (k) => `akey/${k.slice(k.lastIndexOf('/') + 1)}`,
    );
    for (let i = 0; i < keys.length; i += BULK_GET) {
      const read = await this.readMany<AccessKeyRecord>(keys.slice(i, i + BULK_GET));
      for (const record of read.values()) {
        if (record === null || record.account !== account) continue;
        const user = record.userName.toLowerCase();
        byUser.set(user, [...(byUser.get(user) ?? []), record]);
      }
    }
    return byUser;
  }

  async listAccessKeys(account: string, userName: string): Promise<AccessKeyRecord[]> {
    const prefix = userKeyIndex(account, userName, '');
    const ids = (await listKeys(this.kv, prefix)).map((k) => k.slice(prefix.length));
    const records = await Promise.all(ids.map((id) => this.getAccessKey(id)));
    return records.filter((r): r is AccessKeyRecord => r !== null);
  }
}

/**
 * The KV expiration (epoch seconds) for keys of `account`: set for accounts that expire (demo
 * sandboxes), undefined otherwise. For stores beside KvIamStore that keep per-account keys.
 */
export function accountKeyExpiration(
  kv: KVNamespace,
  account: string,
): Promise<number | undefined> {
  return new AccountExpiry(kv).of(account);
}

/**
 * KV `expiration` (epoch seconds) for an instant; KV refuses expirations less than 60 seconds ahead,
 * so a write in an account's last minute keeps the key for that minute more.
 */
function kvExpiration(expiresAt: number, now = Date.now()): number {
  return Math.ceil(Math.max(expiresAt, now + 61_000) / 1000);
}

/**
 * Which accounts expire, and when, read from the account record. Remembered per isolate once the
 * record exists (whether an account expires, and when, never changes: a sandbox is created with its
 * expiry), in a cache bounded in entries of a 12-digit id and a number; per store (one request) for
 * accounts not created yet.
 */
class AccountExpiry {
  private static readonly known = new Map<string, number | null>();
  private static readonly MAX_KNOWN = 4096;
  private readonly kv: KVNamespace;
  private readonly pending = new Map<string, Promise<number | null>>();

  constructor(kv: KVNamespace) {
    this.kv = kv;
  }

  remember(record: AccountRecord): void {
    const known = AccountExpiry.known;
    setBounded(known, record.id, record.expiresAt ?? null, AccountExpiry.MAX_KNOWN);
  }

  /** Epoch ms when `account` expires; null when it does not (or does not exist). */
  async at(account: string): Promise<number | null> {
    const known = AccountExpiry.known.get(account);
    if (known !== undefined) return known;
    let read = this.pending.get(account);
    if (!read) {
      read = this.kv.get<AccountRecord>(`acct/${account}`, 'json').then((r) => {
        if (r) this.remember(r);
        return r?.expiresAt ?? null;
      });
      this.pending.set(account, read);
    }
    return read;
  }

  /** The KV expiration for keys of `account`, or undefined when the account does not expire. */
  async of(account: string): Promise<number | undefined> {
    const at = await this.at(account);
    return at === null ? undefined : kvExpiration(at);
  }
}

function entityKey(account: string, kind: EntityKind, name: string): string {
  return `acct/${account}/${kind}/${name.toLowerCase()}`;
}

function renamedUserKey(account: string, id: string): string {
  return `acct/${account}/renamed-user/${id}`;
}

function userKeyIndex(account: string, userName: string, accessKeyId: string): string {
  return `acct/${account}/userkey/${userName.toLowerCase()}/${accessKeyId}`;
}

async function listKeys(kv: KVNamespace, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor: string | undefined;
  do {
    const page: KVNamespaceListResult<unknown, string> = await kv.list({ prefix, cursor });
    for (const k of page.keys) keys.push(k.name);
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  return keys;
}

/** KV's largest list page, and how many keys one bulk get may read. */
const KV_LIST_LIMIT = 1000;
const BULK_GET = 100;
/**
 * KV listings one page may use when the path filter leaves a listing without matches; after that
 * the page ends early with a marker (bounded work per request, as IAM allows).
 */
const LISTINGS_PER_PAGE = 3;

/**
 * Metadata kept with each entity key: its path, so PathPrefix filters without reading records; for
 * a customer managed policy, how many versions it keeps, so GetAccountSummary counts them without
 * reading every record (each holds every version's document).
 */
interface KeyMetadata {
  path?: string;
  versions?: number;
  /**
   * A role's, user's or group's AWS managed policies (the ARNs after `arn:aws:iam::aws:policy`):
   * `aws` those attached, `awsb` its boundary, so the usage counts of AWS managed policies
   * (ListPolicies, GetPolicy, GetAccountAuthorizationDetails) come from listings, never from every
   * record of the account. Absent when the key was written before, or would pass KV's 1,024 bytes.
   */
  aws?: string[];
  awsb?: string;
  /** A user's groups, by unique id, so a group's members are found from listings (GetGroup). */
  g?: string[];
  /**
   * A role's, user's or group's managed policies, attached or as its boundary, each as a short
   * hash of its ARN (policyHash), so ListEntitiesForPolicy reads only the records that may use the
   * policy (a hash shared by chance costs a read, never a wrong answer: the record decides).
   */
  p?: string[];
}

/** FNV-1a (32 bits) of an ARN, base 36: at most 7 characters a policy in key metadata. */
export function policyHash(arn: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < arn.length; i++) {
    h ^= arn.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(36);
}

const AWS_POLICY = 'arn:aws:iam::aws:policy';
/** KV's limit on a key's metadata, as JSON ("Workers KV limits"). */
const MAX_METADATA_BYTES = 1024;

/** The `aws` / `awsb` metadata of an identity record (none for other records, or when too large). */
function awsMetadata(record: object): Pick<KeyMetadata, 'aws' | 'awsb' | 'p'> {
  if (!('attachedPolicies' in record) || !Array.isArray(record.attachedPolicies)) return {};
  const boundary =
    'permissionsBoundary' in record && typeof record.permissionsBoundary === 'string'
      ? record.permissionsBoundary
      : undefined;
  const meta: Pick<KeyMetadata, 'aws' | 'awsb' | 'p'> = {
    p: [
      ...(record.attachedPolicies as string[]),
      ...(boundary === undefined ? [] : [boundary]),
    ].map(policyHash),
    aws: (record.attachedPolicies as string[])
      .filter((a) => a.startsWith(AWS_POLICY))
      .map((a) => a.slice(AWS_POLICY.length)),
    ...(boundary?.startsWith(AWS_POLICY) ? { awsb: boundary.slice(AWS_POLICY.length) } : {}),
  };
  return meta;
}

/** The `g` metadata of a user record. */
function groupMetadata(user: EntityTypes['user']): Pick<KeyMetadata, 'g'> {
  return { g: (user.groups ?? []).map((m) => m.id) };
}

/**
 * The metadata as written: without its optional counts when they would pass KV's 1,024 bytes
 * (what needs them then reads the record instead). Paths are ASCII, at most 512 characters.
 */
function fitted(meta: KeyMetadata): KeyMetadata {
  if (new TextEncoder().encode(JSON.stringify(meta)).length <= MAX_METADATA_BYTES) return meta;
  return { path: meta.path, ...(meta.versions === undefined ? {} : { versions: meta.versions }) };
}

const pathOf = (record: object): string | undefined =>
  'path' in record && typeof record.path === 'string' ? record.path : undefined;

const NO_MARKER: { cursor?: string; after?: string } = {};

/**
 * `<KV cursor>|<last name>`, either part possibly empty. KV cursors are base64 text without `|`, and
 * IAM names cannot contain it. Left readable so the marker stays within IAM's 320 characters.
 */
function encodeMarker(cursor: string | undefined, after: string | undefined): string {
  return `${cursor ?? ''}|${after ?? ''}`;
}

function decodeMarker(marker: string): { cursor?: string; after?: string } {
  const bar = marker.indexOf('|');
  if (bar < 0 || marker.length === 1) throw new InvalidMarkerError();
  const cursor = marker.slice(0, bar);
  const after = marker.slice(bar + 1);
  return { cursor: cursor || undefined, after: after || undefined };
}
