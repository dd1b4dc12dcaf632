import type { Env } from '../env.ts';
import { objectId } from '../store/object-ids.ts';
import { shardFor } from './shard.ts';
import type { SessionLookup, SessionRecord, StoredLookup } from './types.ts';

/** Where a session lives: the shard (Durable Object name), its access key id and its id, as the session token carries them. */
export interface SessionRef {
  shard: string;
  accessKeyId: string;
  sessionId: string;
}

/**
 * The one way to reach live sessions, as IamStore is for KV: callers name a session by its token's
 * claims and never build a Durable Object stub themselves. Each call is one request to one shard.
 */
export class SessionsClient {
  constructor(private readonly namespace: Env['SESSIONS']) {}

  /**
   * Stores a new session in its shard and returns the shard, which the session token must name; null
   * when a live session of the account already has this access key id (nothing is stored: draw
   * another). The shard follows the access key id, so a session can also be found from its key alone
   * (getByAccessKey, for AuthZEN subjects of type access_key).
   */
  async put(session: SessionRecord): Promise<string | null> {
    const shard = shardFor(session.account, session.accessKeyId);
    const stored = await this.stub(shard).put({
      accessKeyId: session.accessKeyId,
      id: session.id,
      expiresAt: session.expiresAt,
      record: JSON.stringify(session),
    });
    return stored ? shard : null;
  }

  /** The session as of `now` (the Worker's clock decides expiry): active, expired or unknown. */
  async get(ref: SessionRef, now: number): Promise<SessionLookup> {
    return parsed(await this.stub(ref.shard).get(ref.accessKeyId, ref.sessionId, now));
  }

  /** The live session an ASIA access key id belongs to, from the shard its key names. */
  async getByAccessKey(account: string, accessKeyId: string, now: number): Promise<SessionLookup> {
    return parsed(await this.stub(shardFor(account, accessKeyId)).getByAccessKey(accessKeyId, now));
  }

  /** Deletes the session; false when it was not there. */
  revoke(ref: SessionRef): Promise<boolean> {
    return this.stub(ref.shard).revoke(ref.accessKeyId, ref.sessionId);
  }

  private stub(shard: string) {
    return this.namespace.get(objectId(this.namespace, shard));
  }
}

function parsed(found: StoredLookup): SessionLookup {
  return found.status === 'active'
    ? { status: 'active', session: JSON.parse(found.record) as SessionRecord }
    : { status: found.status };
}
