import type { Env } from '../env.ts';
import { SessionsClient } from '../sessions/client.ts';
import type { SessionLookup } from '../sessions/types.ts';

/** The live session an ASIA access key id belongs to, from the shard its key names. */
export function findSessionByAccessKey(
  env: Env,
  account: string,
  accessKeyId: string,
  now: number,
): Promise<SessionLookup> {
  return new SessionsClient(env.SESSIONS).getByAccessKey(account, accessKeyId, now);
}
