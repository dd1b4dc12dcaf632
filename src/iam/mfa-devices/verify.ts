import type { AccountState, MfaCheck } from '../../accounts/types.ts';
import { matchStep, timeStep, totpKey } from '../../auth/totp.ts';
import type { Env } from '../../env.ts';
import type { IamStore, MfaDeviceRecord } from '../../store/types.ts';
import { StsErrors } from '../../sts/errors.ts';
import { openSeed } from './seed.ts';
import { parseMfaSerial } from './serial.ts';

/**
 * Steps either side of the current one that a sign-in code may come from: one, so a code typed as
 * it changes still counts (RFC 6238 section 5.2 recommends at most one step of network delay).
 */
export const SIGN_IN_SKEW = 1;

/** The device a serial number names in `account`, or null. */
export async function deviceBySerial(
  store: IamStore,
  account: string,
  serialNumber: string,
): Promise<MfaDeviceRecord | null> {
  const parsed = parseMfaSerial(serialNumber);
  if (!parsed || parsed.account !== account) return null;
  const device = await store.get(account, 'mfa', parsed.name);
  return device && device.serialNumber === serialNumber ? device : null;
}

/**
 * Checks a sign-in code and spends it: the device must be enabled for the presenting user, the code
 * must be the one of the current step (within SIGN_IN_SKEW, after the device's learned drift), and
 * its step must be later than the last step accepted, so no code works twice. Runs in the account's
 * Durable Object, ordered with every write of the account.
 */
export async function checkMfaCode(input: {
  env: Env;
  store: IamStore;
  state: AccountState;
  check: MfaCheck;
}): Promise<void> {
  const { env, store, state, check } = input;
  const device = await deviceBySerial(store, check.account, check.serialNumber);
  if (!device?.user || device.user.id !== check.userId) throw StsErrors.mfaUnknownDevice();
  const counter = state.mfaCounter(device.serialNumber) ?? { lastStep: -1, drift: 0 };
  const center = timeStep(check.now) + counter.drift;
  const steps: number[] = [];
  for (let s = center - SIGN_IN_SKEW; s <= center + SIGN_IN_SKEW; s++) steps.push(s);
  const key = await totpKey(await openSeed(env.SEAL_KEY, device.serialNumber, device.sealedSeed));
  const step = await matchStep(key, check.tokenCode, steps);
  if (step === undefined || step <= counter.lastStep) throw StsErrors.mfaInvalidCode();
  state.setMfaCounter(device.serialNumber, { ...counter, lastStep: step });
}
