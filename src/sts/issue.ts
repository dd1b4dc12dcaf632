import {
  ACCESS_KEY_RANDOM_BYTES,
  newAccessKeyId,
  newSecretAccessKey,
  SECRET_RANDOM_BYTES,
} from '../auth/keys.ts';
import { SEAL_RANDOM_BYTES, sealSecret } from '../auth/seal.ts';
import { issueSessionToken, TOKEN_RANDOM_BYTES } from '../auth/token.ts';
import { deriveKeys } from '../auth/secret-keys.ts';
import { SANDBOX_SESSION_MS } from '../demo/lifetime.ts';
import type { Env } from '../env.ts';
import { Errors } from '../protocol/errors.ts';
import { KvIamStore } from '../store/kv.ts';
import { isoSeconds } from '../protocol/xml.ts';
import { SessionsClient } from '../sessions/client.ts';
import { isolateShard, keyInShard } from '../sessions/shard.ts';
import type { SessionRecord } from '../sessions/types.ts';

const RANDOM_BYTES =
  ACCESS_KEY_RANDOM_BYTES + SECRET_RANDOM_BYTES + SEAL_RANDOM_BYTES + TOKEN_RANDOM_BYTES;

export type SessionDraft = Omit<SessionRecord, 'id' | 'accessKeyId' | 'sealedSecret'>;

export interface IssuedCredentials {
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  Expiration: string;
}

/**
 * Mints temporary credentials for a session: a fresh ASIA key id carrying the account, a secret that
 * is sealed before it reaches the Durable Object, and a MAC'd token naming the object's shard.
 * The plaintext secret leaves only in this one response.
 */
export async function issueSession(env: Env, requested: SessionDraft): Promise<IssuedCredentials> {
  const draft = await capForSandbox(env, requested);
  const keys = await deriveKeys(env.SEAL_KEY);
  const sessions = new SessionsClient(env.SESSIONS);
  // An access key id is 16 characters of which at least 34 bits are random: two live sessions of
  // one account may, very rarely, draw the same. The store refuses the second, which draws again.
  for (let attempt = 1; ; attempt++) {
    const id = crypto.randomUUID();
    // One draw from the CSPRNG for the key id, the secret, the seal's IV and the token's padding.
    const random = crypto.getRandomValues(new Uint8Array(RANDOM_BYTES));
    let at = 0;
    const take = (n: number) => random.subarray(at, (at += n));
    // Drawn for this isolate's shard, where sessions issued at the same time share a commit.
    const accessKeyId = keyInShard(
      newAccessKeyId('ASIA', draft.account, take(ACCESS_KEY_RANDOM_BYTES)),
      isolateShard(),
    );
    const secret = newSecretAccessKey(take(SECRET_RANDOM_BYTES));
    const session: SessionRecord = {
      ...draft,
      id,
      accessKeyId,
      sealedSecret: await sealSecret(keys.seal, secret, accessKeyId, take(SEAL_RANDOM_BYTES)),
    };
    const shard = await sessions.put(session);
    if (shard === null) {
      if (attempt < MAX_KEY_DRAWS) continue;
      throw Errors.internalFailure();
    }
    const token = await issueSessionToken(
      keys.mac,
      { shard, sessionId: id, accessKeyId, expiresAt: draft.expiresAt },
      take(TOKEN_RANDOM_BYTES),
    );
    return {
      AccessKeyId: accessKeyId,
      SecretAccessKey: secret,
      SessionToken: token,
      Expiration: isoSeconds(draft.expiresAt),
    };
  }
}

/** Draws of a new access key id before giving up (each clash is at most one in 2^34 per live session). */
const MAX_KEY_DRAWS = 4;

/**
 * Sessions of a demo sandbox (docs/demo.md) end within 1 hour and never outlive the sandbox; the
 * Expiration returned says so. Accounts that do not expire keep the duration asked for.
 */
async function capForSandbox(env: Env, draft: SessionDraft): Promise<SessionDraft> {
  const sandboxEnds = await new KvIamStore(env.IAM).expiresAt(draft.account);
  if (sandboxEnds === null) return draft;
  const cap = Math.min(draft.issuedAt + SANDBOX_SESSION_MS, sandboxEnds);
  return draft.expiresAt <= cap ? draft : { ...draft, expiresAt: cap };
}
