import { AccountClient } from '../accounts/client.ts';
import type { Caller } from '../caller/types.ts';
import type { Env } from '../env.ts';
import { StsErrors } from './errors.ts';

/**
 * Checks the SerialNumber/TokenCode pair of GetSessionToken or AssumeRole: the device must be a
 * virtual MFA device enabled for the calling IAM user, and the code its current one, not used
 * before. The check runs in the account's Durable Object, which records the step it spends.
 */
export async function verifyMfa(
  env: Env,
  caller: Caller,
  input: { serialNumber: string; tokenCode: string; userId: string; now: number },
): Promise<void> {
  // Role sessions have no devices; the user behind a GetSessionToken session does.
  const isUser = caller.kind === 'User' && input.userId !== '';
  if (!isUser) throw StsErrors.mfaUnknownDevice();
  await AccountClient.of(env, caller.account).verifyMfa({ account: caller.account, ...input });
}
