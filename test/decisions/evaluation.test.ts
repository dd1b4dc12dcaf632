import { beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT, doc, ok, unique, userWithKey } from '../iam/helpers.ts';
import { evaluation, evaluations, s3, user, seedDemo } from './helpers.ts';

beforeAll(seedDemo, 60_000);

const READ_REPORTS = doc([
  {
    Sid: 'ReadReports',
    Effect: 'Allow',
    Action: 's3:GetObject',
    Resource: 'arn:aws:s3:::reports/*',
  },
  { Sid: 'NoSecrets', Effect: 'Deny', Action: 's3:*', Resource: 'arn:aws:s3:::reports/secret/*' },
]);

describe('POST /access/v1/evaluation: user subjects by ARN', () => {
  it('answers allowed, explicitDeny and implicitDeny with the statements that applied', async () => {
    const alice = await userWithKey(READ_REPORTS);
    const subject = user(ACCOUNT, alice.userName);
    const cases: Array<[string, string, boolean, string]> = [
      ['s3:GetObject', 'reports/q3.csv', true, 'allowed'],
      ['s3:GetObject', 'reports/secret/keys.txt', false, 'explicitDeny'],
      ['s3:PutObject', 'reports/q3.csv', false, 'implicitDeny'],
    ];
    for (const [action, key, decision, reason] of cases) {
      const a = await evaluation({ subject, action: { name: action }, resource: s3(key) });
      expect(a.status, JSON.stringify(a.body)).toBe(200);
      expect(a.body.decision).toBe(decision);
      expect(a.body.context?.reason).toBe(reason);
      expect(a.body.context?.trace).toBeUndefined();
    }
    const a = await evaluation({
      subject,
      action: { name: 's3:GetObject' },
      resource: s3('reports/q3.csv'),
    });
    expect(a.body.context?.matchedStatements).toEqual([
      {
        policy: 'identity[0]',
        statement: 0,
        sid: 'ReadReports',
        effect: 'Allow',
        source: `arn:aws:iam::${ACCOUNT}:user/${alice.userName} inline policy p`,
      },
    ]);
  });

  it('an unknown user is decision false with context.error 404', async () => {
    const a = await evaluation({
      subject: user(ACCOUNT, unique('ghost')),
      action: { name: 's3:GetObject' },
      resource: s3('reports/q3.csv'),
    });
    expect(a.status).toBe(200);
    expect(a.body.decision).toBe(false);
    expect(a.body.context?.error?.status).toBe(404);
    expect(a.body.context?.error?.message).toMatch(/cannot be found/);
  });

  it('sees an IAM change at the next decision (compiled sets are keyed by entity versions)', async () => {
    const bob = await userWithKey(READ_REPORTS);
    const body = {
      subject: user(ACCOUNT, bob.userName),
      action: { name: 's3:PutObject' },
      resource: s3('reports/q3.csv'),
    };
    expect((await evaluation(body)).body.decision).toBe(false);
    await ok({
      Action: 'PutUserPolicy',
      UserName: bob.userName,
      PolicyName: 'write',
      PolicyDocument: doc([{ Effect: 'Allow', Action: 's3:PutObject', Resource: '*' }]),
    });
    expect((await evaluation(body)).body.decision).toBe(true);
    await ok({ Action: 'DeleteUserPolicy', UserName: bob.userName, PolicyName: 'write' });
    expect((await evaluation(body)).body.decision).toBe(false);
  });

  it('returns the trace on request', async () => {
    const carol = await userWithKey(READ_REPORTS);
    const a = await evaluations({
      subject: user(ACCOUNT, carol.userName),
      action: { name: 's3:GetObject' },
      resource: s3('reports/q3.csv'),
      options: { trace: true },
    });
    expect(a.status, JSON.stringify(a.body)).toBe(200);
    const trace = a.body.context?.trace;
    expect(trace?.decision).toBe('allowed');
    expect(trace?.policies.map((p) => p.label)).toEqual(['identity[0]']);
    expect(trace?.policies[0]?.statements.map((s) => s.applies)).toEqual([true, false]);
    expect(trace?.policies[0]?.statements[1]?.notApplied).toBe('resource');
  });
});

describe('subject and action properties', () => {
  const FROM_OFFICE = doc([
    {
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: '*',
      Condition: { IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '2001:db8::/32'] } },
    },
  ]);
  const ask = (subject: object, extra: object = {}) =>
    evaluation({
      subject,
      action: { name: 's3:GetObject' },
      resource: s3('reports/q3.csv'),
      ...extra,
    });

  it('subject.properties.ip_address is aws:SourceIp; a context aws:SourceIp wins', async () => {
    const dana = await userWithKey(FROM_OFFICE);
    const subject = (ip?: string) => ({
      ...user(ACCOUNT, dana.userName),
      ...(ip === undefined ? {} : { properties: { ip_address: ip } }),
    });
    const cases: Array<[object, boolean]> = [
      [subject('203.0.113.9'), true],
      [subject('2001:db8::7'), true],
      [subject('198.51.100.1'), false],
    ];
    for (const [s, decision] of cases) {
      const a = await ask(s);
      expect([a.status, a.body.decision], JSON.stringify(a.body)).toEqual([200, decision]);
      expect(a.body.context?.missingContextKeys).toEqual([]);
    }
    const none = await ask(subject());
    expect(none.body.decision).toBe(false);
    expect(none.body.context?.missingContextKeys).toEqual(['aws:SourceIp']);
    // Given condition keys win over derived ones, case-insensitively.
    const given = await ask(subject('198.51.100.1'), {
      context: { 'aws:sourceip': '203.0.113.5' },
    });
    expect(given.body.decision).toBe(true);
  });

  it('other subject properties and action properties change nothing', async () => {
    const erin = await userWithKey(
      doc([
        {
          Effect: 'Allow',
          Action: 's3:GetObject',
          Resource: '*',
          Condition: { StringEquals: { 'aws:PrincipalTag/department': 'Sales' } },
        },
      ]),
    );
    const a = await ask(
      { ...user(ACCOUNT, erin.userName), properties: { department: 'Sales', device_id: 'd-1' } },
      { action: { name: 's3:GetObject', properties: { method: 'GET' } } },
    );
    expect(a.status, JSON.stringify(a.body)).toBe(200);
    // Principal tags come from IAM (the user's tags), never from the request.
    expect(a.body.decision).toBe(false);
    expect(a.body.context?.missingContextKeys).toEqual(['aws:PrincipalTag/department']);
  });
});
