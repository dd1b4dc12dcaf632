import { Errors } from '../../protocol/errors.ts';
import { isoSeconds, type XmlObject } from '../../protocol/xml.ts';
import type { MfaDeviceRecord, UserRecord } from '../../store/types.ts';
import { IamErrors } from '../common/errors.ts';

/** "IAM and AWS STS quotas": MFA devices in use per user. */
export const MFA_DEVICES_PER_USER = 8;

/** IAM's answers for virtual MFA devices (IAM API Reference, each action's Errors). */
export const MfaErrors = {
  noSuchDevice: (serialNumber: string) =>
    Errors.noSuchEntity(`VirtualMFADevice with serial number ${serialNumber} doesn't exist.`),
  deviceExists: () =>
    Errors.entityAlreadyExists('MFADevice entity at the same path and name already exists.'),
  deviceInUse: () => Errors.entityAlreadyExists('MFA Device is already in use.'),
  stillEnabled: () =>
    Errors.deleteConflict('Cannot delete entity, must deactivate MFA device first.'),
  userHasDevices: () =>
    Errors.deleteConflict('Cannot delete entity, must delete MFA device first.'),
  invalidCode: () => IamErrors.invalidAuthenticationCode(),
};

/** The MFADevice data type (ListMFADevices). */
export function mfaDeviceXml(device: MfaDeviceRecord): XmlObject {
  return {
    UserName: device.user?.name,
    SerialNumber: device.serialNumber,
    EnableDate: device.enableDate === undefined ? undefined : isoSeconds(device.enableDate),
  };
}

/** The VirtualMFADevice data type as ListVirtualMFADevices returns it (no seed, no QR code). */
export function virtualMfaDeviceXml(device: MfaDeviceRecord, user: UserRecord | null): XmlObject {
  return {
    SerialNumber: device.serialNumber,
    User: user
      ? {
          Path: user.path,
          UserName: user.name,
          UserId: user.id,
          Arn: user.arn,
          CreateDate: isoSeconds(user.createDate),
        }
      : undefined,
    EnableDate: device.enableDate === undefined ? undefined : isoSeconds(device.enableDate),
    Tags:
      device.tags.length > 0 ? device.tags.map((t) => ({ Key: t.Key, Value: t.Value })) : undefined,
  };
}
