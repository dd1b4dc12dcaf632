import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../env.ts';
import type { StoredLookup, StoredSession } from './types.ts';

/**
 * One shard of live sessions. Expiry is enforced twice: `get` answers `expired` at or after
 * `expiresAt` whatever the alarm has done, and the alarm deletes expired rows and re-arms for the
 * next expiry. Shards are named by the session token (see shardFor), so no object is global.
 */
export class SessionStore extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  /** When the alarm is set for (null: none), once read; only this class sets or deletes it. */
  private armedAt: number | null | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    // One row per session in two b-trees: the table, ordered by `slot` (the expiry in milliseconds
    // times SLOTS, plus a slot number that keeps rows expiring in the same millisecond apart), so
    // the alarm deletes a range at its start and finds the next expiry at its first row; and the
    // index of the access key id, by which a session is found (the token names it, with the
    // session id, which must match). A separate expiry index would be a third b-tree written per
    // session, for what the table's own order already gives.
    this.sql.exec(`CREATE TABLE IF NOT EXISTS session_rows (
      slot INTEGER PRIMARY KEY,
      access_key_id TEXT NOT NULL UNIQUE,
      id TEXT NOT NULL,
      record TEXT NOT NULL
    )`);
    migrateSessionTables(this.sql);
  }

  /**
   * Stores a new session; false (and nothing written) when a live session already has its access
   * key id, which the caller then draws again. Answers once the session is durable.
   *
   * Group commit: each storage commit ends with a sync to disk, which costs more than the row. The
   * first session to arrive is written and committed at once; sessions arriving while that commit
   * is under way wait for it and then go together, as one commit, and so on while they keep coming.
   */
  put(session: StoredSession): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ session, resolve, reject });
      if (!this.committing) void this.commitWaiting();
    });
  }

  private waiting: PendingPut[] = [];
  private committing = false;
  /** Storage commits of new sessions since this object started (diagnostics; tests read it). */
  commits = 0;

  private async commitWaiting(): Promise<void> {
    this.committing = true;
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting;
        this.waiting = [];
        this.commits++;
        // Written in one synchronous run: one implicit transaction, so one commit for the batch.
        const answers = batch.map(({ session }) => {
          try {
            return insertSession(this.sql, session);
          } catch (error) {
            return error instanceof Error ? error : new Error(String(error));
          }
        });
        try {
          await this.armFor(batch.filter((_, i) => answers[i] === true));
          await this.ctx.storage.sync();
        } catch (error) {
          batch.forEach((p) => p.reject(error));
          continue;
        }
        batch.forEach((p, i) => {
          const answer = answers[i];
          if (answer instanceof Error) p.reject(answer);
          else p.resolve(answer);
        });
      }
    } finally {
      this.committing = false;
    }
  }

  /**
   * The alarm only moves earlier: a later expiry is found when the alarm runs, so most commits write
   * the rows alone (not rows and an alarm).
   */
  private async armFor(stored: PendingPut[]): Promise<void> {
    if (stored.length === 0) return;
    const earliest = Math.min(...stored.map((p) => p.session.expiresAt));
    if (this.armedAt === undefined) this.armedAt = await this.ctx.storage.getAlarm();
    if (this.armedAt === null || earliest < this.armedAt) {
      await this.ctx.storage.setAlarm(earliest);
      this.armedAt = earliest;
    }
  }

  private row(accessKeyId: string) {
    return this.sql
      .exec<{ slot: number; id: string; record: string }>(
        'SELECT slot, id, record FROM session_rows WHERE access_key_id = ?',
        accessKeyId,
      )
      .toArray()[0];
  }

  /**
   * The session with this access key id and session id (both from its token) as of `now`; the
   * caller passes `now` so the Worker's clock is the one that decides.
   */
  get(accessKeyId: string, id: string, now: number): StoredLookup {
    const found = this.getByAccessKey(accessKeyId, now);
    return found.status === 'active' && found.id !== id ? { status: 'unknown' } : found;
  }

  /**
   * The session with this access key id (AuthZEN subjects name a session by its key alone). Only
   * sessions whose shard was chosen by the key (shardFor(account, accessKeyId)) are found by it.
   */
  getByAccessKey(accessKeyId: string, now: number): StoredLookup {
    const row = this.row(accessKeyId);
    if (!row) return { status: 'unknown' };
    if (now >= expiryOf(row.slot)) return { status: 'expired' };
    return { status: 'active', id: row.id, record: row.record };
  }

  /** Deletes the session; false when it was not there. */
  revoke(accessKeyId: string, id: string): boolean {
    return (
      this.sql.exec('DELETE FROM session_rows WHERE access_key_id = ? AND id = ?', accessKeyId, id)
        .rowsWritten > 0
    );
  }

  count(): number {
    return this.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM session_rows').one().n;
  }

  async alarm(): Promise<void> {
    // Expired at `now`: expiresAt <= now, that is slot < (now + 1) * SLOTS.
    this.sql.exec('DELETE FROM session_rows WHERE slot < ?', (Date.now() + 1) * SLOTS);
    await this.arm();
  }

  private async arm(): Promise<void> {
    const first = this.sql
      .exec<{ slot: number | null }>('SELECT MIN(slot) AS slot FROM session_rows')
      .one().slot;
    const next = first === null ? null : expiryOf(first);
    if (next === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(next);
    this.armedAt = next;
  }
}

interface PendingPut {
  session: StoredSession;
  resolve(stored: boolean): void;
  reject(error: unknown): void;
}

/**
 * Rows a millisecond of expiry holds. A slot (expiry in ms x SLOTS + n) stays an exact integer in
 * JavaScript while expiries are below 2^53 / SLOTS ms, which is past the year 2200.
 */
const SLOTS = 1024;

function expiryOf(slot: number): number {
  return Math.floor(slot / SLOTS);
}

/** Writes a session's row; false when its access key id is taken. */
function insertSession(sql: SqlStorage, session: StoredSession): boolean {
  // A taken slot (another row expiring in the same millisecond drew it) is drawn again; a taken
  // access key id is refused.
  for (let tries = 0; tries < SLOTS; tries++) {
    const written = sql.exec(
      'INSERT INTO session_rows (slot, access_key_id, id, record) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
      session.expiresAt * SLOTS + Math.floor(Math.random() * SLOTS),
      session.accessKeyId,
      session.id,
      session.record,
    ).rowsWritten;
    if (written > 0) return true;
    const taken = sql
      .exec('SELECT 1 FROM session_rows WHERE access_key_id = ?', session.accessKeyId)
      .toArray();
    if (taken.length > 0) return false;
  }
  throw new Error(`no free slot for sessions expiring at ${session.expiresAt}`);
}

/**
 * Objects written by earlier versions keep their sessions in `live_sessions` (keyed by access key
 * id, with an expiry index) or, earlier still, `sessions` (keyed by session id): their rows move to
 * `session_rows` once, when the object first starts with this version.
 */
export function migrateSessionTables(sql: SqlStorage): void {
  const old = sql
    .exec<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('live_sessions', 'sessions')",
    )
    .toArray();
  for (const { name } of old) {
    const rows = sql.exec<{
      access_key_id: string;
      id: string;
      expires_at: number;
      record: string;
    }>(`SELECT access_key_id, id, expires_at, record FROM ${name}`);
    for (const row of rows.toArray())
      insertSession(sql, {
        accessKeyId: row.access_key_id,
        id: row.id,
        expiresAt: row.expires_at,
        record: row.record,
      });
    sql.exec(`DROP TABLE ${name}`);
  }
}
