import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../env.ts';
import { KvIamStore } from '../store/kv.ts';
import { JOURNAL_HORIZON_MS, type WriteJournal } from '../store/write-journal.ts';
import { SerialQueue } from './serial-queue.ts';
import type {
  AccountState,
  MfaCheck,
  MfaCounter,
  MfaOutcome,
  SeedOutcome,
  WriteOutcome,
  WriteRequest,
} from './types.ts';
import { runSeed, runWrite, verifyMfaCode } from './run.ts';
import type { SeedDocument } from '../seed/schema.ts';

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
    this.sql.exec(`CREATE TABLE IF NOT EXISTS journal (
      key TEXT PRIMARY KEY,
      value TEXT,
      at INTEGER NOT NULL
    )`);
    this.sql.exec('CREATE INDEX IF NOT EXISTS journal_at ON journal (at)');
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

  /** Applies this account's part of a seed document, ordered with the account's other writes. */
  applySeed(seed: SeedDocument, now: number): Promise<SeedOutcome> {
    return this.queue.run(() => runSeed({ env: this.env, state: this, seed, now }));
  }

  /** Checks and spends a one-time code, ordered with the writes that enable, resync or remove devices. */
  verifyMfa(check: MfaCheck): Promise<MfaOutcome> {
    return this.queue.run(() => verifyMfaCode({ env: this.env, state: this, check }));
  }

  recent(key: string, now: number): { value: string | null } | undefined {
    const row = this.sql
      .exec<{ value: string | null }>(
        'SELECT value FROM journal WHERE key = ? AND at > ?',
        key,
        now - JOURNAL_HORIZON_MS,
      )
      .toArray()[0];
    return row && { value: row.value };
  }

  record(key: string, value: string | null, now: number): void {
    this.sql.exec('DELETE FROM journal WHERE at <= ?', now - JOURNAL_HORIZON_MS);
    this.sql.exec(
      'INSERT OR REPLACE INTO journal (key, value, at) VALUES (?, ?, ?)',
      key,
      value,
      now,
    );
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
