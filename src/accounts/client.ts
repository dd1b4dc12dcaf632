import type { Env } from '../env.ts';
import type { XmlObject } from '../protocol/xml.ts';
import type { SeedSummary } from '../seed/apply.ts';
import type { SeedDocument } from '../seed/schema.ts';
import type { AccountRecord } from '../store/types.ts';
import { objectId } from '../store/object-ids.ts';
import type {
  DoneOutcome,
  MfaCheck,
  MfaOutcome,
  SeedOutcome,
  WriteOutcome,
  WriteRequest,
} from './types.ts';
import type { KeyPurpose, KeyRing, SigningAlgorithm } from '../store/web-identity.ts';
import { fromWire } from './wire-error.ts';

/**
 * The one client of the account objects: the object of an account is named by its id, so every
 * Worker instance, wherever it runs, reaches the same one. No stub is built anywhere else.
 */
export class AccountClient {
  private readonly stub: AccountRpc;
  private readonly account: string;

  private constructor(env: Env, account: string) {
    this.account = account;
    // Typed by hand: the generated RPC type of the records' nesting is too deep for the compiler.
    this.stub = env.ACCOUNTS.get(objectId(env.ACCOUNTS, account)) as unknown as AccountRpc;
  }

  static of(env: Env, account: string): AccountClient {
    return new AccountClient(env, account);
  }

  /** Runs an IAM write in the account's object; its AwsError is rethrown here. */
  async write(request: WriteRequest): Promise<XmlObject | undefined> {
    const outcome = await this.stub.write(request);
    if ('error' in outcome) throw fromWire(outcome.error);
    return outcome.result;
  }

  /** Applies this account's part of a seed document (src/accounts/seed.ts applies a whole one). */
  async applySeed(seed: SeedDocument, now: number, record?: AccountRecord): Promise<SeedSummary> {
    const outcome = await this.stub.applySeed(seed, this.account, now, record);
    if ('error' in outcome) throw fromWire(outcome.error);
    return outcome.summary;
  }

  /** Binds this account's seeded trust policies to principals other parts of the document created. */
  async bindSeededTrust(seed: SeedDocument): Promise<void> {
    const outcome = await this.stub.bindSeededTrust(seed, this.account);
    if ('error' in outcome) throw fromWire(outcome.error);
  }

  /** Writes the AWSRevokeOlderSessions Deny to one of this account's roles (src/iam/roles/revoke-sessions.ts). */
  async revokeRoleSessions(roleArn: string, before: number): Promise<void> {
    const outcome = await this.stub.revokeRoleSessions(roleArn, before);
    if ('error' in outcome) throw fromWire(outcome.error);
  }

  /** The account's signing-key ring for `purpose`, completed with a key of each of `algs` it lacks. */
  ensureKeyRing(purpose: KeyPurpose, algs: SigningAlgorithm[], now: number): Promise<KeyRing> {
    return this.stub.ensureKeyRing(this.account, purpose, algs, now);
  }

  /** A new signing key of each algorithm of the ring (src/oidc/signing-keys.ts rotateKeyRing). */
  rotateKeyRing(purpose: KeyPurpose, algs: SigningAlgorithm[], now: number): Promise<KeyRing> {
    return this.stub.rotateKeyRing(this.account, purpose, algs, now);
  }

  /** Checks and spends an MFA code; throws STS's AccessDenied when it does not hold. */
  async verifyMfa(check: MfaCheck): Promise<void> {
    const outcome = await this.stub.verifyMfa(check);
    if ('error' in outcome) throw fromWire(outcome.error);
  }
}

/**
 * Claims of account aliases, which are unique across accounts: each alias's claims run in the object
 * named `alias/<alias>` (account objects are named by 12-digit ids, so the names never meet).
 */
export const AliasClaims = {
  /** Takes `alias` for `account`; IAM's EntityAlreadyExists when another account holds it. */
  async claim(env: Env, alias: string, account: string): Promise<void> {
    const outcome = await aliasObject(env, alias).claimAlias(alias, account, true);
    if ('error' in outcome) throw fromWire(outcome.error);
  },

  /** Gives `alias` up, if `account` holds it. */
  async release(env: Env, alias: string, account: string): Promise<void> {
    const outcome = await aliasObject(env, alias).claimAlias(alias, account, false);
    if ('error' in outcome) throw fromWire(outcome.error);
  },
};

const aliasObject = (env: Env, alias: string) =>
  env.ACCOUNTS.get(objectId(env.ACCOUNTS, `alias/${alias}`)) as unknown as AccountRpc;

/** The object's RPC surface (src/accounts/account-object.ts). */
interface AccountRpc {
  claimAlias(alias: string, account: string, claimed: boolean): Promise<DoneOutcome>;
  write(request: WriteRequest): Promise<WriteOutcome>;
  verifyMfa(check: MfaCheck): Promise<MfaOutcome>;
  applySeed(
    seed: SeedDocument,
    account: string,
    now: number,
    record?: AccountRecord,
  ): Promise<SeedOutcome>;
  bindSeededTrust(seed: SeedDocument, account: string): Promise<DoneOutcome>;
  revokeRoleSessions(roleArn: string, before: number): Promise<DoneOutcome>;
  ensureKeyRing(
    account: string,
    purpose: KeyPurpose,
    algs: SigningAlgorithm[],
    now: number,
  ): Promise<KeyRing>;
  rotateKeyRing(
    account: string,
    purpose: KeyPurpose,
    algs: SigningAlgorithm[],
    now: number,
  ): Promise<KeyRing>;
}
