import { describe, expect, it } from 'vitest';
import { base32Decode, hotp, timeStep, totpKey } from '../../../src/auth/totp.ts';
import { call } from '../../helpers/worker.ts';
import {
  ACCOUNT,
  doc,
  fails,
  iam,
  ok,
  stsSession,
  unique,
  userWithKey,
  xmlAll,
  xmlText,
} from '../helpers.ts';

const ALLOW_ALL = doc({ Effect: 'Allow', Action: '*', Resource: '*' });

/** A code of the device `offset` steps from now, as an authenticator app would show it. */
async function code(seed: string, offset = 0): Promise<string> {
  return hotp(await totpKey(base32Decode(seed)!), timeStep(Date.now()) + offset);
}

async function newDevice(name = unique('mfa')): Promise<{ serial: string; seed: string }> {
  const body = await ok({ Action: 'CreateVirtualMFADevice', VirtualMFADeviceName: name });
  return { serial: xmlText(body, 'SerialNumber')!, seed: atob(xmlText(body, 'Base32StringSeed')!) };
}

/** A user with an access key and an enabled virtual device. */
async function userWithDevice() {
  const user = await userWithKey(ALLOW_ALL);
  const device = await newDevice();
  await ok({
    Action: 'EnableMFADevice',
    UserName: user.userName,
    SerialNumber: device.serial,
    AuthenticationCode1: await code(device.seed, -1),
    AuthenticationCode2: await code(device.seed, 0),
  });
  return { user, ...device };
}

describe('CreateVirtualMFADevice', { timeout: 30_000 }, () => {
  it('answers the serial number (the device ARN), a base32 seed and a QR code PNG', async () => {
    const name = unique('dev');
    const body = await ok({
      Action: 'CreateVirtualMFADevice',
      VirtualMFADeviceName: name,
      Path: '/ci/',
    });
    expect(xmlText(body, 'SerialNumber')).toBe(`arn:aws:iam::${ACCOUNT}:mfa/ci/${name}`);
    const seed = atob(xmlText(body, 'Base32StringSeed')!);
    expect(seed).toMatch(/^[A-Z2-7]{64}$/);
    const png = Uint8Array.from(atob(xmlText(body, 'QRCodePNG')!), (c) => c.charCodeAt(0));
    expect([...png.slice(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    const ihdr = new DataView(png.buffer, 8);
    expect(String.fromCharCode(...png.slice(12, 16))).toBe('IHDR');
    expect(ihdr.getUint32(8)).toBe(ihdr.getUint32(12));
    expect(ihdr.getUint32(8)).toBeGreaterThan(100);
  });

  it('refuses a second device of the same name', async () => {
    const name = unique('dup');
    await ok({ Action: 'CreateVirtualMFADevice', VirtualMFADeviceName: name });
    await fails(
      { Action: 'CreateVirtualMFADevice', VirtualMFADeviceName: name },
      409,
      'EntityAlreadyExists',
    );
  });

  it('validates the name as the model does', async () => {
    const a = await fails(
      { Action: 'CreateVirtualMFADevice', VirtualMFADeviceName: 'bad name' },
      400,
      'ValidationError',
    );
    expect(a.message).toContain("at 'virtualMFADeviceName'");
  });
});

describe('EnableMFADevice', { timeout: 30_000 }, () => {
  it('needs two consecutive codes of the device', async () => {
    const user = await userWithKey(ALLOW_ALL);
    const device = await newDevice();
    const enable = (c1: string, c2: string) => ({
      Action: 'EnableMFADevice',
      UserName: user.userName,
      SerialNumber: device.serial,
      AuthenticationCode1: c1,
      AuthenticationCode2: c2,
    });
    const c0 = await code(device.seed, 0);
    const c1 = await code(device.seed, 1);
    const wrong = c0 === '000000' ? '111111' : '000000';
    const denied = await fails(enable(c0, wrong), 403, 'InvalidAuthenticationCode');
    expect(denied.message).toBe('Authentication code for device is not valid.');
    await fails(enable(c1, c0), 403, 'InvalidAuthenticationCode');
    await ok(enable(c0, c1));
    const listed = await ok({ Action: 'ListMFADevices', UserName: user.userName });
    expect(xmlAll(listed, 'SerialNumber')).toEqual([device.serial]);
    expect(xmlText(listed, 'UserName')).toBe(user.userName);
    await fails(enable(c0, c1), 409, 'EntityAlreadyExists');
  });

  it('answers NoSuchEntity for a device that does not exist', async () => {
    const user = await userWithKey(ALLOW_ALL);
    const serial = `arn:aws:iam::${ACCOUNT}:mfa/${unique('none')}`;
    const a = await fails(
      {
        Action: 'EnableMFADevice',
        UserName: user.userName,
        SerialNumber: serial,
        AuthenticationCode1: '123456',
        AuthenticationCode2: '654321',
      },
      404,
      'NoSuchEntity',
    );
    expect(a.message).toBe(`VirtualMFADevice with serial number ${serial} doesn't exist.`);
  });
});

describe('GetSessionToken with MFA', { timeout: 30_000 }, () => {
  it('issues an MFA session for a current code, once per code', async () => {
    const { user, serial, seed } = await userWithDevice();
    const next = await code(seed, 1);
    const params = { Action: 'GetSessionToken', SerialNumber: serial, TokenCode: next };
    const session = await stsSession(params, user);
    // A GetSessionToken session may call IAM only with MFA (STS API Reference, GetSessionToken).
    const got = await iam({ Action: 'GetUser', UserName: user.userName }, session);
    expect(got.status, got.body).toBe(200);
    const replay = await call(params, user);
    expect({ status: replay.status, code: replay.code, message: replay.message }).toEqual({
      status: 403,
      code: 'AccessDenied',
      message: 'MultiFactorAuthentication failed with invalid MFA one time pass code.',
    });
  });

  it('refuses a wrong code and an older code than one already used', async () => {
    const { user, serial, seed } = await userWithDevice();
    const current = await code(seed, 0);
    const wrong = String((Number(current) + 1) % 1_000_000).padStart(6, '0');
    const bad = await call(
      { Action: 'GetSessionToken', SerialNumber: serial, TokenCode: wrong },
      user,
    );
    expect(bad.message).toBe(
      'MultiFactorAuthentication failed with invalid MFA one time pass code.',
    );
    // Enabling spent the codes up to now: the code of the step before is stale.
    const stale = await call(
      { Action: 'GetSessionToken', SerialNumber: serial, TokenCode: await code(seed, -1) },
      user,
    );
    expect(stale.code).toBe('AccessDenied');
  });

  it('refuses a device that is not the caller’s', async () => {
    const { serial, seed } = await userWithDevice();
    const other = await userWithKey(ALLOW_ALL);
    const a = await call(
      { Action: 'GetSessionToken', SerialNumber: serial, TokenCode: await code(seed, 1) },
      other,
    );
    expect({ status: a.status, code: a.code, message: a.message }).toEqual({
      status: 403,
      code: 'AccessDenied',
      message:
        'MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.',
    });
  });

  it('refuses everything once the device is deactivated', async () => {
    const { user, serial, seed } = await userWithDevice();
    await ok({ Action: 'DeactivateMFADevice', UserName: user.userName, SerialNumber: serial });
    const a = await call(
      { Action: 'GetSessionToken', SerialNumber: serial, TokenCode: await code(seed, 1) },
      user,
    );
    expect(a.message).toContain('unable to validate MFA code');
    expect(
      xmlAll(await ok({ Action: 'ListMFADevices', UserName: user.userName }), 'SerialNumber'),
    ).toEqual([]);
  });
});

describe('AssumeRole of an MFA-protected role', { timeout: 30_000 }, () => {
  it('needs a valid code; aws:MultiFactorAuthPresent and aws:MultiFactorAuthAge are set', async () => {
    const { user, serial, seed } = await userWithDevice();
    const role = unique('mfa-role');
    const trust = doc({
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
      Action: 'sts:AssumeRole',
      Condition: {
        Bool: { 'aws:MultiFactorAuthPresent': 'true' },
        NumericLessThan: { 'aws:MultiFactorAuthAge': '300' },
      },
    });
    await ok({ Action: 'CreateRole', RoleName: role, AssumeRolePolicyDocument: trust });
    const assume = (extra: Record<string, string>) =>
      call(
        {
          Action: 'AssumeRole',
          RoleArn: `arn:aws:iam::${ACCOUNT}:role/${role}`,
          RoleSessionName: 'ss',
          ...extra,
        },
        user,
      );
    expect((await assume({})).code).toBe('AccessDenied');
    expect((await assume({ SerialNumber: serial, TokenCode: '000000' })).code).toBe('AccessDenied');
    const good = await assume({ SerialNumber: serial, TokenCode: await code(seed, 1) });
    expect(good.status, good.body).toBe(200);
    // An MFA session from GetSessionToken carries MFA into AssumeRole without a new code.
    const second = await userWithDevice();
    const mfaSession = await stsSession(
      {
        Action: 'GetSessionToken',
        SerialNumber: second.serial,
        TokenCode: await code(second.seed, 1),
      },
      second.user,
    );
    const chained = await call(
      {
        Action: 'AssumeRole',
        RoleArn: `arn:aws:iam::${ACCOUNT}:role/${role}`,
        RoleSessionName: 'ss',
      },
      mfaSession,
    );
    expect(chained.status, chained.body).toBe(200);
  });
});

describe(
  'ResyncMFADevice, DeleteVirtualMFADevice, ListVirtualMFADevices',
  { timeout: 30_000 },
  () => {
    it('resyncs a device whose clock runs 5 minutes ahead', async () => {
      const { user, serial, seed } = await userWithDevice();
      const ahead = 10; // steps
      // Far ahead codes are outside the sign-in skew...
      const far = await call(
        { Action: 'GetSessionToken', SerialNumber: serial, TokenCode: await code(seed, ahead + 2) },
        user,
      );
      expect(far.code).toBe('AccessDenied');
      await ok({
        Action: 'ResyncMFADevice',
        UserName: user.userName,
        SerialNumber: serial,
        AuthenticationCode1: await code(seed, ahead),
        AuthenticationCode2: await code(seed, ahead + 1),
      });
      // ...and after a resync they are the device's current ones.
      await stsSession(
        { Action: 'GetSessionToken', SerialNumber: serial, TokenCode: await code(seed, ahead + 2) },
        user,
      );
    });

    it('deletes only an unassigned device; a user with a device cannot be deleted', async () => {
      const { user, serial } = await userWithDevice();
      const del = await fails(
        { Action: 'DeleteVirtualMFADevice', SerialNumber: serial },
        409,
        'DeleteConflict',
      );
      expect(del.message).toContain('MFA device');
      await ok({ Action: 'DeleteUserPolicy', UserName: user.userName, PolicyName: 'p' });
      await ok({
        Action: 'DeleteAccessKey',
        UserName: user.userName,
        AccessKeyId: user.accessKeyId,
      });
      await fails({ Action: 'DeleteUser', UserName: user.userName }, 409, 'DeleteConflict');
      await ok({ Action: 'DeactivateMFADevice', UserName: user.userName, SerialNumber: serial });
      await ok({ Action: 'DeleteVirtualMFADevice', SerialNumber: serial });
      await ok({ Action: 'DeleteUser', UserName: user.userName });
      await fails({ Action: 'DeleteVirtualMFADevice', SerialNumber: serial }, 404, 'NoSuchEntity');
    });

    it('lists devices by assignment status, with the user of assigned ones', async () => {
      const { user, serial } = await userWithDevice();
      const free = await newDevice();
      const assigned = await ok({
        Action: 'ListVirtualMFADevices',
        AssignmentStatus: 'Assigned',
        MaxItems: '1000',
      });
      expect(xmlAll(assigned, 'SerialNumber')).toContain(serial);
      expect(xmlAll(assigned, 'SerialNumber')).not.toContain(free.serial);
      expect(xmlAll(assigned, 'UserName')).toContain(user.userName);
      const unassigned = await ok({
        Action: 'ListVirtualMFADevices',
        AssignmentStatus: 'Unassigned',
        MaxItems: '1000',
      });
      expect(xmlAll(unassigned, 'SerialNumber')).toContain(free.serial);
      expect(xmlAll(unassigned, 'SerialNumber')).not.toContain(serial);
      expect(xmlAll(unassigned, 'Base32StringSeed')).toEqual([]);
      await fails(
        { Action: 'ListVirtualMFADevices', AssignmentStatus: 'Some' },
        400,
        'ValidationError',
      );
    });
  },
);
