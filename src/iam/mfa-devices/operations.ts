import type { AccountState, MfaCounter } from '../../accounts/types.ts';
import type { Caller } from '../../caller/types.ts';
import type { OperationContext } from '../../operation.ts';
import type { ContextValue } from '../../policy/index.ts';
import { toBase64 } from '../../auth/encoding.ts';
import { Constraints } from '../../protocol/constraints.ts';
import type { XmlObject } from '../../protocol/xml.ts';
import type { MfaDeviceRecord, UserRecord } from '../../store/types.ts';
import { authorizeCreate, authorizeIam } from '../common/authorize.ts';
import { checkEnum, checkName, checkPath } from '../common/constraints.ts';
import {
  authorizedIdentity,
  readIdentityName,
  userNameOrCaller,
} from '../identities/authorized-identity.ts';
import { IamErrors } from '../common/errors.ts';
import { pageFields, paginate, readPaging } from '../common/paging.ts';
import { putIdentity } from '../identities/record.ts';
import {
  addTags,
  checkTagKeys,
  checkTags,
  readTagKeysToRemove,
  readTags,
  readTagsToAdd,
  removeTags,
  requestTagContext,
  tagsPage,
} from '../common/tags.ts';
import { syncCodes } from './code-pair.ts';
import { qrPng } from './qr-png.ts';
import { MFA_DEVICES_PER_USER, MfaErrors, mfaDeviceXml, virtualMfaDeviceXml } from './record.ts';
import { newSeed, sealSeed } from './seed.ts';
import { mfaSerialNumber } from './serial.ts';
import { deviceBySerial } from './verify.ts';

const SERIAL = { re: /^[\w+=/:,.@-]+$/, shown: '[\\w+=/:,.@-]+' };

type Run = (ctx: OperationContext, caller: Caller) => Promise<XmlObject | undefined>;

/** The account object's state: every MFA write runs there (src/accounts), never at the edge. */
function accountState(ctx: OperationContext): AccountState {
  if (!ctx.account) throw new Error('MFA device writes run in the account object');
  return ctx.account;
}

function readSerial(ctx: OperationContext, v: Constraints): string {
  const serial = ctx.params.require('SerialNumber');
  // serialNumberType: 9-256 characters of [\w+=/:,.@-].
  v.length('serialNumber', serial, 9, 256).pattern('serialNumber', serial, SERIAL.re, SERIAL.shown);
  return serial;
}

function readCodes(ctx: OperationContext, v: Constraints): [string, string] {
  const codes: [string, string] = [
    ctx.params.require('AuthenticationCode1'),
    ctx.params.require('AuthenticationCode2'),
  ];
  codes.forEach((c, i) =>
    v
      .length(`authenticationCode${i + 1}`, c, 6, 6)
      .pattern(`authenticationCode${i + 1}`, c, /^[\d]+$/, '[\\d]+'),
  );
  return codes;
}

/** The user, serial number and two codes of EnableMFADevice and ResyncMFADevice, the user authorized for `action`. */
async function readCodePair(
  ctx: OperationContext,
  caller: Caller,
  action: string,
): Promise<{ user: UserRecord; serialNumber: string; codes: [string, string] }> {
  const v = new Constraints();
  const userName = readIdentityName(ctx, 'user', v, { existing: true });
  const serialNumber = readSerial(ctx, v);
  const codes = readCodes(ctx, v);
  v.check();
  const user = await authorizedIdentity(ctx, caller, 'user', userName, action);
  return { user, serialNumber, codes };
}

/** Checks two consecutive codes of the device (syncCodes) against this account's MFA counters. */
function syncDeviceCodes(
  ctx: OperationContext,
  input: {
    serialNumber: string;
    sealedSeed: string;
    codes: [string, string];
    counter?: MfaCounter;
  },
): Promise<void> {
  return syncCodes({
    ...input,
    sealKey: ctx.env.SEAL_KEY,
    now: ctx.info.now,
    state: accountState(ctx),
  });
}

const deviceContext = (device: MfaDeviceRecord | null): Record<string, ContextValue> =>
  Object.fromEntries((device?.tags ?? []).map((t) => [`aws:ResourceTag/${t.Key}`, t.Value]));

/** Reads the device a serial number names and authorizes `action` on it (authorization first). */
async function authorizedDevice(
  ctx: OperationContext,
  caller: Caller,
  serialNumber: string,
  action: string,
  context: Record<string, ContextValue> = {},
): Promise<MfaDeviceRecord> {
  const device = await deviceBySerial(ctx.store, caller.account, serialNumber);
  await authorizeIam(ctx, caller, action, serialNumber, { ...deviceContext(device), ...context });
  if (!device) throw MfaErrors.noSuchDevice(serialNumber);
  return device;
}

/**
 * CreateVirtualMFADevice: a new device with a fresh seed, returned once as Base32StringSeed and as a
 * QR code of `otpauth://totp/NAME@ACCOUNT?secret=SEED` (IAM API Reference, VirtualMFADevice: the
 * account name is the account id until a user is set). Both are blobs, base64 on the wire.
 */
const createVirtualMFADevice: Run = async (ctx, caller) => {
  const v = new Constraints();
  const name = ctx.params.require('VirtualMFADeviceName');
  const path = ctx.params.get('Path');
  const tags = readTags(ctx.params);
  checkName(v, 'virtualMFADeviceName', name, 226);
  checkPath(v, 'path', path);
  checkTags(v, tags);
  v.check();
  const account = caller.account;
  const serialNumber = mfaSerialNumber(account, path ?? '/', name);
  await authorizeCreate(
    ctx,
    caller,
    { create: 'iam:CreateVirtualMFADevice', tag: 'iam:TagMFADevice' },
    serialNumber,
    { tags },
  );
  checkTagKeys(tags);
  if (await ctx.store.get(account, 'mfa', name)) throw MfaErrors.deviceExists();
  const seed = newSeed();
  const record: MfaDeviceRecord = {
    name,
    path: path ?? '/',
    serialNumber,
    sealedSeed: await sealSeed(ctx.env.SEAL_KEY, serialNumber, seed),
    createDate: ctx.info.now,
    tags,
  };
  await ctx.store.put(account, 'mfa', name, record);
  accountState(ctx).clearMfaCounter(serialNumber);
  const uri = `otpauth://totp/${encodeURIComponent(name)}@${account}?secret=${seed}`;
  return {
    VirtualMFADevice: {
      SerialNumber: serialNumber,
      Base32StringSeed: btoa(seed),
      QRCodePNG: toBase64(await qrPng(uri)),
      Tags: tags.length > 0 ? tags.map((t) => ({ Key: t.Key, Value: t.Value })) : undefined,
    },
  };
};

/**
 * EnableMFADevice: two consecutive codes prove the user holds the seed; the device is then the
 * user's (at most MFA_DEVICES_PER_USER of them) and its codes sign in from the next step on.
 */
const enableMFADevice: Run = async (ctx, caller) => {
  const { user, serialNumber, codes } = await readCodePair(ctx, caller, 'iam:EnableMFADevice');
  const device = await deviceBySerial(ctx.store, caller.account, serialNumber);
  if (!device) throw MfaErrors.noSuchDevice(serialNumber);
  if (device.user) throw MfaErrors.deviceInUse();
  const enabled = user.mfaDevices ?? [];
  if (enabled.length >= MFA_DEVICES_PER_USER)
    throw IamErrors.quota('MFADevicesPerUser', MFA_DEVICES_PER_USER);
  await syncDeviceCodes(ctx, { serialNumber, sealedSeed: device.sealedSeed, codes });
  await ctx.store.put(caller.account, 'mfa', device.name, {
    ...device,
    user: { name: user.name, id: user.id },
    enableDate: ctx.info.now,
  });
  await putIdentity(ctx.store, caller.account, 'user', {
    ...user,
    mfaDevices: [...enabled, serialNumber],
  });
  return undefined;
};

/** The device enabled for this user under this serial number, or NoSuchEntity. */
async function enabledDevice(
  ctx: OperationContext,
  caller: Caller,
  user: UserRecord,
  serialNumber: string,
): Promise<MfaDeviceRecord> {
  const device = await deviceBySerial(ctx.store, caller.account, serialNumber);
  if (!device || device.user?.id !== user.id) throw MfaErrors.noSuchDevice(serialNumber);
  return device;
}

/** DeactivateMFADevice: the device leaves the user and can be enabled again (for anyone). */
const deactivateMFADevice: Run = async (ctx, caller) => {
  const v = new Constraints();
  const userName = readIdentityName(ctx, 'user', v, { existing: true });
  const serialNumber = readSerial(ctx, v);
  v.check();
  const user = await authorizedIdentity(ctx, caller, 'user', userName, 'iam:DeactivateMFADevice');
  const device = await enabledDevice(ctx, caller, user, serialNumber);
  const { user: _u, enableDate: _d, ...unassigned } = device;
  await ctx.store.put(caller.account, 'mfa', device.name, unassigned);
  await putIdentity(ctx.store, caller.account, 'user', {
    ...user,
    mfaDevices: (user.mfaDevices ?? []).filter((s) => s !== serialNumber),
  });
  accountState(ctx).clearMfaCounter(serialNumber);
  return undefined;
};

/** ResyncMFADevice: two consecutive codes, anywhere in the sync window, reset the device's drift. */
const resyncMFADevice: Run = async (ctx, caller) => {
  const { user, serialNumber, codes } = await readCodePair(ctx, caller, 'iam:ResyncMFADevice');
  const device = await enabledDevice(ctx, caller, user, serialNumber);
  await syncDeviceCodes(ctx, {
    serialNumber,
    sealedSeed: device.sealedSeed,
    codes,
    counter: accountState(ctx).mfaCounter(serialNumber),
  });
  return undefined;
};

/** DeleteVirtualMFADevice: only a device no user has enabled (DeleteConflict otherwise). */
const deleteVirtualMFADevice: Run = async (ctx, caller) => {
  const v = new Constraints();
  const serialNumber = readSerial(ctx, v);
  v.check();
  const device = await authorizedDevice(ctx, caller, serialNumber, 'iam:DeleteVirtualMFADevice');
  if (device.user) throw MfaErrors.stillEnabled();
  await ctx.store.delete(caller.account, 'mfa', device.name);
  accountState(ctx).clearMfaCounter(serialNumber);
  return undefined;
};

/** ListMFADevices: the user's enabled devices (the caller's own without UserName). */
const listMFADevices: Run = async (ctx, caller) => {
  const v = new Constraints();
  const userName = userNameOrCaller(ctx, caller, v);
  const paging = readPaging(ctx.params, v);
  v.check();
  const user = await authorizedIdentity(ctx, caller, 'user', userName, 'iam:ListMFADevices');
  const devices: MfaDeviceRecord[] = [];
  for (const serial of user.mfaDevices ?? []) {
    const device = await deviceBySerial(ctx.store, caller.account, serial);
    if (device?.user?.id === user.id)
      devices.push({ ...device, user: { ...device.user, name: user.name } });
  }
  const page = paginate(devices, (d) => d.serialNumber, paging);
  return { MFADevices: page.items.map(mfaDeviceXml), ...pageFields(page) };
};

/**
 * ListVirtualMFADevices: every virtual device of the account, filtered by AssignmentStatus
 * (Assigned, Unassigned, Any; default Any). The action has no resource type, so it is authorized
 * on `*` (Service Authorization Reference).
 */
const listVirtualMFADevices: Run = async (ctx, caller) => {
  const v = new Constraints();
  const status = ctx.params.get('AssignmentStatus');
  checkEnum(v, 'assignmentStatus', status, ['Assigned', 'Unassigned', 'Any']);
  const paging = readPaging(ctx.params, v);
  v.check();
  await authorizeIam(ctx, caller, 'iam:ListVirtualMFADevices', '*');
  const all: MfaDeviceRecord[] = [];
  let marker: string | undefined;
  do {
    const page = await ctx.store.list(caller.account, 'mfa', { marker, maxItems: 1000 });
    all.push(...page.items);
    marker = page.marker;
  } while (marker);
  const wanted = all.filter(
    (d) =>
      status === undefined ||
      status === 'Any' ||
      (status === 'Assigned') === (d.user !== undefined),
  );
  const page = paginate(wanted, (d) => d.serialNumber, paging);
  const items: XmlObject[] = [];
  for (const d of page.items) {
    const user = d.user ? await ctx.store.get(caller.account, 'user', d.user.name) : null;
    items.push(virtualMfaDeviceXml(d, user?.id === d.user?.id ? user : null));
  }
  return { VirtualMFADevices: items, ...pageFields(page) };
};

const tagMFADevice: Run = async (ctx, caller) => {
  const v = new Constraints();
  const serialNumber = readSerial(ctx, v);
  const tags = readTagsToAdd(ctx.params, v);
  v.check();
  const device = await authorizedDevice(
    ctx,
    caller,
    serialNumber,
    'iam:TagMFADevice',
    requestTagContext(tags),
  );
  const merged = addTags(device.tags, tags, 'TagsPerMFADevice');
  await ctx.store.put(caller.account, 'mfa', device.name, { ...device, tags: merged });
  return undefined;
};

const untagMFADevice: Run = async (ctx, caller) => {
  const v = new Constraints();
  const serialNumber = readSerial(ctx, v);
  const keys = readTagKeysToRemove(ctx.params, v);
  v.check();
  const device = await authorizedDevice(ctx, caller, serialNumber, 'iam:UntagMFADevice', {
    'aws:TagKeys': keys,
  });
  await ctx.store.put(caller.account, 'mfa', device.name, {
    ...device,
    tags: removeTags(device.tags, keys),
  });
  return undefined;
};

const listMFADeviceTags: Run = async (ctx, caller) => {
  const v = new Constraints();
  const serialNumber = readSerial(ctx, v);
  const paging = readPaging(ctx.params, v);
  v.check();
  const device = await authorizedDevice(ctx, caller, serialNumber, 'iam:ListMFADeviceTags');
  return tagsPage(device.tags, paging);
};

/** Virtual MFA devices (IAM API Reference). */
export const mfaDeviceOperations: Record<string, Run> = {
  CreateVirtualMFADevice: createVirtualMFADevice,
  EnableMFADevice: enableMFADevice,
  DeactivateMFADevice: deactivateMFADevice,
  ResyncMFADevice: resyncMFADevice,
  DeleteVirtualMFADevice: deleteVirtualMFADevice,
  ListMFADevices: listMFADevices,
  ListVirtualMFADevices: listVirtualMFADevices,
  TagMFADevice: tagMFADevice,
  UntagMFADevice: untagMFADevice,
  ListMFADeviceTags: listMFADeviceTags,
};
