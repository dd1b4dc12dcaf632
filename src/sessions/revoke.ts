import { openSessionToken } from '../auth/token.ts';
import { deriveKeys } from '../auth/secret-keys.ts';
import type { Env } from '../env.ts';
import { Errors } from '../protocol/errors.ts';
import { SessionsClient } from './client.ts';

/** Revokes one session outright: its credentials stop authenticating (InvalidClientTokenId). */
export async function revokeSession(env: Env, sessionToken: string): Promise<boolean> {
  const keys = await deriveKeys(env.SEAL_KEY);
  const claims = await openSessionToken(keys.mac, sessionToken);
  if (!claims) throw Errors.invalidClientTokenId();
  return new SessionsClient(env.SESSIONS).revoke(claims);
}
