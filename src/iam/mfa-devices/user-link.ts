import type { IamStore, UserRecord } from '../../store/types.ts';
import { deviceBySerial } from './verify.ts';

/** After UpdateUser renames a user, its devices name it by its new name (they match it by id). */
export async function renameMfaDeviceUser(
  store: IamStore,
  account: string,
  user: UserRecord,
): Promise<void> {
  for (const serial of user.mfaDevices ?? []) {
    const device = await deviceBySerial(store, account, serial);
    if (device?.user?.id === user.id && device.user.name !== user.name)
      await store.put(account, 'mfa', device.name, {
        ...device,
        user: { ...device.user, name: user.name },
      });
  }
}
