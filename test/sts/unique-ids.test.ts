import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { KvIamStore } from '../../src/store/kv.ts';
import { xmlText, type Credentials } from '../helpers/aws.ts';
import { assumeRole, call, role } from './helpers.ts';
import { allowAll, seed, trustAdmin } from './seed-roles.ts';

beforeAll(async () => {
  // The first request seeds the demo account; this role joins it.
  expect((await call({ Action: 'GetCallerIdentity' })).status).toBe(200);
  await seed([
    { name: 'ephemeral', assumeRolePolicyDocument: trustAdmin, inlinePolicies: { all: allowAll } },
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
