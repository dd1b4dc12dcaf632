/**
 * The IAM entities rolecall keeps, and the narrow interface the services use to read and write them.
 * Policy documents are kept as the JSON text the caller sent (IAM returns them as given).
 */
export type Tags = Array<{ Key: string; Value: string }>;

export interface RoleRecord {
  name: string;
  path: string;
  id: string; // AROA...
  arn: string;
  createDate: number; // epoch ms
  assumeRolePolicyDocument: string;
  description?: string;
  maxSessionDuration: number; // seconds, 3600..43200
  tags: Tags;
  inlinePolicies: Record<string, string>;
  attachedPolicies: string[]; // managed policy ARNs
  permissionsBoundary?: string; // managed policy ARN
  /**
   * The unique ids of the users and roles, of any account, the trust policy named when it was saved
   * (lowercased ARN -> AIDA/AROA id): IAM binds a trust policy to ids, not names.
   */
  trustPrincipalIds?: Record<string, string>;
  /**
   * Bumped on every write that changes the record: a change counter for readers and for the seed's
   * "unchanged" check. Compiled policy sets are cached by their text (src/caller/policies.ts), not by this.
   */
  version: number;
}

export interface UserRecord {
  name: string;
  path: string;
  id: string; // AIDA...
  arn: string;
  createDate: number;
  tags: Tags;
  inlinePolicies: Record<string, string>;
  attachedPolicies: string[];
  permissionsBoundary?: string;
  /**
   * The groups the user belongs to. Kept on the user so that authentication, which reads the user
   * anyway, learns every group whose policies apply, and so that joining or leaving is one write.
   * A group's member list is derived from the users. The id guards against a name reused by a
   * later group: a membership counts only while the group of that name has that id.
   */
  groups?: GroupMembership[];
  /** Serial numbers of the MFA devices enabled for the user (ListMFADevices), in enable order. */
  mfaDevices?: string[];
  version: number;
}

export interface GroupMembership {
  name: string; // as the group is named now (UpdateGroup rewrites it)
  id: string; // AGPA...
}

/** An IAM group ("IAM user groups"): a name, a path and policies that apply to its members. */
export interface GroupRecord {
  name: string;
  path: string;
  id: string; // AGPA...
  arn: string;
  createDate: number;
  inlinePolicies: Record<string, string>;
  attachedPolicies: string[];
  version: number;
}

/** An instance profile (CreateInstanceProfile): a container for at most one role, for EC2. */
export interface InstanceProfileRecord {
  name: string;
  path: string;
  id: string; // AIPA...
  arn: string;
  createDate: number;
  /** The role it holds (AddRoleToInstanceProfile), by name and unique id: at most one. */
  roles: Array<{ name: string; id: string }>;
  tags: Tags;
}

export interface AccessKeyRecord {
  accessKeyId: string;
  account: string;
  userName: string;
  status: 'Active' | 'Inactive';
  /** AES-GCM sealed secret access key (src/auth/seal.ts); the plaintext is never stored. */
  sealedSecret: string;
  createDate: number;
}

export interface PolicyVersionRecord {
  versionId: string; // v1, v2, ...
  document: string;
  createDate: number;
}

export interface ManagedPolicyRecord {
  name: string;
  path: string;
  id: string; // ANPA...
  arn: string;
  description?: string;
  createDate: number;
  updateDate: number;
  defaultVersionId: string;
  versions: PolicyVersionRecord[];
  nextVersion: number;
  attachmentCount: number;
  permissionsBoundaryUsageCount: number;
  tags: Tags;
  version: number;
}

export interface OidcProviderRecord {
  arn: string;
  url: string; // host/path, without https://
  clientIds: string[];
  thumbprints: string[];
  createDate: number;
  tags: Tags;
  /** Verification keys given inline (seed file), used instead of fetching the issuer's JWKS. */
  jwks?: { keys: Array<Record<string, unknown>> };
}

/**
 * A virtual MFA device (CreateVirtualMFADevice). The seed is sealed like secret access keys; the TOTP
 * counters (last step used, clock drift) live in the account's Durable Object, not here.
 */
export interface MfaDeviceRecord {
  name: string;
  path: string;
  /** The device ARN, `arn:aws:iam::ACCOUNT:mfa/PATH/NAME`: IAM's serial number for virtual devices. */
  serialNumber: string;
  /** AES-GCM sealed base32 seed (src/auth/seal.ts), bound to the serial number. */
  sealedSeed: string;
  createDate: number;
  /** Set while the device is enabled for a user (EnableMFADevice). */
  user?: { name: string; id: string };
  enableDate?: number;
  tags: Tags;
}

/** An account's credential report: when it was generated, and its CSV text. */
export interface CredentialReport {
  generatedAt: number; // epoch ms
  csv: string;
}

export interface AccountRecord {
  id: string;
  createDate: number;
  /**
   * Epoch ms when the account and everything stored under it expire (demo sandboxes, docs/demo.md):
   * every KV key the store writes for the account carries this expiration.
   */
  expiresAt?: number;
  /** A sandbox's second account (the "another account" of the demo page), created with it. */
  partner?: string;
  /**
   * A sandbox's: SHA-256 (base64url) of the random secret its browser's cookie carries
   * (src/demo/cookie.ts).
   */
  cookieHash?: string;
}

export type EntityKind = 'role' | 'user' | 'group' | 'policy' | 'oidc' | 'mfa' | 'instanceprofile';

export interface EntityTypes {
  role: RoleRecord;
  user: UserRecord;
  group: GroupRecord;
  policy: ManagedPolicyRecord;
  oidc: OidcProviderRecord;
  mfa: MfaDeviceRecord;
  instanceprofile: InstanceProfileRecord;
}

export interface ListPage<T> {
  items: T[];
  /**
   * Set when more items may follow; pass back as `marker`. A page may hold fewer than `maxItems`
   * items and still carry a marker, as IAM's own list results may ("IAM might return fewer than the
   * MaxItems number of results even when there are more results available").
   */
  marker?: string;
  /** With `maxChars`: the characters of the page's records as JSON. */
  chars?: number;
}

export interface ListOptions {
  /** The `marker` of the previous page. */
  marker?: string;
  /** At most this many items (1-1000, default 100). */
  maxItems?: number;
  /** Only entities whose path starts with this (roles, users, groups, managed policies). */
  pathPrefix?: string;
  /**
   * End the page once its records reach this many characters of JSON (after at least one record),
   * with a marker that resumes right after its last record: a page read and held is bounded in
   * size, not only in count (records run to tens of KB each).
   */
  maxChars?: number;
}

/** A marker the store did not issue (or can no longer honour). */
export class InvalidMarkerError extends Error {
  constructor() {
    super('Invalid Marker.');
    this.name = 'InvalidMarkerError';
  }
}

/** Storage for one account's IAM entities plus the global access-key index. */
export interface IamStore {
  getAccount(account: string): Promise<AccountRecord | null>;
  putAccount(record: AccountRecord): Promise<void>;
  /** Epoch ms when the account expires with all its data (demo sandboxes); null when it does not. */
  expiresAt(account: string): Promise<number | null>;

  get<K extends EntityKind>(account: string, kind: K, name: string): Promise<EntityTypes[K] | null>;
  /**
   * Many records at once (`get` of each, in order): through the record cache, the rest 100 per KV
   * bulk read, so a page or a policy set naming hundreds of entities costs a few KV operations, not
   * hundreds (a Worker invocation may make 1,000).
   */
  getMany<K extends EntityKind>(
    kind: K,
    refs: ReadonlyArray<{ account: string; name: string }>,
  ): Promise<Array<EntityTypes[K] | null>>;
  put<K extends EntityKind>(
    account: string,
    kind: K,
    name: string,
    record: EntityTypes[K],
  ): Promise<void>;
  delete(account: string, kind: EntityKind, name: string): Promise<void>;
  /**
   * Entities sorted by name (case-insensitively, as IAM lists them), one page at a time. A page
   * costs a bounded number of storage reads whatever the size of the account, so callers page
   * rather than load everything. Throws InvalidMarkerError for a marker it did not issue.
   */
  list<K extends EntityKind>(
    account: string,
    kind: K,
    options?: ListOptions,
  ): Promise<ListPage<EntityTypes[K]>>;
  /**
   * How many entities of a kind the account holds, counted up to `atMost` (names listed, no record
   * read): the account-wide quotas (src/iam/common/quotas.ts).
   */
  count(account: string, kind: EntityKind, atMost: number): Promise<number>;
  /**
   * The versions the account's customer managed policies keep, together (GetAccountSummary's
   * PolicyVersionsInUse), from the listing of their names: no record is read.
   */
  countPolicyVersions(account: string): Promise<number>;
  /**
   * The roles, users or groups of the account whose keys say they may attach `policyArn` or use it
   * as their boundary (a hash of it is in their metadata; keys written without it are read too),
   * in name order, 100 records read at a time: the caller checks each record.
   */
  forEachPolicyUser<K extends 'role' | 'user' | 'group'>(
    account: string,
    kind: K,
    policyArn: string,
    visit: (entity: EntityTypes[K]) => void,
  ): Promise<void>;
  /**
   * The users of the account that belong to the group (by its unique id), in name order, found from
   * the listing of their keys: only members' records are read (and those of keys written without
   * that metadata), 100 at a time.
   */
  forEachGroupMember(
    account: string,
    groupId: string,
    visit: (user: EntityTypes['user']) => void,
  ): Promise<void>;
  /**
   * How many of the account's roles, users and groups attach each AWS managed policy, or use it as
   * their permissions boundary, from the listings of their keys (records are read only for keys
   * written without that metadata).
   */
  awsManagedUsage(
    account: string,
  ): Promise<Map<string, { attachments: number; boundaries: number }>>;

  /**
   * The current name of a user renamed since it was created (UpdateUser NewUserName), by its
   * unique id, so what names the user by id (trust policies, sessions) finds it under its new name.
   * The caller checks that the user of that name still has the id (it may have been deleted since).
   */
  renamedUser(account: string, id: string): Promise<string | null>;
  /** `renamedUser` of each, in order, 100 per KV bulk read. */
  renamedUsers(refs: ReadonlyArray<{ account: string; id: string }>): Promise<Array<string | null>>;
  /** Records a rename (null: forgets it, when the user is deleted). */
  putRenamedUser(account: string, id: string, name: string | null): Promise<void>;

  /** The account's alias (CreateAccountAlias), or null: an account has at most one. */
  accountAlias(account: string): Promise<string | null>;
  /** Sets (or, with null, removes) the account's alias; the global claim is kept apart (aliasOwner). */
  putAccountAlias(account: string, alias: string | null): Promise<void>;
  /**
   * The account that holds an alias. Aliases are unique across accounts: the claim is written only
   * by the Durable Object named for the alias (src/accounts/account-object.ts), one claim at a time.
   */
  aliasOwner(alias: string): Promise<string | null>;
  /** Records (or, with null, drops) the claim of `alias` by `account` (KV expiry: the account's). */
  putAliasOwner(alias: string, account: string, claimed: boolean): Promise<void>;

  /** The account's last credential report (GenerateCredentialReport), or null. */
  credentialReport(account: string): Promise<CredentialReport | null>;
  putCredentialReport(account: string, report: CredentialReport): Promise<void>;

  getAccessKey(accessKeyId: string): Promise<AccessKeyRecord | null>;
  putAccessKey(record: AccessKeyRecord): Promise<void>;
  deleteAccessKey(accessKeyId: string): Promise<void>;
  listAccessKeys(account: string, userName: string): Promise<AccessKeyRecord[]>;
  /**
   * Every access key of the account by lowercased user name, in a bounded number of KV operations
   * (one listing per 1,000 keys, one bulk read per 100), for what reports on every user at once.
   */
  accessKeysByUser(account: string): Promise<Map<string, AccessKeyRecord[]>>;
}
