import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminRoutes } from '../../src/routes/admin.ts';
import { applySeed } from '../../src/seed/apply.ts';
import { seedSchema } from '../../src/seed/schema.ts';
import { KvIamStore } from '../../src/store/kv.ts';
import { xmlText, type Credentials } from '../helpers/aws.ts';
import { doc, iam, unique } from '../iam/helpers.ts';
import { assumeRole, call } from './helpers.ts';

/**
 * A trust policy names principals of other accounts by unique id too: IAM replaces the ARN of a
 * user or role with its unique id when the policy is saved, so a principal of another account
 * deleted and recreated under the same name is not trusted ("AWS JSON policy elements: Principal",
 * IAM role principals / IAM user principals).
 */
const A = '351000000001'; // holds the roles
const B = '352000000002'; // holds the trusted users and roles
const ADMIN_A = {
  accessKeyId: 'AKIA2XACCTAADMINAAAA',
  secretAccessKey: 'cross-account-a-secret-0',
};
const ADMIN_B = {
  accessKeyId: 'AKIA2XACCTBADMINBBBB',
  secretAccessKey: 'cross-account-b-secret-0',
};
const ALL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
const ASSUME = doc([{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }]);
const trusting = (arn: string) =>
  doc([{ Effect: 'Allow', Principal: { AWS: arn }, Action: 'sts:AssumeRole' }]);

async function ok(params: Record<string, string>, credentials: Credentials): Promise<string> {
  const a = await iam(params, credentials);
  expect(a.status, a.body).toBe(200);
  return a.body;
}

/** A user of B allowed sts:AssumeRole, with a fresh access key (created by B's admin). */
async function userOfB(name: string): Promise<Credentials> {
  await ok({ Action: 'CreateUser', UserName: name }, ADMIN_B);
  await ok(
    { Action: 'PutUserPolicy', UserName: name, PolicyName: 'p', PolicyDocument: ASSUME },
    ADMIN_B,
  );
  const body = await ok({ Action: 'CreateAccessKey', UserName: name }, ADMIN_B);
  return {
    accessKeyId: xmlText(body, 'AccessKeyId')!,
    secretAccessKey: xmlText(body, 'SecretAccessKey')!,
  };
}

async function deleteUserOfB(name: string, key: Credentials): Promise<void> {
  await ok({ Action: 'DeleteAccessKey', UserName: name, AccessKeyId: key.accessKeyId }, ADMIN_B);
  await ok({ Action: 'DeleteUserPolicy', UserName: name, PolicyName: 'p' }, ADMIN_B);
  await ok({ Action: 'DeleteUser', UserName: name }, ADMIN_B);
}

/** A role of A that trusts `principal`, created through the API by A's admin. */
async function roleOfA(principal: string): Promise<string> {
  const name = unique('target');
  await ok(
    { Action: 'CreateRole', RoleName: name, AssumeRolePolicyDocument: trusting(principal) },
    ADMIN_A,
  );
  return `arn:aws:iam::${A}:role/${name}`;
}

async function denied(roleArn: string, credentials: Credentials): Promise<void> {
  const res = await call(
    { Action: 'AssumeRole', RoleArn: roleArn, RoleSessionName: 'namesake' },
    credentials,
  );
  expect({ status: res.status, code: res.code }, res.body).toEqual({
    status: 403,
    code: 'AccessDenied',
  });
}

beforeAll(async () => {
  const admin = (key: Credentials) => ({
    name: 'admin',
    inlinePolicies: { all: ALL },
    accessKeys: [key],
  });
  await applySeed(
    env,
    new KvIamStore(env.IAM),
    seedSchema.parse({
      accounts: [
        { id: A, users: [admin(ADMIN_A)] },
        { id: B, users: [admin(ADMIN_B)] },
      ],
    }),
    Date.now(),
  );
});

describe("another account's principals in a trust policy are bound to unique ids", () => {
  it('a user of another account, deleted and recreated, is not trusted; the original was', async () => {
    const bob = unique('bob');
    const first = await userOfB(bob);
    const roleArn = await roleOfA(`arn:aws:iam::${B}:user/${bob}`);
    await assumeRole({ RoleArn: roleArn, RoleSessionName: 'original' }, first);

    await deleteUserOfB(bob, first);
    await denied(roleArn, await userOfB(bob));
  });

  it('a role of another account, deleted and recreated, is not trusted; the original was', async () => {
    const ops = unique('ops');
    const opsArn = `arn:aws:iam::${B}:role/${ops}`;
    const create = async () => {
      await ok(
        {
          Action: 'CreateRole',
          RoleName: ops,
          AssumeRolePolicyDocument: trusting(`arn:aws:iam::${B}:user/admin`),
        },
        ADMIN_B,
      );
      await ok(
        { Action: 'PutRolePolicy', RoleName: ops, PolicyName: 'p', PolicyDocument: ASSUME },
        ADMIN_B,
      );
      return assumeRole({ RoleArn: opsArn, RoleSessionName: 'ops' }, ADMIN_B);
    };
    const session = await create();
    const roleArn = await roleOfA(opsArn);
    await assumeRole({ RoleArn: roleArn, RoleSessionName: 'original' }, session);

    await ok({ Action: 'DeleteRolePolicy', RoleName: ops, PolicyName: 'p' }, ADMIN_B);
    await ok({ Action: 'DeleteRole', RoleName: ops }, ADMIN_B);
    await denied(roleArn, await create());
  });

  it('UpdateAssumeRolePolicy binds too, and saving it again trusts the new principal', async () => {
    const dave = unique('dave');
    const first = await userOfB(dave);
    const daveArn = `arn:aws:iam::${B}:user/${dave}`;
    const roleArn = await roleOfA(`arn:aws:iam::${B}:user/admin`);
    const name = roleArn.split('/').pop()!;
    await ok(
      { Action: 'UpdateAssumeRolePolicy', RoleName: name, PolicyDocument: trusting(daveArn) },
      ADMIN_A,
    );
    await assumeRole({ RoleArn: roleArn, RoleSessionName: 'original' }, first);
    await deleteUserOfB(dave, first);
    const again = await userOfB(dave);
    await denied(roleArn, again);
    await ok(
      { Action: 'UpdateAssumeRolePolicy', RoleName: name, PolicyDocument: trusting(daveArn) },
      ADMIN_A,
    );
    await assumeRole({ RoleArn: roleArn, RoleSessionName: 'resaved' }, again);
  });

  it('naming a user or role that does not exist in an account rolecall holds is refused, as IAM does', async () => {
    for (const missing of [
      `arn:aws:iam::${B}:user/${unique('nobody')}`,
      `arn:aws:iam::${B}:role/${unique('no-role')}`,
    ]) {
      const res = await iam(
        {
          Action: 'CreateRole',
          RoleName: unique('bad'),
          AssumeRolePolicyDocument: trusting(missing),
        },
        ADMIN_A,
      );
      expect({ status: res.status, code: res.code, message: res.message }).toEqual({
        status: 400,
        code: 'MalformedPolicyDocument',
        message: `Invalid principal in policy: "AWS":"${missing}"`,
      });
    }
  });
});

describe('a seed document of several accounts binds across them', () => {
  const seedOf = (role: string, erin: string, keyId: string) => ({
    accounts: [
      {
        id: A,
        roles: [
          {
            name: role,
            assumeRolePolicyDocument: JSON.parse(trusting(`arn:aws:iam::${B}:user/${erin}`)),
          },
        ],
      },
      {
        id: B,
        users: [
          {
            name: erin,
            inlinePolicies: { p: JSON.parse(ASSUME) },
            accessKeys: [{ accessKeyId: keyId, secretAccessKey: `secret-of-${keyId}` }],
          },
        ],
      },
    ],
  });

  async function recreated(erin: string, keyId: string): Promise<Credentials> {
    await deleteUserOfB(erin, { accessKeyId: keyId, secretAccessKey: '' });
    return userOfB(erin);
  }

  it('applied in one go (npm run seed): a role trusting a user of an account listed after it', async () => {
    const role = unique('seeded');
    const erin = unique('erin');
    const keyId = 'AKIA2XACCTSEEDONE000';
    await applySeed(
      env,
      new KvIamStore(env.IAM),
      seedSchema.parse(seedOf(role, erin, keyId)),
      Date.now(),
    );
    const roleArn = `arn:aws:iam::${A}:role/${role}`;
    await assumeRole(
      { RoleArn: roleArn, RoleSessionName: 'seeded' },
      { accessKeyId: keyId, secretAccessKey: `secret-of-${keyId}` },
    );
    await denied(roleArn, await recreated(erin, keyId));
  });

  it('applied by POST /admin/v1/apply, account by account in their objects', async () => {
    const role = unique('admin-seeded');
    const erin = unique('erin');
    const keyId = 'AKIA2XACCTSEEDTWO000';
    const res = await adminRoutes.request(
      '/apply',
      {
        method: 'POST',
        body: JSON.stringify(seedOf(role, erin, keyId)),
        headers: { 'content-type': 'application/json', authorization: 'Bearer t' },
      },
      { ...env, ADMIN_TOKEN: 't' },
    );
    expect(res.status, await res.clone().text()).toBe(200);
    const roleArn = `arn:aws:iam::${A}:role/${role}`;
    await assumeRole(
      { RoleArn: roleArn, RoleSessionName: 'seeded' },
      { accessKeyId: keyId, secretAccessKey: `secret-of-${keyId}` },
    );
    await denied(roleArn, await recreated(erin, keyId));
  });
});
