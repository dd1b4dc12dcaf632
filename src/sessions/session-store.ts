import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../env.ts';
import type { SessionLookup, SessionRecord } from './types.ts';

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
    this.sql.exec(`CREATE TABLE IF NOT EXISTS sessions (
      id TEXT PRIMARY KEY,
      access_key_id TEXT NOT NULL,
      source_arn TEXT NOT NULL,
      issued_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL,
      record TEXT NOT NULL
    )`);
    this.sql.exec('CREATE INDEX IF NOT EXISTS sessions_expiry ON sessions (expires_at)');
    this.sql.exec('CREATE INDEX IF NOT EXISTS sessions_key ON sessions (access_key_id)');
  }

  async put(session: SessionRecord): Promise<void> {
    this.sql.exec(
      'INSERT OR REPLACE INTO sessions (id, access_key_id, source_arn, issued_at, expires_at, record) VALUES (?, ?, ?, ?, ?, ?)',
      session.id,
      session.accessKeyId,
      session.sourceArn,
      session.issuedAt,
      session.expiresAt,
      JSON.stringify(session),
    );
    // The alarm only moves earlier: a later expiry is found when the alarm runs, so most puts
    // write the row alone (one storage commit, not a row and an alarm).
    if (this.armedAt === undefined) this.armedAt = await this.ctx.storage.getAlarm();
    if (this.armedAt === null || session.expiresAt < this.armedAt) {
      await this.ctx.storage.setAlarm(session.expiresAt);
      this.armedAt = session.expiresAt;
    }
  }

  /** `now` comes from the caller so the Worker's clock is the one that decides. */
  get(id: string, now: number): SessionLookup {
    const row = this.sql
      .exec<{ expires_at: number; record: string }>(
        'SELECT expires_at, record FROM sessions WHERE id = ?',
        id,
      )
      .toArray()[0];
    if (!row) return { status: 'unknown' };
    if (now >= row.expires_at) return { status: 'expired' };
    return { status: 'active', session: JSON.parse(row.record) as SessionRecord };
  }

  /**
   * The session with this access key id (AuthZEN subjects name a session by its key alone). Only
   * sessions whose shard was chosen by the key (shardFor(account, accessKeyId)) are found by it.
   */
  getByAccessKey(accessKeyId: string, now: number): SessionLookup {
    const row = this.sql
      .exec<{ id: string }>('SELECT id FROM sessions WHERE access_key_id = ? LIMIT 1', accessKeyId)
      .toArray()[0];
    return row ? this.get(row.id, now) : { status: 'unknown' };
  }

  revoke(id: string): boolean {
    return this.sql.exec('DELETE FROM sessions WHERE id = ?', id).rowsWritten > 0;
  }

  count(): number {
    return this.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM sessions').one().n;
  }

  async alarm(): Promise<void> {
    this.sql.exec('DELETE FROM sessions WHERE expires_at <= ?', Date.now());
    await this.arm();
  }

  private async arm(): Promise<void> {
    const next = this.sql
      .exec<{ t: number | null }>('SELECT MIN(expires_at) AS t FROM sessions')
      .one().t;
    if (next === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(next);
    this.armedAt = next;
  }
}
