import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { applySeed } from '../../src/seed/apply.ts';
import { seedSchema } from '../../src/seed/schema.ts';
import { KvIamStore } from '../../src/store/kv.ts';
import { xmlText, type Credentials } from '../helpers/aws.ts';
import { ACCOUNT, doc, iam, ok, unique, userWithKey } from '../iam/helpers.ts';
import { assumeRole, call } from './helpers.ts';

/**
 * A trust policy names principals, not names: IAM keeps the unique id of every user and role it
 * names when it is saved, so a principal deleted and recreated, or a namesake on another path,
 * is not trusted ("AWS JSON policy elements: Principal", IAM role principals / IAM user principals).
 */
const trusting = (arn: string) =>
  doc([{ Effect: 'Allow', Principal: { AWS: arn }, Action: 'sts:AssumeRole' }]);
const ALL = doc([{ Effect: 'Allow', Action: '*', Resource: '*' }]);

async function keyOf(userName: string): Promise<Credentials> {
  const body = await ok({ Action: 'CreateAccessKey', UserName: userName });
  return {
    accessKeyId: xmlText(body, 'AccessKeyId')!,
    secretAccessKey: xmlText(body, 'SecretAccessKey')!,
  };
}

async function deleteUser(name: string): Promise<void> {
  const keys = await ok({ Action: 'ListAccessKeys', UserName: name });
  for (const id of [...keys.matchAll(/<AccessKeyId>([^<]+)<\/AccessKeyId>/g)].map((m) => m[1]!)) {
    await ok({ Action: 'DeleteAccessKey', UserName: name, AccessKeyId: id });
  }
  await ok({ Action: 'DeleteUserPolicy', UserName: name, PolicyName: 'p' }).catch(() => undefined);
  await ok({ Action: 'DeleteUser', UserName: name });
}

describe('a namesake on another path does not inherit trust', () => {
  it('a user allowed only to create users under /x/ cannot become a deleted admin-trusted user', async () => {
    const alice = unique('alice');
    await ok({ Action: 'CreateUser', UserName: alice });
    const admin = unique('admin-role');
    await ok({
      Action: 'CreateRole',
      RoleName: admin,
      AssumeRolePolicyDocument: trusting(`arn:aws:iam::${ACCOUNT}:user/${alice}`),
    });
    await ok({ Action: 'PutRolePolicy', RoleName: admin, PolicyName: 'all', PolicyDocument: ALL });
    await deleteUser(alice);

    const attacker = await userWithKey(
      doc([
        {
          Effect: 'Allow',
          Action: ['iam:CreateUser', 'iam:CreateAccessKey', 'iam:PutUserPolicy'],
          Resource: `arn:aws:iam::${ACCOUNT}:user/x/*`,
        },
      ]),
    );
    const created = await iam({ Action: 'CreateUser', UserName: alice, Path: '/x/' }, attacker);
    expect(created.status, created.body).toBe(200);
    const key = await iam({ Action: 'CreateAccessKey', UserName: alice }, attacker);
    expect(key.status, key.body).toBe(200);
    await iam(
      {
        Action: 'PutUserPolicy',
        UserName: alice,
        PolicyName: 'p',
        PolicyDocument: doc([{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }]),
      },
      attacker,
    );
    const namesake = {
      accessKeyId: xmlText(key.body, 'AccessKeyId')!,
      secretAccessKey: xmlText(key.body, 'SecretAccessKey')!,
    };
    const res = await call(
      {
        Action: 'AssumeRole',
        RoleArn: `arn:aws:iam::${ACCOUNT}:role/${admin}`,
        RoleSessionName: 'xx',
      },
      namesake,
    );
    expect({ status: res.status, code: res.code }, res.body).toEqual({
      status: 403,
      code: 'AccessDenied',
    });
  });

  it('a role recreated on another path does not inherit the trust its namesake had', async () => {
    const ops = unique('ops');
    const open = doc([{ Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'sts:AssumeRole' }]);
    const assumeAll = doc([{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }]);
    await ok({ Action: 'CreateRole', RoleName: ops, AssumeRolePolicyDocument: open });
    await ok({
      Action: 'PutRolePolicy',
      RoleName: ops,
      PolicyName: 'p',
      PolicyDocument: assumeAll,
    });
    const target = unique('target');
    await ok({
      Action: 'CreateRole',
      RoleName: target,
      AssumeRolePolicyDocument: trusting(`arn:aws:iam::${ACCOUNT}:role/${ops}`),
    });
    const asOps = await assumeRole({
      RoleArn: `arn:aws:iam::${ACCOUNT}:role/${ops}`,
      RoleSessionName: 'ss',
    });
    const targetArn = `arn:aws:iam::${ACCOUNT}:role/${target}`;
    await assumeRole({ RoleArn: targetArn, RoleSessionName: 'ok' }, asOps);

    await ok({ Action: 'DeleteRolePolicy', RoleName: ops, PolicyName: 'p' });
    await ok({ Action: 'DeleteRole', RoleName: ops });
    for (const path of ['/', '/x/']) {
      await ok({ Action: 'CreateRole', RoleName: ops, Path: path, AssumeRolePolicyDocument: open });
      await ok({
        Action: 'PutRolePolicy',
        RoleName: ops,
        PolicyName: 'p',
        PolicyDocument: assumeAll,
      });
      const again = await assumeRole({
        RoleArn: `arn:aws:iam::${ACCOUNT}:role${path}${ops}`,
        RoleSessionName: 'ss',
      });
      const res = await call(
        { Action: 'AssumeRole', RoleArn: targetArn, RoleSessionName: 'no' },
        again,
      );
      expect({ path, status: res.status, code: res.code }, res.body).toEqual({
        path,
        status: 403,
        code: 'AccessDenied',
      });
      await ok({ Action: 'DeleteRolePolicy', RoleName: ops, PolicyName: 'p' });
      await ok({ Action: 'DeleteRole', RoleName: ops });
    }
  });

  it('the trusted user itself is still trusted', async () => {
    const bob = unique('bob');
    const key = await userWithKey(
      doc([{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }]),
      bob,
    );
    const target = unique('bob-role');
    await ok({
      Action: 'CreateRole',
      RoleName: target,
      AssumeRolePolicyDocument: trusting(`arn:aws:iam::${ACCOUNT}:user/${bob}`),
    });
    await assumeRole(
      { RoleArn: `arn:aws:iam::${ACCOUNT}:role/${target}`, RoleSessionName: 'ss' },
      key,
    );
  });

  it('a renamed user is still trusted, and its sessions still act; a user given its old name is not trusted', async () => {
    const [dave, renamed] = [unique('dave'), unique('dave-renamed')];
    const canAssume = doc([{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }]);
    const key = await userWithKey(canAssume, dave);
    const target = unique('dave-role');
    await ok({
      Action: 'CreateRole',
      RoleName: target,
      AssumeRolePolicyDocument: trusting(`arn:aws:iam::${ACCOUNT}:user/${dave}`),
    });
    const params = { RoleArn: `arn:aws:iam::${ACCOUNT}:role/${target}`, RoleSessionName: 'ss' };
    const session = await call({ Action: 'GetSessionToken' }, key);
    expect(session.status, session.body).toBe(200);
    const sessionKey = {
      accessKeyId: xmlText(session.body, 'AccessKeyId')!,
      secretAccessKey: xmlText(session.body, 'SecretAccessKey')!,
      sessionToken: xmlText(session.body, 'SessionToken')!,
    };

    await ok({ Action: 'UpdateUser', UserName: dave, NewUserName: renamed });
    await assumeRole(params, key);
    // The session belongs to the user's unique id, which the rename kept.
    await assumeRole(params, sessionKey);

    const namesake = await userWithKey(canAssume, dave);
    const res = await call({ Action: 'AssumeRole', ...params }, namesake);
    expect({ status: res.status, code: res.code }).toEqual({ status: 403, code: 'AccessDenied' });
  });

  it('a role from a seed file is bound too: its trusted user, deleted and recreated, is not trusted', async () => {
    const carol = unique('carol');
    const seeded = unique('seeded-role');
    const assumeAll = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }],
    };
    await applySeed(
      env,
      new KvIamStore(env.IAM),
      seedSchema.parse({
        accounts: [
          {
            id: ACCOUNT,
            users: [{ name: carol, inlinePolicies: { p: assumeAll } }],
            roles: [
              {
                name: seeded,
                assumeRolePolicyDocument: JSON.parse(
                  trusting(`arn:aws:iam::${ACCOUNT}:user/${carol}`),
                ),
              },
            ],
          },
        ],
      }),
      Date.now(),
    );
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/${seeded}`;
    await assumeRole({ RoleArn: roleArn, RoleSessionName: 'ss' }, await keyOf(carol));
    await deleteUser(carol);
    const again = await userWithKey(JSON.stringify(assumeAll), carol);
    const res = await call(
      { Action: 'AssumeRole', RoleArn: roleArn, RoleSessionName: 'ss' },
      again,
    );
    expect({ status: res.status, code: res.code }, res.body).toEqual({
      status: 403,
      code: 'AccessDenied',
    });
  });
});
