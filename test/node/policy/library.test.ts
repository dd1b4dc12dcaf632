import { describe, expect, it } from 'vitest';
import { compile, deriveContext, simulate } from '../../../src/policy/index.ts';

const ALICE = 'arn:aws:iam::111122223333:user/alice';

describe('deriveContext', () => {
  it.each([
    [
      ALICE,
      {
        'aws:PrincipalArn': ALICE,
        'aws:PrincipalAccount': '111122223333',
        'aws:PrincipalType': 'User',
        'aws:username': 'alice',
      },
    ],
    [
      'arn:aws:sts::111122223333:assumed-role/ops/sess',
      {
        'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/ops',
        'aws:PrincipalType': 'AssumedRole',
      },
    ],
    [
      '111122223333',
      {
        'aws:PrincipalArn': 'arn:aws:iam::111122223333:root',
        'aws:PrincipalType': 'Account',
        'aws:userid': '111122223333',
      },
    ],
    [
      'arn:aws:sts::111122223333:federated-user/bob',
      { 'aws:PrincipalType': 'FederatedUser', 'aws:userid': '111122223333:bob' },
    ],
    [
      'ec2.amazonaws.com',
      { 'aws:PrincipalServiceName': 'ec2.amazonaws.com', 'aws:PrincipalIsAWSService': 'true' },
    ],
  ])('derives keys for %s', (principal, want) => {
    expect(deriveContext(principal)).toMatchObject(want);
  });

  it('lets the given context win over derived keys, case-insensitively', () => {
    const ctx = deriveContext(ALICE, { 'AWS:USERNAME': 'mallory' });
    expect(ctx['AWS:USERNAME']).toBe('mallory');
    expect(ctx['aws:username']).toBeUndefined();
  });
});

describe('compile once, decide many', () => {
  const policies = {
    identity: [
      {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 's3:GetObject',
            Resource: 'arn:aws:s3:::home/${aws:username}/*',
          },
          {
            Effect: 'Deny',
            Action: 's3:GetObject',
            Resource: '*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ],
      },
    ],
  };
  const requests = [
    { principal: ALICE, action: 's3:GetObject', resource: 'arn:aws:s3:::home/alice/a' },
    {
      principal: 'arn:aws:iam::111122223333:user/bob',
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::home/alice/a',
    },
    {
      principal: ALICE,
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::home/alice/a',
      context: { 'aws:SecureTransport': false },
    },
    { principal: ALICE, action: 'S3:GETOBJECT', resource: 'arn:aws:s3:::home/alice/b' },
  ];

  it('gives the same answers as simulate, in any order and repeated', () => {
    const compiled = compile(policies);
    const expected = requests.map((request) => simulate({ request, policies }));
    expect(expected.map((d) => d.decision)).toEqual([
      'allowed',
      'implicitDeny',
      'explicitDeny',
      'allowed',
    ]);
    for (let round = 0; round < 3; round++) {
      for (const i of [3, 1, 0, 2]) expect(compiled.decide(requests[i])).toEqual(expected[i]);
    }
  });

  it('reports errors of statements it could not evaluate and lets them neither allow nor deny', () => {
    const d = simulate({
      request: {
        principal: ALICE,
        action: 's3:GetObject',
        resource: '*',
        context: { 'aws:CurrentTime': '2026-01-01T00:00:00Z' },
      },
      policies: {
        identity: [
          {
            Version: '2012-10-17',
            Statement: [
              { Effect: 'Allow', Action: 's3:*', Resource: '*' },
              {
                Effect: 'Deny',
                Action: 's3:*',
                Resource: '*',
                Condition: { DateGreaterThan: { 'aws:CurrentTime': 'soon' } },
              },
            ],
          },
        ],
      },
    });
    expect(d.decision).toBe('allowed');
    expect(d.errors).toEqual([
      { policy: 'identity[0]', statement: 1, message: expect.stringContaining('soon') },
    ]);
  });
});

describe('request checks', () => {
  it.each([
    [{ principal: ALICE, action: 7, resource: '*' }, 'request.action'],
    [{ principal: ALICE, action: 's3GetObject', resource: '*' }, 'request.action'],
    [{ principal: ALICE, action: 's3:GetObject', resource: '' }, 'request.resource'],
    [
      { principal: ALICE, action: 's3:GetObject', resource: '*', resourceAccount: '12' },
      'request.resourceAccount',
    ],
    [{ principal: 'nobody', action: 's3:GetObject', resource: '*' }, 'request.principal'],
  ])(
    'refuses %j with InvalidInput naming the field, even for a principal seen before',
    (bad, field) => {
      const compiled = compile({});
      compiled.decide({ principal: ALICE, action: 's3:GetObject', resource: '*' });
      expect(() => compiled.decide(bad as never)).toThrow(field);
    },
  );
});

describe('missingContextKeys', () => {
  it('lists every referenced key the context lacks, beyond the first 31 keys of a set', () => {
    const keys = Array.from({ length: 40 }, (_, i) => `aws:PrincipalTag/k${i}`);
    const condition = Object.fromEntries(keys.map((k) => [k, 'v']));
    const d = simulate({
      request: {
        principal: ALICE,
        action: 's3:GetObject',
        resource: '*',
        context: { 'aws:principaltag/k3': 'v', 'AWS:PRINCIPALTAG/K35': 'v' },
      },
      policies: {
        identity: [
          {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Action: 's3:*',
                Resource: '*',
                Condition: { StringEqualsIfExists: condition },
              },
              {
                Effect: 'Allow',
                Action: 'ec2:*',
                Resource: '*',
                Condition: { Null: { 'ec2:never': 'true' } },
              },
            ],
          },
        ],
      },
    });
    expect(d.decision).toBe('allowed');
    expect(new Set(d.missingContextKeys)).toEqual(
      new Set(keys.filter((_, i) => i !== 3 && i !== 35)),
    );
  });
});
