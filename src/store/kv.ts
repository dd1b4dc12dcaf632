import type {
  AccessKeyRecord,
  AccountRecord,
  EntityKind,
  EntityTypes,
  IamStore,
  ListPage,
} from './types.ts';

/**
 * IamStore on Workers KV. Key schema (also in the README):
 *   acct/<account>                          AccountRecord
 *   acct/<account>/<kind>/<lowercased name> RoleRecord | UserRecord | GroupRecord | ManagedPolicyRecord | OidcProviderRecord
 *   acct/<account>/userkey/<user>/<AKID>    "" (index: a user's access keys)
 *   akey/<AKID>                             AccessKeyRecord (global: authentication starts from a key id)
 * IAM names are unique case-insensitively ("Names are not distinguished by case", IAM identifiers),
 * hence the lowercased key; the record keeps the name as created.
 */
export class KvIamStore implements IamStore {
  private readonly kv: KVNamespace;

  constructor(kv: KVNamespace) {
    this.kv = kv;
  }

  getAccount(account: string): Promise<AccountRecord | null> {
    return this.kv.get<AccountRecord>(`acct/${account}`, 'json');
  }

  async putAccount(record: AccountRecord): Promise<void> {
    await this.kv.put(`acct/${record.id}`, JSON.stringify(record));
  }

  get<K extends EntityKind>(
    account: string,
    kind: K,
    name: string,
  ): Promise<EntityTypes[K] | null> {
    return this.kv.get<EntityTypes[K]>(entityKey(account, kind, name), 'json');
  }

  async put<K extends EntityKind>(
    account: string,
    kind: K,
    name: string,
    record: EntityTypes[K],
  ): Promise<void> {
    await this.kv.put(entityKey(account, kind, name), JSON.stringify(record));
  }

  async delete(account: string, kind: EntityKind, name: string): Promise<void> {
    await this.kv.delete(entityKey(account, kind, name));
  }

  async list<K extends EntityKind>(
    account: string,
    kind: K,
    options: { marker?: string; maxItems?: number } = {},
  ): Promise<ListPage<EntityTypes[K]>> {
    const prefix = `acct/${account}/${kind}/`;
    const keys = await listKeys(this.kv, prefix);
    const after = options.marker ? decodeMarker(options.marker) : undefined;
    const start = after === undefined ? 0 : keys.findIndex((k) => k > prefix + after);
    const max = options.maxItems ?? 100;
    const slice = start < 0 ? [] : keys.slice(start, start + max);
    const items = (
      await Promise.all(slice.map((k) => this.kv.get<EntityTypes[K]>(k, 'json')))
    ).filter((r): r is Awaited<EntityTypes[K]> => r !== null);
    const more = start >= 0 && start + max < keys.length;
    return {
      items,
      marker: more ? encodeMarker(slice[slice.length - 1]!.slice(prefix.length)) : undefined,
    };
  }

  getAccessKey(accessKeyId: string): Promise<AccessKeyRecord | null> {
    return this.kv.get<AccessKeyRecord>(`akey/${accessKeyId}`, 'json');
  }

  async putAccessKey(record: AccessKeyRecord): Promise<void> {
    await Promise.all([
      this.kv.put(`akey/${record.accessKeyId}`, JSON.stringify(record)),
      this.kv.put(userKeyIndex(record.account, record.userName, record.accessKeyId), ''),
    ]);
  }

  async deleteAccessKey(accessKeyId: string): Promise<void> {
    const record = await this.getAccessKey(accessKeyId);
    if (!record) return;
    await Promise.all([
      this.kv.delete(`akey/${accessKeyId}`),
      this.kv.delete(userKeyIndex(record.account, record.userName, accessKeyId)),
    ]);
  }

  async listAccessKeys(account: string, userName: string): Promise<AccessKeyRecord[]> {
    const prefix = userKeyIndex(account, userName, '');
    const ids = (await listKeys(this.kv, prefix)).map((k) => k.slice(prefix.length));
    const records = await Promise.all(ids.map((id) => this.getAccessKey(id)));
    return records.filter((r): r is AccessKeyRecord => r !== null);
  }
}

function entityKey(account: string, kind: EntityKind, name: string): string {
  return `acct/${account}/${kind}/${name.toLowerCase()}`;
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

// IAM markers are opaque strings; ours is the last returned name, base64url so it reads as opaque.
function encodeMarker(name: string): string {
  return btoa(unescape(encodeURIComponent(name))).replace(/=+$/, '');
}

function decodeMarker(marker: string): string | undefined {
  try {
    return decodeURIComponent(escape(atob(marker)));
  } catch {
    return undefined;
  }
}
