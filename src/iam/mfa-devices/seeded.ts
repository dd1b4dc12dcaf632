import { base32Decode } from '../../auth/totp.ts';
import type { Env } from '../../env.ts';
import { Constraints } from '../../protocol/constraints.ts';
import type { IamStore, MfaDeviceRecord, UserRecord } from '../../store/types.ts';
import { checkName, checkPath } from '../common/constraints.ts';
import { IamErrors } from '../common/errors.ts';
import { MfaErrors } from './record.ts';
import { openSeed, sealSeed } from './seed.ts';
import { mfaSerialNumber } from './serial.ts';
import { deviceBySerial } from './verify.ts';

/** A virtual MFA device a seed file declares for a user, with a seed CI knows (docs/mfa.md). */
export interface SeededMfaDevice {
  name: string;
  path?: string;
  seed: string;
}

/** "The length of the shared secret MUST be at least 128 bits" (RFC 4226 section 4, R6). */
const MIN_SEED_BYTES = 16;

/** Checks declared devices before anything is written: names, seeds, and no other user's device. */
export async function checkSeededMfaDevices(
  store: IamStore,
  account: string,
  userName: string,
  devices: SeededMfaDevice[],
): Promise<void> {
  const v = new Constraints();
  devices.forEach((d, i) => {
    checkName(v, `mfaDevices.${i + 1}.name`, d.name, 226);
    checkPath(v, `mfaDevices.${i + 1}.path`, d.path);
  });
  v.check();
  for (const d of devices) {
    const seed = base32Decode(d.seed);
    if (!seed || seed.length < MIN_SEED_BYTES)
      throw IamErrors.invalidInput(
        `The seed of MFA device ${d.name} must be base32 of at least ${MIN_SEED_BYTES} bytes.`,
      );
    const existing = await store.get(account, 'mfa', d.name);
    if (existing?.user && existing.user.name.toLowerCase() !== userName.toLowerCase())
      throw MfaErrors.deviceInUse();
  }
}

/**
 * Writes the declared devices, enabled for `user`, and adds them to the user's devices. A device
 * whose seed and user are unchanged is left as it is (its counters in the account object too).
 */
export async function seededMfaDevices(input: {
  env: Env;
  store: IamStore;
  account: string;
  user: UserRecord;
  devices: SeededMfaDevice[];
  now: number;
}): Promise<{ created: number; updated: number; unchanged: number }> {
  const { env, store, account, user, now } = input;
  const out = { created: 0, updated: 0, unchanged: 0 };
  const serials = [...(user.mfaDevices ?? [])];
  for (const d of input.devices) {
    const path = d.path ?? '/';
    const serialNumber = mfaSerialNumber(account, path, d.name);
    const seed = d.seed.replace(/[\s=]/g, '').toUpperCase();
    const existing = await deviceBySerial(store, account, serialNumber);
    const sameSeed =
      existing !== null &&
      (await openSeed(env.SEAL_KEY, serialNumber, existing.sealedSeed).then(
        (bytes) => bytes.join() === base32Decode(seed)!.join(),
        () => false,
      ));
    const record: MfaDeviceRecord = {
      name: d.name,
      path,
      serialNumber,
      sealedSeed:
        sameSeed && existing
          ? existing.sealedSeed
          : await sealSeed(env.SEAL_KEY, serialNumber, seed),
      createDate: existing?.createDate ?? now,
      user: { name: user.name, id: user.id },
      enableDate: existing?.user?.id === user.id ? (existing.enableDate ?? now) : now,
      tags: existing?.tags ?? [],
    };
    if (sameSeed && existing?.user?.id === user.id) out.unchanged++;
    else {
      if (existing) out.updated++;
      else out.created++;
      await store.put(account, 'mfa', d.name, record);
    }
    if (!serials.includes(serialNumber)) serials.push(serialNumber);
  }
  if (serials.length !== (user.mfaDevices ?? []).length)
    await store.put(account, 'user', user.name, { ...user, mfaDevices: serials });
  return out;
}
