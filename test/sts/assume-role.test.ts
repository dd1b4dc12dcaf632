import { describe, expect, it } from 'vitest';
import { xmlText } from '../helpers/aws.ts';
import { assumeRole, call, role } from './helpers.ts';

describe('AssumeRole: success as AWS forms it', () => {
  it('issues ASIA credentials, the assumed-role ARN without the path, and RoleId:session', async () => {
    const before = Date.now();
    const creds = await assumeRole({
      RoleArn: role('demo-readonly'),
      RoleSessionName: 'alice-session',
    });
    const xml = creds.answer.body;
    expect(xml).toContain('<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">');
    expect(creds.accessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(creds.secretAccessKey).toHaveLength(40);
    expect(creds.sessionToken?.length).toBeGreaterThan(100);
    expect(xmlText(xml, 'Arn')).toBe(
      'arn:aws:sts::123456789012:assumed-role/demo-readonly/alice-session',
    );
    expect(xmlText(xml, 'AssumedRoleId')).toMatch(/^AROA[A-Z0-9]{17}:alice-session$/);
    const after = Date.now();
    // One hour from when the call was answered (whole seconds), however long the call took.
    const expiration = Date.parse(xmlText(xml, 'Expiration')!);
    expect(expiration - before).toBeGreaterThanOrEqual(3600_000 - 1000);
    expect(expiration - after).toBeLessThanOrEqual(3600_000);
    expect(xml).not.toContain('PackedPolicySize');
  });

  it('the session credentials authenticate GetCallerIdentity as the assumed role', async () => {
    const creds = await assumeRole({ RoleArn: role('demo-readonly'), RoleSessionName: 'who-am-i' });
    const me = await call({ Action: 'GetCallerIdentity' }, creds);
    expect(me.status, me.body).toBe(200);
    expect(xmlText(me.body, 'Arn')).toBe(
      'arn:aws:sts::123456789012:assumed-role/demo-readonly/who-am-i',
    );
    expect(xmlText(me.body, 'UserId')).toMatch(/^AROA[A-Z0-9]{17}:who-am-i$/);
    expect(xmlText(me.body, 'Account')).toBe('123456789012');
  });

  it('honours DurationSeconds up to the role MaxSessionDuration', async () => {
    const creds = await assumeRole({
      RoleArn: role('ci-deployer'),
      RoleSessionName: 'deploy',
      ExternalId: 'rolecall-demo',
      DurationSeconds: '43200',
    });
    const expiration = Date.parse(xmlText(creds.answer.body, 'Expiration')!);
    expect(expiration - Date.now()).toBeGreaterThan(43100_000);
  });
});

describe('AssumeRole: denials as AWS words them', () => {
  it.each([
    ['a role that does not exist', role('no-such-role'), {}],
    ['a role whose trust policy names only a service', role('ec2-ssm-instance-role'), {}],
    [
      'a trust condition on sts:ExternalId that is not met',
      role('ci-deployer'),
      { ExternalId: 'wrong-id' },
    ],
    ['a trust condition on sts:ExternalId without one', role('ci-deployer'), {}],
    [
      'a role ARN with the wrong path',
      'arn:aws:iam::123456789012:role/some/path/demo-readonly',
      {},
    ],
    ['a role in another account', 'arn:aws:iam::210987654321:role/demo-readonly', {}],
  ])('AccessDenied for %s', async (_, arn, extra) => {
    const res = await call({ Action: 'AssumeRole', RoleArn: arn, RoleSessionName: 's1', ...extra });
    expect(res.status).toBe(403);
    expect(res.code).toBe('AccessDenied');
    expect(res.message).toBe(
      `User: arn:aws:iam::123456789012:user/admin is not authorized to perform: sts:AssumeRole on resource: ${arn}`,
    );
  });
});

describe('AssumeRole: parameter validation', () => {
  const base = { Action: 'AssumeRole', RoleArn: role('demo-readonly'), RoleSessionName: 'valid' };
  it.each([
    [
      { RoleSessionName: 'x/y' },
      "1 validation error detected: Value 'x/y' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
    ],
    [
      { RoleSessionName: 'x' },
      "1 validation error detected: Value 'x' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2",
    ],
    [
      { RoleSessionName: 'a'.repeat(65) },
      `1 validation error detected: Value '${'a'.repeat(65)}' at 'roleSessionName' failed to satisfy constraint: Member must have length less than or equal to 64`,
    ],
    [
      { DurationSeconds: '899' },
      "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
    ],
    [
      { DurationSeconds: '43201' },
      "1 validation error detected: Value '43201' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200",
    ],
    [
      { DurationSeconds: '7200' },
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    ],
    [
      { ExternalId: 'a' },
      "1 validation error detected: Value 'a' at 'externalId' failed to satisfy constraint: Member must have length greater than or equal to 2",
    ],
    [
      { TokenCode: '12345a', SerialNumber: 'arn:aws:iam::123456789012:mfa/admin' },
      "1 validation error detected: Value '12345a' at 'tokenCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\d]*",
    ],
    [
      { RoleArn: 'short' },
      "1 validation error detected: Value 'short' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20",
    ],
  ])('%o -> ValidationError', async (override, message) => {
    const res = await call({ ...base, ...override });
    expect(res.status, res.body).toBe(400);
    expect(res.code).toBe('ValidationError');
    expect(res.message).toBe(message);
  });

  it('reports every violation at once', async () => {
    const res = await call({ ...base, RoleSessionName: 'x', DurationSeconds: '10' });
    expect(res.message).toMatch(/^2 validation errors detected: /);
  });

  it('a missing RoleSessionName is a ValidationError, not a 500', async () => {
    const res = await call({ Action: 'AssumeRole', RoleArn: role('demo-readonly') });
    expect(res.status).toBe(400);
    expect(res.code).toBe('ValidationError');
  });

  it('missing members are reported with the other violations, in member order', async () => {
    const none = await call({ Action: 'AssumeRole' });
    expect(none.message).toBe(
      "2 validation errors detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null; " +
        "Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null",
    );
    const mixed = await call({ Action: 'AssumeRole', RoleSessionName: 'x' });
    expect(mixed.message).toBe(
      "2 validation errors detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null; " +
        "Value 'x' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2",
    );
    const web = await call({ Action: 'AssumeRoleWithWebIdentity', RoleSessionName: 'web' });
    expect(web.message).toBe(
      "2 validation errors detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null; " +
        "Value null at 'webIdentityToken' failed to satisfy constraint: Member must not be null",
    );
  });

  it('a non-numeric DurationSeconds is a ValidationError', async () => {
    const res = await call({ ...base, DurationSeconds: 'ten' });
    expect(res.status).toBe(400);
    expect(res.code).toBe('ValidationError');
  });
});

describe('AssumeRole: session policies', () => {
  it('reports PackedPolicySize for a session policy', async () => {
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
    });
    const creds = await assumeRole({
      RoleArn: role('demo-readonly'),
      RoleSessionName: 'scoped',
      Policy: policy,
    });
    const size = Number(xmlText(creds.answer.body, 'PackedPolicySize'));
    expect(size).toBeGreaterThan(0);
    expect(size).toBeLessThan(100);
  });

  it.each([
    [
      'an inline Policy',
      {
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
        }),
      },
    ],
    ['PolicyArns', { 'PolicyArns.member.1.arn': 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' }],
  ])('a session policy given as %s restricts the calls made with the session', async (_, extra) => {
    // demo-readonly has ReadOnlyAccess, which allows iam:ListRoles; the session policy does not.
    const listRoles = { Action: 'ListRoles', Version: '2010-05-08' };
    const plain = await assumeRole({ RoleArn: role('demo-readonly'), RoleSessionName: 'plain' });
    expect((await call(listRoles, plain, { service: 'iam' })).status).toBe(200);
    const scoped = await assumeRole({
      RoleArn: role('demo-readonly'),
      RoleSessionName: 'scoped',
      ...extra,
    });
    const denied = await call(listRoles, scoped, { service: 'iam' });
    expect(denied.status).toBe(403);
    expect(denied.code).toBe('AccessDenied');
    expect(denied.message).toContain('iam:ListRoles');
  });

  it.each([
    ['not JSON', '{"Version": '],
    [
      'a Principal in a session policy',
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*' }],
      }),
    ],
  ])('MalformedPolicyDocument for %s', async (_, policy) => {
    const res = await call({
      Action: 'AssumeRole',
      RoleArn: role('demo-readonly'),
      RoleSessionName: 'ss',
      Policy: policy,
    });
    expect(res.status).toBe(400);
    expect(res.code).toBe('MalformedPolicyDocument');
  });

  it('rejects a session policy over 2048 characters', async () => {
    const statements = Array.from({ length: 40 }, (_, i) => ({
      Effect: 'Allow',
      Action: `s3:GetObject${i}`,
      Resource: `arn:aws:s3:::bucket-${i}/*`,
    }));
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: statements });
    expect(policy.length).toBeGreaterThan(2048);
    const res = await call({
      Action: 'AssumeRole',
      RoleArn: role('demo-readonly'),
      RoleSessionName: 'ss',
      Policy: policy,
    });
    expect(res.status).toBe(400);
    expect(res.code).toBe('ValidationError');
  });

  it('accepts managed policy ARNs and refuses unknown ones', async () => {
    await assumeRole({
      RoleArn: role('demo-readonly'),
      RoleSessionName: 'managed',
      'PolicyArns.member.1.arn': 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
    });
    const res = await call({
      Action: 'AssumeRole',
      RoleArn: role('demo-readonly'),
      RoleSessionName: 'managed',
      'PolicyArns.member.1.arn': 'arn:aws:iam::123456789012:policy/does-not-exist',
    });
    expect(res.status).toBe(400);
  });
});
