import { beforeAll, describe, expect, it } from 'vitest';
import { assumeRole, call, role } from './helpers.ts';
import { seed, trustAdmin } from './seed-roles.ts';

beforeAll(async () => {
  // The first request seeds the demo account; these roles join it.
  expect((await call({ Action: 'GetCallerIdentity' })).status).toBe(200);
  await seed([
    {
      name: 'ops',
      path: '/teams/',
      assumeRolePolicyDocument: trustAdmin,
      inlinePolicies: {
        assume: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }],
        },
      },
    },
    {
      name: 'teams-only',
      assumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: 'arn:aws:iam::123456789012:root' },
            Action: 'sts:AssumeRole',
            Condition: {
              ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:role/teams/*' },
            },
          },
        ],
      },
    },
    {
      name: 'abac',
      tags: [{ Key: 'team', Value: 'blue' }],
      assumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: 'arn:aws:iam::123456789012:root' },
            Action: ['sts:AssumeRole', 'sts:TagSession'],
            Condition: { StringEquals: { 'iam:ResourceTag/team': '${aws:RequestTag/team}' } },
          },
        ],
      },
    },
  ]);
});

describe('request context of AssumeRole', () => {
  it('aws:PrincipalArn of a role session is the role ARN with its path', async () => {
    const ops = await assumeRole({
      RoleArn: 'arn:aws:iam::123456789012:role/teams/ops',
      RoleSessionName: 'ops',
    });
    expect(
      (
        await call(
          { Action: 'AssumeRole', RoleArn: role('teams-only'), RoleSessionName: 'x1' },
          ops,
        )
      ).status,
    ).toBe(200);
    // The admin user is not under role/teams/.
    expect(
      (await call({ Action: 'AssumeRole', RoleArn: role('teams-only'), RoleSessionName: 'x1' }))
        .status,
    ).toBe(403);
  });

  it("the role's tags are resource tags (iam:ResourceTag) for the trust policy", async () => {
    const tag = (v: string) => ({ 'Tags.member.1.Key': 'team', 'Tags.member.1.Value': v });
    expect(
      (
        await call({
          Action: 'AssumeRole',
          RoleArn: role('abac'),
          RoleSessionName: 'x1',
          ...tag('blue'),
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await call({
          Action: 'AssumeRole',
          RoleArn: role('abac'),
          RoleSessionName: 'x1',
          ...tag('red'),
        })
      ).status,
    ).toBe(403);
  });

  it('session policy ARNs must belong to the role account (or AWS)', async () => {
    const res = await call({
      Action: 'AssumeRole',
      RoleArn: role('demo-readonly'),
      RoleSessionName: 'x1',
      'PolicyArns.member.1.arn': 'arn:aws:iam::210987654321:policy/elsewhere',
    });
    expect(res.status).toBe(400);
  });
});
