import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { applySeed, SeedError } from '../../../src/seed/apply.ts';
import { seedSchema } from '../../../src/seed/schema.ts';
import { KvIamStore } from '../../../src/store/kv.ts';
import { xmlText } from '../../helpers/aws.ts';
import { ACCOUNT, decodeXml, doc, fails, ok, TRUST_EC2, unique, xmlAll } from '../helpers.ts';

const trusting = (aws: string | string[], field: 'Principal' | 'NotPrincipal' = 'Principal') =>
  doc({
    Effect: field === 'Principal' ? 'Allow' : 'Deny',
    [field]: { AWS: aws },
    Action: 'sts:AssumeRole',
  });

describe('trust policies name principals that exist (resolved when saved)', () => {
  it.each([
    ['a user of the account that does not exist', `arn:aws:iam::${ACCOUNT}:user/nobody-here`],
    ['a role of the account that does not exist', `arn:aws:iam::${ACCOUNT}:role/no-such-role`],
    ['an existing user under another path', `arn:aws:iam::${ACCOUNT}:user/wrong/path/admin`],
  ])('CreateRole refuses %s with MalformedPolicyDocument', async (_l, principal) => {
    const name = unique('bad-trust');
    const a = await fails(
      { Action: 'CreateRole', RoleName: name, AssumeRolePolicyDocument: trusting(principal) },
      400,
      'MalformedPolicyDocument',
    );
    expect(a.message).toBe(`Invalid principal in policy: "AWS":"${principal}"`);
    await fails({ Action: 'GetRole', RoleName: name }, 404, 'NoSuchEntity');
  });

  it('checks every value of a list, and NotPrincipal too', async () => {
    const missing = `arn:aws:iam::${ACCOUNT}:user/${unique('ghost')}`;
    const a = await fails(
      {
        Action: 'CreateRole',
        RoleName: unique('list-trust'),
        AssumeRolePolicyDocument: trusting([`arn:aws:iam::${ACCOUNT}:user/admin`, missing]),
      },
      400,
      'MalformedPolicyDocument',
    );
    expect(a.message).toBe(`Invalid principal in policy: "AWS":"${missing}"`);
    await fails(
      {
        Action: 'CreateRole',
        RoleName: unique('not-principal'),
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'ec2.amazonaws.com' },
              Action: 'sts:AssumeRole',
            },
            { Effect: 'Deny', NotPrincipal: { AWS: missing }, Action: 'sts:AssumeRole' },
          ],
        }),
      },
      400,
      'MalformedPolicyDocument',
    );
  });

  it.each([
    ['an existing user', `arn:aws:iam::${ACCOUNT}:user/admin`],
    ['an existing role', `arn:aws:iam::${ACCOUNT}:role/demo-readonly`],
    ['the account root', `arn:aws:iam::${ACCOUNT}:root`],
    ['the account id', ACCOUNT],
    ['a user of another account (not held here)', 'arn:aws:iam::999988887777:user/whoever'],
    ['a role of another account', 'arn:aws:iam::999988887777:role/whatever'],
    ['everyone', '*'],
  ])('CreateRole accepts %s', async (_l, principal) => {
    await ok({
      Action: 'CreateRole',
      RoleName: unique('good-trust'),
      AssumeRolePolicyDocument: trusting(principal),
    });
  });

  it('accepts a user that exists under its path', async () => {
    const user = unique('pathed');
    await ok({ Action: 'CreateUser', UserName: user, Path: '/team/' });
    await ok({
      Action: 'CreateRole',
      RoleName: unique('trusts-pathed'),
      AssumeRolePolicyDocument: trusting(`arn:aws:iam::${ACCOUNT}:user/team/${user}`),
    });
  });

  it('UpdateAssumeRolePolicy refuses a missing principal and keeps the old policy', async () => {
    const name = unique('upd-trust');
    await ok({ Action: 'CreateRole', RoleName: name, AssumeRolePolicyDocument: TRUST_EC2 });
    const missing = `arn:aws:iam::${ACCOUNT}:role/${unique('gone')}`;
    const a = await fails(
      { Action: 'UpdateAssumeRolePolicy', RoleName: name, PolicyDocument: trusting(missing) },
      400,
      'MalformedPolicyDocument',
    );
    expect(a.message).toBe(`Invalid principal in policy: "AWS":"${missing}"`);
    const role = await ok({ Action: 'GetRole', RoleName: name });
    expect(decodeURIComponent(/<AssumeRolePolicyDocument>(.*?)</.exec(role)![1]!)).toBe(TRUST_EC2);
    await ok({
      Action: 'UpdateAssumeRolePolicy',
      RoleName: name,
      PolicyDocument: trusting(`arn:aws:iam::${ACCOUNT}:role/${name}`),
    });
  });
});

describe('seeding trust policies', () => {
  const seed = (account: string, roles: Array<{ name: string; trusts: string }>) =>
    seedSchema.parse({
      accounts: [
        {
          id: account,
          users: [{ name: 'ops', path: '/people/' }],
          roles: roles.map((r) => ({
            name: r.name,
            assumeRolePolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                { Effect: 'Allow', Principal: { AWS: r.trusts }, Action: 'sts:AssumeRole' },
              ],
            },
          })),
        },
      ],
    });

  it("a role may trust the document's own users and roles, in any order", async () => {
    const id = '730987654321';
    const store = new KvIamStore(env.IAM);
    const summary = await applySeed(
      env,
      store,
      seed(id, [
        { name: 'first', trusts: `arn:aws:iam::${id}:role/second` },
        { name: 'second', trusts: `arn:aws:iam::${id}:user/people/ops` },
      ]),
      Date.now(),
    );
    expect(summary.created).toBe(3);
    expect(await store.get(id, 'role', 'first')).not.toBeNull();
  });

  it.each([
    ['a principal neither in the document nor stored', 'role/elsewhere'],
    ["a document user under a path other than the document's", 'user/ops'],
  ])('refuses %s, locating it, and writes nothing', async (_l, tail) => {
    const id = '740987654321';
    const err = await applySeed(
      env,
      new KvIamStore(env.IAM),
      seed(id, [{ name: 'r', trusts: `arn:aws:iam::${id}:${tail}` }]),
      Date.now(),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SeedError);
    expect((err as SeedError).code).toBe('MalformedPolicyDocument');
    expect((err as SeedError).message).toBe(
      `accounts[0].roles[0] (r): Invalid principal in policy: "AWS":"arn:aws:iam::${id}:${tail}"`,
    );
    expect((await env.IAM.list({ prefix: `acct/${id}` })).keys).toEqual([]);
  });
});

describe('seeding trust policies that name other accounts', () => {
  const trust = (principal: string) => ({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:AssumeRole' }],
  });

  it('refuses a principal missing from an account the document describes, and writes nothing', async () => {
    const [a, b] = ['750987654321', '760987654321'];
    const missing = `arn:aws:iam::${b}:user/not-in-the-document`;
    const err = await applySeed(
      env,
      new KvIamStore(env.IAM),
      seedSchema.parse({
        accounts: [
          { id: a, roles: [{ name: 'r', assumeRolePolicyDocument: trust(missing) }] },
          { id: b, users: [{ name: 'someone-else' }] },
        ],
      }),
      Date.now(),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SeedError);
    expect((err as SeedError).message).toBe(
      `accounts[0].roles[0] (r): Invalid principal in policy: "AWS":"${missing}"`,
    );
    expect((await env.IAM.list({ prefix: `acct/${a}` })).keys).toEqual([]);
    expect((await env.IAM.list({ prefix: `acct/${b}` })).keys).toEqual([]);
  });

  it('accepts, unbound, a principal of an account rolecall does not hold', async () => {
    const a = '770987654321';
    const outside = 'arn:aws:iam::780987654321:role/outside';
    const store = new KvIamStore(env.IAM);
    await applySeed(
      env,
      store,
      seedSchema.parse({
        accounts: [{ id: a, roles: [{ name: 'r', assumeRolePolicyDocument: trust(outside) }] }],
      }),
      Date.now(),
    );
    const role = await store.get(a, 'role', 'r');
    expect(role).not.toBeNull();
    expect(role!.trustPrincipalIds ?? {}).toEqual({});
  });
});

describe('trust policies as GetRole and ListRoles show them', () => {
  const shown = (xml: string) =>
    decodeURIComponent(decodeXml(/<AssumeRolePolicyDocument>(.*?)</.exec(xml)![1]!));
  const principalsOf = (text: string) => {
    const statement = (JSON.parse(text) as { Statement: unknown }).Statement;
    const first = (Array.isArray(statement) ? statement[0] : statement) as {
      Principal: { AWS: string | string[] };
    };
    return first.Principal.AWS;
  };

  it('a deleted user or role shows as its unique id, even once a namesake exists; the rest as saved', async () => {
    const [user, peer, role] = [unique('gone-user'), unique('gone-role'), unique('trusting')];
    const userId = xmlText(await ok({ Action: 'CreateUser', UserName: user }), 'UserId');
    const peerId = xmlText(
      await ok({ Action: 'CreateRole', RoleName: peer, AssumeRolePolicyDocument: TRUST_EC2 }),
      'RoleId',
    );
    const principals = [
      `arn:aws:iam::${ACCOUNT}:user/${user}`,
      `arn:aws:iam::${ACCOUNT}:role/${peer}`,
      `arn:aws:iam::${ACCOUNT}:user/admin`,
    ];
    const text = trusting(principals);
    await ok({ Action: 'CreateRole', RoleName: role, AssumeRolePolicyDocument: text });
    expect(shown(await ok({ Action: 'GetRole', RoleName: role }))).toBe(text);

    await ok({ Action: 'DeleteUser', UserName: user });
    await ok({ Action: 'DeleteRole', RoleName: peer });
    await ok({ Action: 'CreateUser', UserName: user });
    const expected = [userId, peerId, principals[2]];
    expect(userId).toMatch(/^AIDA/);
    expect(peerId).toMatch(/^AROA/);
    expect(principalsOf(shown(await ok({ Action: 'GetRole', RoleName: role })))).toEqual(expected);
    const listed = await ok({ Action: 'ListRoles', PathPrefix: '/', MaxItems: '1000' });
    const mine = xmlAll(listed, 'member').find((m) => m.includes(`<RoleName>${role}<`))!;
    expect(principalsOf(shown(mine))).toEqual(expected);

    // Saving the policy again binds the namesake: its ARN is shown again, and it is trusted.
    await ok({
      Action: 'UpdateAssumeRolePolicy',
      RoleName: role,
      PolicyDocument: trusting(principals[0]!),
    });
    expect(principalsOf(shown(await ok({ Action: 'GetRole', RoleName: role })))).toBe(
      principals[0],
    );
  });

  it('a renamed user shows under its new ARN, even once a namesake takes its old name; deleted, as its id', async () => {
    const [user, renamed, role] = [
      unique('old-name'),
      unique('new-name'),
      unique('trusts-renamed'),
    ];
    const userId = xmlText(await ok({ Action: 'CreateUser', UserName: user }), 'UserId');
    await ok({
      Action: 'CreateRole',
      RoleName: role,
      AssumeRolePolicyDocument: trusting(`arn:aws:iam::${ACCOUNT}:user/${user}`),
    });
    await ok({ Action: 'UpdateUser', UserName: user, NewUserName: renamed, NewPath: '/moved/' });
    const now = `arn:aws:iam::${ACCOUNT}:user/moved/${renamed}`;
    expect(principalsOf(shown(await ok({ Action: 'GetRole', RoleName: role })))).toBe(now);
    await ok({ Action: 'CreateUser', UserName: user });
    expect(principalsOf(shown(await ok({ Action: 'GetRole', RoleName: role })))).toBe(now);
    const listed = await ok({ Action: 'ListRoles', PathPrefix: '/', MaxItems: '1000' });
    const mine = xmlAll(listed, 'member').find((m) => m.includes(`<RoleName>${role}<`))!;
    expect(principalsOf(shown(mine))).toBe(now);

    await ok({ Action: 'DeleteUser', UserName: renamed });
    expect(principalsOf(shown(await ok({ Action: 'GetRole', RoleName: role })))).toBe(userId);
  });

  it('a user moved to another path shows under its current ARN', async () => {
    const [user, role] = [unique('moving'), unique('trusts-moving')];
    await ok({ Action: 'CreateUser', UserName: user, Path: '/old/' });
    await ok({
      Action: 'CreateRole',
      RoleName: role,
      AssumeRolePolicyDocument: trusting(`arn:aws:iam::${ACCOUNT}:user/old/${user}`),
    });
    await ok({ Action: 'UpdateUser', UserName: user, NewPath: '/new/' });
    expect(principalsOf(shown(await ok({ Action: 'GetRole', RoleName: role })))).toBe(
      `arn:aws:iam::${ACCOUNT}:user/new/${user}`,
    );
  });
});
