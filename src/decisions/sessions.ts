import type { Env } from '../env.ts';
import { shardFor } from '../sessions/shard.ts';
import type { SessionLookup } from '../sessions/types.ts';

/** The live session an ASIA access key id belongs to, from the shard its key names. */
export function findSessionByAccessKey(
  env: Env,
  account: string,
  accessKeyId: string,
  now: number,
): Promise<SessionLookup> {
  const stub = env.SESSIONS.get(env.SESSIONS.idFromName(shardFor(account, accessKeyId)));
  return stub.getByAccessKey(accessKeyId, now);
}
