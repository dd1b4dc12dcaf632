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
    // One row per session, found by its access key id (the token names it with the session id, which
    // must match) and swept by expiry: the table (rows appended in order), its key's index and the
    // expiry index. The earlier table also indexed the session id, a fourth b-tree written per
    // session. Not WITHOUT ROWID: rows of ~700 bytes would spread over the key's random order (SQLite
    // advises it for rows under about 1/20 of a page).
    this.sql.exec(`CREATE TABLE IF NOT EXISTS live_sessions (
      access_key_id TEXT PRIMARY KEY,
      id TEXT NOT NULL,
      expires_at INTEGER NOT NULL,
      record TEXT NOT NULL
    )`);
    this.sql.exec('CREATE INDEX IF NOT EXISTS live_sessions_expiry ON live_sessions (expires_at)');
    migrateSessionsTable(this.sql);
  }

  /**
   * Stores a new session; false (and nothing written) when a live session already has its access
   * key id, which the caller then draws again.
   */
  async put(session: StoredSession): Promise<boolean> {
    const written = this.sql.exec(
      'INSERT INTO live_sessions (access_key_id, id, expires_at, record) VALUES (?, ?, ?, ?) ON CONFLICT (access_key_id) DO NOTHING',
      session.accessKeyId,
      session.id,
      session.expiresAt,
      session.record,
    ).rowsWritten;
    if (written === 0) return false;
    // The alarm only moves earlier: a later expiry is found when the alarm runs, so most puts
    // write the row alone (one storage commit, not a row and an alarm).
    if (this.armedAt === undefined) this.armedAt = await this.ctx.storage.getAlarm();
    if (this.armedAt === null || session.expiresAt < this.armedAt) {
      await this.ctx.storage.setAlarm(session.expiresAt);
      this.armedAt = session.expiresAt;
    }
    return true;
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
    const row = this.sql
      .exec<{ id: string; expires_at: number; record: string }>(
        'SELECT id, expires_at, record FROM live_sessions WHERE access_key_id = ?',
        accessKeyId,
      )
      .toArray()[0];
    if (!row) return { status: 'unknown' };
    if (now >= row.expires_at) return { status: 'expired' };
    return { status: 'active', id: row.id, record: row.record };
  }

  /** Deletes the session; false when it was not there. */
  revoke(accessKeyId: string, id: string): boolean {
    return (
      this.sql.exec('DELETE FROM live_sessions WHERE access_key_id = ? AND id = ?', accessKeyId, id)
        .rowsWritten > 0
    );
  }

  count(): number {
    return this.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM live_sessions').one().n;
  }

  async alarm(): Promise<void> {
    this.sql.exec('DELETE FROM live_sessions WHERE expires_at <= ?', Date.now());
    await this.arm();
  }

  private async arm(): Promise<void> {
    const next = this.sql
      .exec<{ t: number | null }>('SELECT MIN(expires_at) AS t FROM live_sessions')
      .one().t;
    if (next === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(next);
    this.armedAt = next;
  }
}

/**
 * Objects written by earlier versions keep their sessions in a `sessions` table keyed by session id:
 * its rows move to `live_sessions` once, when the object first starts with this version.
 */
export function migrateSessionsTable(sql: SqlStorage): void {
  const old = sql
    .exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sessions'")
    .toArray();
  if (old.length === 0) return;
  sql.exec(
    'INSERT OR IGNORE INTO live_sessions (access_key_id, id, expires_at, record) SELECT access_key_id, id, expires_at, record FROM sessions',
  );
  sql.exec('DROP TABLE sessions');
}
