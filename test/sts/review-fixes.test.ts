import { env, exports } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { applySeed } from '../../src/seed/apply.ts';
import { seedSchema } from '../../src/seed/schema.ts';
import { KvIamStore } from '../../src/store/kv.ts';
import { DEMO_ADMIN, signedRequest, xmlText, type Credentials } from '../helpers/aws.ts';
import { assumeRole, call, role } from './helpers.ts';

const trustAdmin = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::123456789012:user/admin' },
      Action: ['sts:AssumeRole', 'sts:TagSession'],
    },
  ],
};
const allowAll = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
};

async function seed(roles: object[]) {
  await applySeed(
    env,
    new KvIamStore(env.IAM),
    seedSchema.parse({ accounts: [{ id: '123456789012', roles }] }),
    Date.now(),
  );
}

beforeAll(async () => {
  // The first request seeds the demo account; these roles join it.
  expect((await call({ Action: 'GetCallerIdentity' })).status).toBe(200);
  await seed([
    { name: 'ephemeral', assumeRolePolicyDocument: trustAdmin, inlinePolicies: { all: allowAll } },
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

describe('sessions belong to the unique id of their role', () => {
  it('a session of a deleted and recreated role keeps its identity but loses every permission', async () => {
    const old = await assumeRole({ RoleArn: role('ephemeral'), RoleSessionName: 'before' });
    const store = new KvIamStore(env.IAM);
    await store.delete('123456789012', 'role', 'ephemeral');
    await seed([
      {
        name: 'ephemeral',
        assumeRolePolicyDocument: trustAdmin,
        inlinePolicies: { all: allowAll },
      },
    ]);
    expect((await call({ Action: 'GetCallerIdentity' }, old)).status).toBe(200);
    const res = await call(
      { Action: 'AssumeRole', RoleArn: role('demo-readonly'), RoleSessionName: 'chain' },
      old,
    );
    expect(res.status).toBe(403);
    const fresh = await assumeRole({ RoleArn: role('ephemeral'), RoleSessionName: 'after' });
    expect(
      (
        await call(
          { Action: 'AssumeRole', RoleArn: role('demo-readonly'), RoleSessionName: 'chain' },
          fresh,
        )
      ).status,
    ).toBe(200);
  });
});

describe('which temporary credentials may call which STS action', () => {
  async function tokens(action: 'GetSessionToken' | 'GetFederationToken'): Promise<Credentials> {
    const extra: Record<string, string> =
      action === 'GetFederationToken' ? { Name: 'fed', Policy: JSON.stringify(allowAll) } : {};
    const res = await call({ Action: action, ...extra });
    expect(res.status, res.body).toBe(200);
    return {
      accessKeyId: xmlText(res.body, 'AccessKeyId')!,
      secretAccessKey: xmlText(res.body, 'SecretAccessKey')!,
      sessionToken: xmlText(res.body, 'SessionToken')!,
    };
  }

  it('a federated-user session may only call GetCallerIdentity', async () => {
    const fed = await tokens('GetFederationToken');
    expect((await call({ Action: 'GetCallerIdentity' }, fed)).status).toBe(200);
    const res = await call(
      { Action: 'AssumeRole', RoleArn: role('demo-readonly'), RoleSessionName: 'x1' },
      fed,
    );
    expect(res.status).toBe(403);
    expect(res.code).toBe('AccessDenied');
    expect(
      (await call({ Action: 'GetAccessKeyInfo', AccessKeyId: 'AKIAIOSFODNN7EXAMPLE' }, fed)).status,
    ).toBe(403);
  });

  it('a GetSessionToken session may AssumeRole but not mint more tokens', async () => {
    const user = await tokens('GetSessionToken');
    expect(
      (
        await call(
          { Action: 'AssumeRole', RoleArn: role('demo-readonly'), RoleSessionName: 'x1' },
          user,
        )
      ).status,
    ).toBe(200);
    expect((await call({ Action: 'GetFederationToken', Name: 'fed' }, user)).status).toBe(403);
    expect(
      (await call({ Action: 'GetAccessKeyInfo', AccessKeyId: 'AKIAIOSFODNN7EXAMPLE' }, user))
        .status,
    ).toBe(403);
  });
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

describe('query protocol edges', () => {
  it.each(['toString', 'constructor', '__proto__', 'hasOwnProperty'])(
    'Action=%s is InvalidAction, not a 500',
    async (action) => {
      const res = await call({ Action: action });
      expect(res.status).toBe(400);
      expect(res.code).toBe('InvalidAction');
      expect(res.message).toBe(`Could not find operation ${action} for version 2011-06-15`);
    },
  );

  it('Version=toString unsigned is a 4xx', async () => {
    const res = await exports.default.fetch('http://127.0.0.1:8787/', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=GetCallerIdentity&Version=toString',
    });
    expect(res.status).toBeLessThan(500);
  });

  it('parameters may come in the URL of a POST', async () => {
    const req = await signedRequest({ Action: 'GetCallerIdentity' }, DEMO_ADMIN);
    const moved = new Request(
      'http://127.0.0.1:8787/?Action=GetCallerIdentity&Version=2011-06-15',
      {
        method: 'POST',
        headers: req.headers,
        body: '',
      },
    );
    // The signature covered an empty query and a body: moving them breaks it, as it would with AWS.
    expect((await exports.default.fetch(moved)).status).toBe(403);
  });
});

describe('trust policies bind the unique ids of the principals they name', () => {
  const iam = (params: Record<string, string>, creds?: Credentials) =>
    call(params, creds, { service: 'iam' });

  async function userWithKey(name: string): Promise<Credentials> {
    expect((await iam({ Action: 'CreateUser', UserName: name })).status).toBe(200);
    const key = await iam({ Action: 'CreateAccessKey', UserName: name });
    expect(key.status, key.body).toBe(200);
    return {
      accessKeyId: xmlText(key.body, 'AccessKeyId')!,
      secretAccessKey: xmlText(key.body, 'SecretAccessKey')!,
    };
  }

  it('a user deleted and recreated under the same name is no longer trusted', async () => {
    const first = await userWithKey('alice-bound');
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::123456789012:user/alice-bound' },
          Action: 'sts:AssumeRole',
        },
      ],
    });
    expect(
      (await iam({ Action: 'CreateRole', RoleName: 'bound', AssumeRolePolicyDocument: trust }))
        .status,
    ).toBe(200);
    const assume = { Action: 'AssumeRole', RoleArn: role('bound'), RoleSessionName: 'bound' };
    expect((await call(assume, first)).status).toBe(200);

    expect(
      (
        await iam({
          Action: 'DeleteAccessKey',
          UserName: 'alice-bound',
          AccessKeyId: first.accessKeyId,
        })
      ).status,
    ).toBe(200);
    expect((await iam({ Action: 'DeleteUser', UserName: 'alice-bound' })).status).toBe(200);
    const second = await userWithKey('alice-bound');
    const res = await call(assume, second);
    expect(res.status).toBe(403);
    expect(res.code).toBe('AccessDenied');

    // Saving the trust policy again binds it to the principal that exists now.
    expect(
      (await iam({ Action: 'UpdateAssumeRolePolicy', RoleName: 'bound', PolicyDocument: trust }))
        .status,
    ).toBe(200);
    expect((await call(assume, second)).status).toBe(200);
  });
});
