import type { Env } from '../env.ts';
import { ByteBoundedCache } from '../policy/byte-cache.ts';
import { objectId } from '../store/object-ids.ts';
import { MAX_AGE_MS } from '../store/record-cache.ts';
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
    const record = JSON.stringify(session);
    const stored = await this.stub(shard).put({
      accessKeyId: session.accessKeyId,
      id: session.id,
      expiresAt: session.expiresAt,
      record,
    });
    if (!stored) return null;
    // Credentials are typically used right after they are issued.
    remember(
      { shard, accessKeyId: session.accessKeyId, sessionId: session.id },
      record,
      Date.now(),
    );
    return shard;
  }

  /**
   * The session as of `now` (the Worker's clock decides expiry): active, expired or unknown. An
   * active session looked up or issued by this isolate in the last MAX_AGE_MS is answered from
   * memory (see `looked`).
   */
  async get(ref: SessionRef, now: number): Promise<SessionLookup> {
    const key = lookedKey(ref);
    const hit = looked.peek(key);
    if (hit !== undefined && now >= hit.at && now - hit.at < MAX_AGE_MS) {
      const session = JSON.parse(hit.record) as SessionRecord;
      return now < session.expiresAt ? { status: 'active', session } : { status: 'expired' };
    }
    const found = await this.stub(ref.shard).get(ref.accessKeyId, ref.sessionId, now);
    if (found.status === 'active') remember(ref, found.record, now);
    else looked.delete(key);
    return parsed(found);
  }

  /** The live session an ASIA access key id belongs to, from the shard its key names. */
  async getByAccessKey(account: string, accessKeyId: string, now: number): Promise<SessionLookup> {
    return parsed(await this.stub(shardFor(account, accessKeyId)).getByAccessKey(accessKeyId, now));
  }

  /** Deletes the session; false when it was not there. This isolate stops accepting it at once. */
  async revoke(ref: SessionRef): Promise<boolean> {
    looked.delete(lookedKey(ref));
    try {
      return await this.stub(ref.shard).revoke(ref.accessKeyId, ref.sessionId);
    } finally {
      looked.delete(lookedKey(ref));
    }
  }

  private stub(shard: string) {
    return this.namespace.get(objectId(this.namespace, shard));
  }
}

/**
 * Live sessions this isolate looked up or issued, remembered for MAX_AGE_MS, so credentials that sign
 * call after call are not looked up in their shard every time. The coherence is the IAM records'
 * (store/record-cache.ts): a revocation made through this isolate is seen by its next request (revoke
 * forgets the entry), other isolates see it within MAX_AGE_MS; expiry is checked on every hit. Kept
 * as the record's JSON text, parsed per hit, so no request sees another's changes. Bounded in bytes.
 */
const looked = new ByteBoundedCache<{ record: string; at: number }>(1024 * 1024);

function lookedKey(ref: SessionRef): string {
  return `${ref.shard}\n${ref.accessKeyId}\n${ref.sessionId}`;
}

function remember(ref: SessionRef, record: string, now: number): void {
  looked.set(lookedKey(ref), { record, at: now }, record.length * 2 + 64);
}

function parsed(found: StoredLookup): SessionLookup {
  return found.status === 'active'
    ? { status: 'active', session: JSON.parse(found.record) as SessionRecord }
    : { status: found.status };
}
