import { isoSeconds } from '../../protocol/xml.ts';
import { parseRoleArn } from '../../sts/arns.ts';
import type { IamStore } from '../../store/types.ts';
import { putIdentity } from '../identities/record.ts';
import { IamErrors } from '../common/errors.ts';

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

/** The account a role ARN names (whose object runs the revocation); NoSuchEntity for a non-role ARN. */
export function roleAccount(roleArn: string): string {
  const parsed = parseRoleArn(roleArn);
  if (!parsed) throw IamErrors.noSuchRole(roleArn);
  return parsed.account;
}

/**
 * Revokes every session of a role issued before `before`, the way AWS does ("Revoking IAM role
 * temporary security credentials"): an inline Deny on aws:TokenIssueTime, written to the role.
 * Older sessions still authenticate (GetCallerIdentity answers) but every authorized action is denied.
 */
export async function revokeRoleSessions(
  store: IamStore,
  roleArn: string,
  before: number,
): Promise<void> {
  const parsed = parseRoleArn(roleArn);
  const role = parsed ? await store.get(parsed.account, 'role', parsed.name) : null;
  if (!parsed || !role || role.arn !== roleArn) {
    throw IamErrors.noSuchRole(parsed?.name ?? roleArn);
  }
  role.inlinePolicies = {
    ...role.inlinePolicies,
    [REVOKE_POLICY_NAME]: revokeOlderSessionsPolicy(before),
  };
  await putIdentity(store, parsed.account, 'role', role);
}
