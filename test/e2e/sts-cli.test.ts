import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_ENV, aws, startServer, type Server } from './server.ts';

let server: Server;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

const role = (name: string) => `arn:aws:iam::123456789012:role/${name}`;

interface StsCredentials {
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  Expiration: string;
}

function sessionEnv(c: StsCredentials): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: c.AccessKeyId,
    AWS_SECRET_ACCESS_KEY: c.SecretAccessKey,
    AWS_SESSION_TOKEN: c.SessionToken,
  };
}

describe('aws sts (Debian awscli v2)', () => {
  it('get-caller-identity as the demo admin', async () => {
    const r = await aws(server, ['sts', 'get-caller-identity']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { Arn: string; Account: string; UserId: string };
    expect(out.Arn).toBe('arn:aws:iam::123456789012:user/admin');
    expect(out.Account).toBe('123456789012');
  });

  it('assume-role, then get-caller-identity with the session credentials', async () => {
    const r = await aws(server, [
      'sts',
      'assume-role',
      '--role-arn',
      role('demo-readonly'),
      '--role-session-name',
      'cli-session',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      Credentials: StsCredentials;
      AssumedRoleUser: { Arn: string; AssumedRoleId: string };
    };
    expect(out.Credentials.AccessKeyId).toMatch(/^ASIA/);
    expect(out.AssumedRoleUser.Arn).toBe(
      'arn:aws:sts::123456789012:assumed-role/demo-readonly/cli-session',
    );
    const me = await aws(server, ['sts', 'get-caller-identity'], sessionEnv(out.Credentials));
    expect(me.code, me.stderr).toBe(0);
    expect(JSON.parse(me.stdout).Arn).toBe(
      'arn:aws:sts::123456789012:assumed-role/demo-readonly/cli-session',
    );
  });

  it('role chaining with the CLI, and the one-hour chaining cap', async () => {
    const first = JSON.parse(
      (
        await aws(server, [
          'sts',
          'assume-role',
          '--role-arn',
          role('demo-readonly'),
          '--role-session-name',
          'hop1',
        ])
      ).stdout,
    ) as { Credentials: StsCredentials };
    const second = await aws(
      server,
      ['sts', 'assume-role', '--role-arn', role('auditor'), '--role-session-name', 'hop2'],
      sessionEnv(first.Credentials),
    );
    expect(second.code, second.stderr).toBe(0);
    const capped = await aws(
      server,
      [
        'sts',
        'assume-role',
        '--role-arn',
        role('auditor'),
        '--role-session-name',
        'hop2',
        '--duration-seconds',
        '7200',
      ],
      sessionEnv(first.Credentials),
    );
    expect(capped.code).not.toBe(0);
    expect(capped.stderr).toContain('(ValidationError)');
    expect(capped.stderr).toContain(
      'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    );
  });

  it.each([
    [
      'a role that does not exist',
      ['--role-arn', role('nope'), '--role-session-name', 's1'],
      '(AccessDenied)',
    ],
    [
      'an untrusted caller',
      ['--role-arn', role('ec2-ssm-instance-role'), '--role-session-name', 's1'],
      '(AccessDenied)',
    ],
    [
      'a bad session name',
      ['--role-arn', role('demo-readonly'), '--role-session-name', 'bad/name'],
      '(ValidationError)',
    ],
    [
      'a duration over the role maximum',
      [
        '--role-arn',
        role('demo-readonly'),
        '--role-session-name',
        's1',
        '--duration-seconds',
        '7200',
      ],
      'MaxSessionDuration',
    ],
    [
      'a malformed session policy',
      [
        '--role-arn',
        role('demo-readonly'),
        '--role-session-name',
        's1',
        '--policy',
        '{"Version":"2012-10-17"',
      ],
      '(MalformedPolicyDocument)',
    ],
  ])('assume-role fails for %s', async (_, args, expected) => {
    const r = await aws(server, ['sts', 'assume-role', ...args]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(expected);
  });

  it('AccessDenied names the caller and the role', async () => {
    const r = await aws(server, [
      'sts',
      'assume-role',
      '--role-arn',
      role('nope'),
      '--role-session-name',
      's1',
    ]);
    expect(r.stderr).toContain(
      `User: arn:aws:iam::123456789012:user/admin is not authorized to perform: sts:AssumeRole on resource: ${role('nope')}`,
    );
  });

  it('a wrong secret is SignatureDoesNotMatch, an unknown key InvalidClientTokenId', async () => {
    const wrong = await aws(server, ['sts', 'get-caller-identity'], {
      ...ADMIN_ENV,
      AWS_SECRET_ACCESS_KEY: 'x'.repeat(40),
    });
    expect(wrong.stderr).toContain('(SignatureDoesNotMatch)');
    const unknown = await aws(server, ['sts', 'get-caller-identity'], {
      AWS_ACCESS_KEY_ID: 'AKIAZZZZZZZZZZZZZZZZ',
      AWS_SECRET_ACCESS_KEY: 'x'.repeat(40),
    });
    expect(unknown.stderr).toContain('(InvalidClientTokenId)');
  });

  it('a tampered session token is InvalidClientTokenId', async () => {
    const out = JSON.parse(
      (
        await aws(server, [
          'sts',
          'assume-role',
          '--role-arn',
          role('demo-readonly'),
          '--role-session-name',
          'tamper',
        ])
      ).stdout,
    ) as { Credentials: StsCredentials };
    const token = out.Credentials.SessionToken;
    const bad = {
      ...out.Credentials,
      SessionToken: token.slice(0, 30) + (token[30] === 'x' ? 'y' : 'x') + token.slice(31),
    };
    const r = await aws(server, ['sts', 'get-caller-identity'], sessionEnv(bad));
    expect(r.stderr).toContain('(InvalidClientTokenId)');
  });

  it('get-session-token credentials sign the next call as the user, and get-access-key-info', async () => {
    const t = await aws(server, ['sts', 'get-session-token', '--duration-seconds', '900']);
    expect(t.code, t.stderr).toBe(0);
    const creds = JSON.parse(t.stdout).Credentials as StsCredentials;
    expect(creds.AccessKeyId).toMatch(/^ASIA/);
    const me = await aws(server, ['sts', 'get-caller-identity'], sessionEnv(creds));
    expect(me.code, me.stderr).toBe(0);
    expect(JSON.parse(me.stdout).Arn).toBe('arn:aws:iam::123456789012:user/admin');
    const info = await aws(server, [
      'sts',
      'get-access-key-info',
      '--access-key-id',
      creds.AccessKeyId,
    ]);
    expect(JSON.parse(info.stdout).Account).toBe('123456789012');
  });

  it('session tags and external id with the CLI', async () => {
    const r = await aws(server, [
      'sts',
      'assume-role',
      '--role-arn',
      role('ci-deployer'),
      '--role-session-name',
      'deploy',
      '--external-id',
      'rolecall-demo',
      '--tags',
      'Key=project,Value=apollo',
      '--duration-seconds',
      '43200',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).PackedPolicySize).toBeGreaterThan(0);
  });
});
