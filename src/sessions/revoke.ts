import { openSessionToken } from '../auth/token.ts';
import { deriveKeys } from '../auth/secret-keys.ts';
import type { Env } from '../env.ts';
import { AwsError, Errors } from '../protocol/errors.ts';
import { isoSeconds } from '../protocol/xml.ts';
import { parseRoleArn } from '../sts/arns.ts';
import type { IamStore } from '../store/types.ts';

/** The inline policy name and shape the IAM console writes for "Revoke active sessions". */
export const REVOKE_POLICY_NAME = 'AWSRevokeOlderSessions';

export function revokeOlderSessionsPolicy(before: number): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Deny',
        Action: ['*'],
        Resource: ['*'],
        Condition: { DateLessThan: { 'aws:TokenIssueTime': isoSeconds(before) } },
      },
    ],
  });
}

/**
 * Revokes every session of a role issued before `before`, the way AWS does ("Revoking IAM role
 * temporary security credentials"): an inline Deny on aws:TokenIssueTime. Older sessions still
 * authenticate (GetCallerIdentity answers) but every authorized action is denied.
 */
export async function revokeRoleSessions(
  store: IamStore,
  roleArn: string,
  before: number,
): Promise<void> {
  const parsed = parseRoleArn(roleArn);
  const role = parsed ? await store.get(parsed.account, 'role', parsed.name) : null;
  if (!parsed || !role || role.arn !== roleArn) {
    throw Errors.noSuchEntity(`The role with name ${parsed?.name ?? roleArn} cannot be found.`);
  }
  await store.put(parsed.account, 'role', role.name, {
    ...role,
    inlinePolicies: {
      ...role.inlinePolicies,
      [REVOKE_POLICY_NAME]: revokeOlderSessionsPolicy(before),
    },
    version: role.version + 1,
  });
}

/** Revokes one session outright: its credentials stop authenticating (InvalidClientTokenId). */
export async function revokeSession(env: Env, sessionToken: string): Promise<boolean> {
  const keys = await deriveKeys(env.SEAL_KEY);
  const claims = await openSessionToken(keys.mac, sessionToken);
  if (!claims)
    throw new AwsError(
      'InvalidClientTokenId',
      'The security token included in the request is invalid.',
      400,
    );
  return env.SESSIONS.get(env.SESSIONS.idFromName(claims.shard)).revoke(claims.sessionId);
}
