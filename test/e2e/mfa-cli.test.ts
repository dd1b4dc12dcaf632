import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_ENV, aws, run, startServer, type Server } from './server.ts';

let server: Server;
let dir: string;
beforeAll(async () => {
  server = await startServer();
  dir = await mkdtemp(join(tmpdir(), 'rolecall-mfa-'));
});
afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** The few lines of Python docs/mfa.md gives CI users: the code of the step `offset` from now. */
const TOTP_PY = String.raw`
import base64, hashlib, hmac, struct, sys, time
def totp(seed, step):
    mac = hmac.new(base64.b32decode(seed), struct.pack('>Q', step), hashlib.sha1).digest()
    o = mac[-1] & 15
    return '%06d' % ((struct.unpack('>I', mac[o:o + 4])[0] & 0x7fffffff) % 1000000)
print(totp(sys.argv[1], int(time.time()) // 30 + int(sys.argv[2])))
`;

async function code(seed: string, offset: number): Promise<string> {
  const r = await run('/usr/bin/python3', ['-c', TOTP_PY, seed, String(offset)], {});
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trim();
}

const stepNow = (): number => Math.floor(Date.now() / 30_000);

/**
 * A sign-in code once the clock has left `spent`, the step whose code enabled the device (spent
 * codes are refused). The code is the current step's: a code of a future step would be refused
 * whenever the enable call reached the server a step after its codes were computed, since the
 * server then learns that the device runs a step behind.
 */
async function signInCode(seed: string, spent: number): Promise<string> {
  while (stepNow() <= spent) await new Promise((r) => setTimeout(r, 250));
  return code(seed, 0);
}

async function ok(args: string[], env?: Record<string, string>): Promise<Record<string, unknown>> {
  const r = await aws(server, args, env);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trim() ? (JSON.parse(r.stdout) as Record<string, unknown>) : {};
}

interface Keys {
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken?: string;
}
const envOf = (k: Keys): Record<string, string> => ({
  AWS_ACCESS_KEY_ID: k.AccessKeyId,
  AWS_SECRET_ACCESS_KEY: k.SecretAccessKey,
  ...(k.SessionToken ? { AWS_SESSION_TOKEN: k.SessionToken } : {}),
});

describe('virtual MFA with the aws CLI', () => {
  it(
    'enables a device, gets an MFA session token, assumes an MFA-protected role',
    { timeout: 120_000 },
    async () => {
      await ok(['iam', 'create-user', '--user-name', 'ci-mfa']);
      await ok([
        'iam',
        'put-user-policy',
        '--user-name',
        'ci-mfa',
        '--policy-name',
        'all',
        '--policy-document',
        JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
        }),
      ]);
      const key = (await ok(['iam', 'create-access-key', '--user-name', 'ci-mfa']))
        .AccessKey as Keys;
      const seedFile = join(dir, 'seed.txt');
      const created = await ok([
        'iam',
        'create-virtual-mfa-device',
        '--virtual-mfa-device-name',
        'ci-mfa',
        '--outfile',
        seedFile,
        '--bootstrap-method',
        'Base32StringSeed',
      ]);
      const serial = (created.VirtualMFADevice as { SerialNumber: string }).SerialNumber;
      expect(serial).toBe('arn:aws:iam::123456789012:mfa/ci-mfa');
      const seed = (await readFile(seedFile, 'utf8')).trim();
      expect(seed).toMatch(/^[A-Z2-7]{64}$/);
      const png = join(dir, 'qr.png');
      await ok([
        'iam',
        'create-virtual-mfa-device',
        '--virtual-mfa-device-name',
        'ci-mfa-qr',
        '--outfile',
        png,
        '--bootstrap-method',
        'QRCodePNG',
      ]);
      expect([...(await readFile(png)).subarray(0, 4)]).toEqual([137, 80, 78, 71]);

      await ok([
        'iam',
        'enable-mfa-device',
        '--user-name',
        'ci-mfa',
        '--serial-number',
        serial,
        '--authentication-code1',
        await code(seed, -1),
        '--authentication-code2',
        await code(seed, 0),
      ]);
      const enabledStep = stepNow();
      const listed = await ok(['iam', 'list-mfa-devices', '--user-name', 'ci-mfa']);
      expect((listed.MFADevices as { SerialNumber: string }[])[0]!.SerialNumber).toBe(serial);

      const wrong = await aws(
        server,
        ['sts', 'get-session-token', '--serial-number', serial, '--token-code', '000000'],
        envOf(key),
      );
      expect(wrong.code).not.toBe(0);
      expect(wrong.stderr).toContain('(AccessDenied)');

      const sessionCode = await signInCode(seed, enabledStep);
      const session = (
        await ok(
          ['sts', 'get-session-token', '--serial-number', serial, '--token-code', sessionCode],
          envOf(key),
        )
      ).Credentials as Keys;
      // GetSessionToken credentials reach IAM only with MFA; these do.
      await ok(['iam', 'get-user', '--user-name', 'ci-mfa'], envOf(session));

      const trust = JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: 'arn:aws:iam::123456789012:user/ci-mfa' },
            Action: 'sts:AssumeRole',
            Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
          },
        ],
      });
      await ok([
        'iam',
        'create-role',
        '--role-name',
        'ci-mfa-admin',
        '--assume-role-policy-document',
        trust,
      ]);
      const roleArn = 'arn:aws:iam::123456789012:role/ci-mfa-admin';
      const without = await aws(
        server,
        ['sts', 'assume-role', '--role-arn', roleArn, '--role-session-name', 'ci'],
        envOf(key),
      );
      expect(without.code).not.toBe(0);
      expect(without.stderr).toContain('(AccessDenied)');
      // The code get-session-token spent cannot be used again.
      const spent = await aws(
        server,
        [
          'sts',
          'assume-role',
          '--role-arn',
          roleArn,
          '--role-session-name',
          'ci',
          '--serial-number',
          serial,
          '--token-code',
          sessionCode,
        ],
        envOf(key),
      );
      expect(spent.stderr).toContain('invalid MFA one time pass code');
      // With the MFA session, no new code is needed.
      const assumed = await ok(
        ['sts', 'assume-role', '--role-arn', roleArn, '--role-session-name', 'ci'],
        envOf(session),
      );
      expect((assumed.AssumedRoleUser as { Arn: string }).Arn).toBe(
        'arn:aws:sts::123456789012:assumed-role/ci-mfa-admin/ci',
      );
    },
  );

  it(
    'assumes an MFA-protected role with a code given to assume-role',
    { timeout: 120_000 },
    async () => {
      const created = await ok([
        'iam',
        'create-virtual-mfa-device',
        '--virtual-mfa-device-name',
        'admin-mfa',
        '--outfile',
        join(dir, 'admin.txt'),
        '--bootstrap-method',
        'Base32StringSeed',
      ]);
      const serial = (created.VirtualMFADevice as { SerialNumber: string }).SerialNumber;
      const seed = (await readFile(join(dir, 'admin.txt'), 'utf8')).trim();
      await ok([
        'iam',
        'enable-mfa-device',
        '--user-name',
        'admin',
        '--serial-number',
        serial,
        '--authentication-code1',
        await code(seed, -1),
        '--authentication-code2',
        await code(seed, 0),
      ]);
      const enabledStep = stepNow();
      const trust = JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: 'arn:aws:iam::123456789012:root' },
            Action: 'sts:AssumeRole',
            Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
          },
        ],
      });
      await ok([
        'iam',
        'create-role',
        '--role-name',
        'mfa-only',
        '--assume-role-policy-document',
        trust,
      ]);
      const args = ['sts', 'assume-role', '--role-arn', 'arn:aws:iam::123456789012:role/mfa-only'];
      const denied = await aws(server, [...args, '--role-session-name', 'a'.repeat(2)], ADMIN_ENV);
      expect(denied.stderr).toContain('(AccessDenied)');
      await ok([
        ...args,
        '--role-session-name',
        'with-mfa',
        '--serial-number',
        serial,
        '--token-code',
        await signInCode(seed, enabledStep),
      ]);
    },
  );
});
