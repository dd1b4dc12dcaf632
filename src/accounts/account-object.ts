import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../env.ts';
import { ensureKeyRing, rotateKeyRing } from '../oidc/signing-keys.ts';
import { KvIamStore } from '../store/kv.ts';
import {
  KvWebIdentityStore,
  type KeyPurpose,
  type KeyRing,
  type SigningAlgorithm,
} from '../store/web-identity.ts';
import { JOURNAL_HORIZON_MS, type WriteJournal } from '../store/write-journal.ts';
import { SerialQueue } from './serial-queue.ts';
import type {
  AccountState,
  DoneOutcome,
  MfaCheck,
  MfaCounter,
  MfaOutcome,
  SeedOutcome,
  WriteOutcome,
  WriteRequest,
} from './types.ts';
import {
  runAliasClaim,
  runRevokeRoleSessions,
  runSeed,
  runSeedBinding,
  runWrite,
  verifyMfaCode,
} from './run.ts';
import type { SeedDocument } from '../seed/schema.ts';
import type { AccountRecord } from '../store/types.ts';

/**
 * One object per account: every IAM write of the account runs here, one at a time, so concurrent
 * read-modify-writes of one entity cannot lose each other and counters (attachment counts, quota
 * checks) stay exact. KV stays the store the edge reads; this object is where writes are ordered.
 * It also holds what must be strongly consistent and never leaves it: the TOTP counters of the
 * account's MFA devices (a code used once cannot be replayed).
 */
export class IamAccount extends DurableObject<Env> implements AccountState, WriteJournal {
  private readonly sql: SqlStorage;
  private readonly queue = new SerialQueue();
  /** Journal keys written by this instance, oldest first, to delete them once aged. */
  private readonly journaled: { key: string; at: number }[] = [];
  private readonly latest = new Map<string, number>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.createTables();
  }

  private createTables(): void {
    this.sql.exec(`CREATE TABLE IF NOT EXISTS mfa_counters (
      serial TEXT PRIMARY KEY,
      last_step INTEGER NOT NULL,
      drift INTEGER NOT NULL
    )`);
  }

  /** Runs one IAM write after every write that arrived before it. */
  write(request: WriteRequest): Promise<WriteOutcome> {
    return this.queue.run(async () => {
      await this.expireWith(request.caller.account);
      return runWrite({ env: this.env, state: this, request });
    });
  }

  /**
   * A demo sandbox's account (docs/demo.md) expires with all its data: this object's storage too,
   * by an alarm at the account's expiry.
   */
  private async expireWith(account: string): Promise<void> {
    if ((await this.ctx.storage.getAlarm()) !== null) return;
    const expiresAt = await new KvIamStore(this.env.IAM).expiresAt(account);
    if (expiresAt !== null) await this.ctx.storage.setAlarm(expiresAt);
  }

  async alarm(): Promise<void> {
    await this.ctx.storage.deleteAll();
    this.createTables();
  }

  /**
   * Applies this account's part of a seed document, ordered with the account's other writes;
   * `record`, when given, is the account record to write first (a new sandbox's).
   */
  applySeed(
    seed: SeedDocument,
    account: string,
    now: number,
    record?: AccountRecord,
  ): Promise<SeedOutcome> {
    return this.queue.run(async () => {
      const result = await runSeed({ env: this.env, state: this, seed, account, now, record });
      await this.expireWith(account);
      return result;
    });
  }

  /** Binds this account's seeded trust policies once every account of the document is applied. */
  bindSeededTrust(seed: SeedDocument, account: string): Promise<DoneOutcome> {
    return this.queue.run(() => runSeedBinding({ env: this.env, state: this, seed, account }));
  }

  /** "Revoke active sessions" of one of this account's roles (the admin endpoint). */
  revokeRoleSessions(roleArn: string, before: number): Promise<DoneOutcome> {
    return this.queue.run(() =>
      runRevokeRoleSessions({ env: this.env, state: this, roleArn, before }),
    );
  }

  /**
   * Signing-key rings (test issuer, outbound tokens) are written here, one at a time, so racing
   * first uses and rotations cannot lose a key a token was just signed with (src/oidc/signing-keys.ts).
   */
  ensureKeyRing(
    account: string,
    purpose: KeyPurpose,
    algs: SigningAlgorithm[],
    now: number,
  ): Promise<KeyRing> {
    return this.keyRingWrite(account, (ring) => ensureKeyRing({ ...ring, purpose, algs, now }));
  }

  /** A rotation: a ring with each of `algs` (made first when missing), then a new key of each. */
  rotateKeyRing(
    account: string,
    purpose: KeyPurpose,
    algs: SigningAlgorithm[],
    now: number,
  ): Promise<KeyRing> {
    return this.keyRingWrite(account, async (ring) => {
      await ensureKeyRing({ ...ring, purpose, algs, now });
      return rotateKeyRing({ ...ring, purpose, now });
    });
  }

  /** Runs a key-ring write in turn, with a store that reads this object's own recent writes. */
  private keyRingWrite(
    account: string,
    write: (ring: {
      sealSeed: string;
      store: KvWebIdentityStore;
      account: string;
    }) => Promise<KeyRing>,
  ): Promise<KeyRing> {
    return this.queue.run(async () => {
      await this.expireWith(account);
      const store = new KvWebIdentityStore(this.env.IAM, { journal: this });
      return write({ sealSeed: this.env.SEAL_KEY, store, account });
    });
  }

  /**
   * Account aliases are unique across accounts, and each account's writes run in its own object, so
   * the claims of one alias are ordered by the object named for the alias (`alias/<alias>`, never an
   * account id): it alone writes the `alias/<alias>` key, reading its own recent writes first.
   * `claimed`: take the alias for `account` (IAM's EntityAlreadyExists when another account holds
   * it), or give it up (only the holder's release drops the claim).
   */
  claimAlias(alias: string, account: string, claimed: boolean): Promise<DoneOutcome> {
    return this.queue.run(() =>
      runAliasClaim({ env: this.env, state: this, alias, account, claimed }),
    );
  }

  /** Checks and spends a one-time code, ordered with the writes that enable, resync or remove devices. */
  verifyMfa(check: MfaCheck): Promise<MfaOutcome> {
    return this.queue.run(() => verifyMfaCode({ env: this.env, state: this, check }));
  }

  /**
   * The journal (store/write-journal.ts) lives in this object's storage, written without waiting
   * for the write to be confirmed (allowUnconfirmed): a write's response is not held back for it,
   * and only a crash within moments of a write could lose an entry. Entries older than the horizon
   * are ignored, and deleted as they age.
   */
  async recent(key: string, now: number): Promise<{ value: string | null } | undefined> {
    const entry = await this.ctx.storage.get<JournalEntry>(JOURNAL_PREFIX + key);
    return entry && entry.at > now - JOURNAL_HORIZON_MS ? { value: entry.value } : undefined;
  }

  record(key: string, value: string | null, now: number): void {
    const unconfirmed = { allowUnconfirmed: true };
    void this.ctx.storage.put<JournalEntry>(JOURNAL_PREFIX + key, { value, at: now }, unconfirmed);
    this.journaled.push({ key, at: now });
    this.latest.set(key, now);
    const aged: string[] = [];
    while (this.journaled.length > 0 && this.journaled[0]!.at <= now - JOURNAL_HORIZON_MS) {
      const entry = this.journaled.shift()!;
      // Only the key's last entry is deleted; an earlier one was overwritten since.
      if (this.latest.get(entry.key) === entry.at) {
        this.latest.delete(entry.key);
        aged.push(JOURNAL_PREFIX + entry.key);
      }
    }
    for (let i = 0; i < aged.length; i += 128)
      void this.ctx.storage.delete(aged.slice(i, i + 128), unconfirmed);
  }

  mfaCounter(serialNumber: string): MfaCounter | undefined {
    const row = this.sql
      .exec<{ last_step: number; drift: number }>(
        'SELECT last_step, drift FROM mfa_counters WHERE serial = ?',
        serialNumber,
      )
      .toArray()[0];
    return row && { lastStep: row.last_step, drift: row.drift };
  }

  setMfaCounter(serialNumber: string, counter: MfaCounter): void {
    this.sql.exec(
      'INSERT OR REPLACE INTO mfa_counters (serial, last_step, drift) VALUES (?, ?, ?)',
      serialNumber,
      counter.lastStep,
      counter.drift,
    );
  }

  clearMfaCounter(serialNumber: string): void {
    this.sql.exec('DELETE FROM mfa_counters WHERE serial = ?', serialNumber);
  }
}

const JOURNAL_PREFIX = 'journal/';

interface JournalEntry {
  value: string | null;
  at: number;
}
