import type { AccountState, MfaCounter } from '../../accounts/types.ts';
import { matchStep, timeStep, totpKey } from '../../auth/totp.ts';
import { openSeed } from './seed.ts';
import { MfaErrors } from './record.ts';

/**
 * How far (in 30-second steps, either way) EnableMFADevice and ResyncMFADevice look for two
 * consecutive codes: 10 minutes, so a device whose clock drifted can be resynchronized ("Resynchronize
 * virtual and hardware MFA devices", IAM User Guide). Two consecutive 6-digit codes leave a guess
 * about one chance in 2.5 million per window position.
 */
export const SYNC_WINDOW = 20;

/**
 * Finds the step s within SYNC_WINDOW of now where `code1` is the code of s and `code2` of s + 1,
 * and records s + 1 as spent and the device's drift, so sign-ins look around the device's own clock.
 * Steps at or before the last one spent do not count. Throws InvalidAuthenticationCode otherwise.
 */
export async function syncCodes(input: {
  sealKey: string;
  serialNumber: string;
  sealedSeed: string;
  codes: [string, string];
  now: number;
  state: AccountState;
  counter?: MfaCounter;
}): Promise<void> {
  const { serialNumber, codes, state } = input;
  const key = await totpKey(await openSeed(input.sealKey, serialNumber, input.sealedSeed));
  const now = timeStep(input.now);
  const lastStep = input.counter?.lastStep ?? -1;
  const candidates: number[] = [];
  for (let s = now - SYNC_WINDOW; s <= now + SYNC_WINDOW; s++) if (s > lastStep) candidates.push(s);
  // Every candidate is tried, so the time taken does not depend on which one matched.
  let found: number | undefined;
  for (const s of candidates) {
    const first = await matchStep(key, codes[0], [s]);
    const second = await matchStep(key, codes[1], [s + 1]);
    if (first !== undefined && second !== undefined && found === undefined) found = s;
  }
  if (found === undefined) throw MfaErrors.invalidCode();
  state.setMfaCounter(serialNumber, { lastStep: found + 1, drift: found + 1 - now });
}
