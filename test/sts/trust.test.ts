import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { applySeed } from '../../src/seed/apply.ts';
import { seedSchema } from '../../src/seed/schema.ts';
import { KvIamStore } from '../../src/store/kv.ts';
import type { Credentials } from '../helpers/aws.ts';
import { call } from './helpers.ts';

const A = '111122223333';
const B = '444455556666';
const key = (id: string): Credentials => ({
  accessKeyId: id,
  secretAccessKey: `secret-${id}-0123456789abcdef`,
});
const allowAssume = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }],
};
const trust = (principal: object) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole' }],
});

const users = {
  bare: 'AKIA2AAAAAAAAAAAAAA1', // no policies at all
  allowed: 'AKIA2AAAAAAAAAAAAAA2', // identity allows sts:AssumeRole
  bounded: 'AKIA2AAAAAAAAAAAAAA3', // allowed, but a boundary that does not allow sts:AssumeRole
  external: 'AKIA2AAAAAAAAAAAAAA4', // account B, identity allows sts:AssumeRole
  externalBare: 'AKIA2AAAAAAAAAAAAAA5', // account B, no policies
};

beforeAll(async () => {
  const seed = seedSchema.parse({
    accounts: [
      {
        id: A,
        policies: [
          {
            name: 'OnlyS3',
            document: {
              Version: '2012-10-17',
              Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
            },
          },
        ],
        users: [
          {
            name: 'bare',
            accessKeys: [
              { accessKeyId: users.bare, secretAccessKey: key(users.bare).secretAccessKey },
            ],
          },
          {
            name: 'allowed',
            inlinePolicies: { assume: allowAssume },
            accessKeys: [
              { accessKeyId: users.allowed, secretAccessKey: key(users.allowed).secretAccessKey },
            ],
          },
          {
            name: 'bounded',
            inlinePolicies: { assume: allowAssume },
            permissionsBoundary: `arn:aws:iam::${A}:policy/OnlyS3`,
            accessKeys: [
              { accessKeyId: users.bounded, secretAccessKey: key(users.bounded).secretAccessKey },
            ],
          },
        ],
        roles: [
          {
            name: 'names-bare',
            assumeRolePolicyDocument: trust({ AWS: `arn:aws:iam::${A}:user/bare` }),
          },
          {
            name: 'names-bounded',
            assumeRolePolicyDocument: trust({ AWS: `arn:aws:iam::${A}:user/bounded` }),
          },
          {
            name: 'names-root',
            assumeRolePolicyDocument: trust({ AWS: `arn:aws:iam::${A}:root` }),
          },
          { name: 'names-account-b', assumeRolePolicyDocument: trust({ AWS: B }) },
          {
            name: 'names-ext-user',
            assumeRolePolicyDocument: trust({ AWS: `arn:aws:iam::${B}:user/external-bare` }),
          },
        ],
      },
      {
        id: B,
        users: [
          {
            name: 'external',
            inlinePolicies: { assume: allowAssume },
            accessKeys: [
              { accessKeyId: users.external, secretAccessKey: key(users.external).secretAccessKey },
            ],
          },
          {
            name: 'external-bare',
            accessKeys: [
              {
                accessKeyId: users.externalBare,
                secretAccessKey: key(users.externalBare).secretAccessKey,
              },
            ],
          },
        ],
      },
    ],
  });
  await applySeed(env, new KvIamStore(env.IAM), seed, Date.now());
});

// "Policy evaluation logic", "Cross-account policy evaluation logic" and the STS API Reference, AssumeRole.
describe('trust policy evaluation for AssumeRole', () => {
  it.each([
    [
      'a trust policy naming the user directly suffices without any identity policy',
      users.bare,
      'names-bare',
      200,
    ],
    [
      'a trust policy naming only the account root also needs an identity allow (none)',
      users.bare,
      'names-root',
      403,
    ],
    [
      'a trust policy naming the account root with an identity allow',
      users.allowed,
      'names-root',
      200,
    ],
    [
      'a user named directly is still limited by a boundary that lacks sts:AssumeRole',
      users.bounded,
      'names-bounded',
      403,
    ],
    ['a user not named by a trust naming another user', users.allowed, 'names-bare', 403],
    [
      'cross-account: trust names the account and the caller identity allows',
      users.external,
      'names-account-b',
      200,
    ],
    [
      'cross-account: trust names the account but the caller identity does not allow',
      users.externalBare,
      'names-account-b',
      403,
    ],
    [
      'cross-account: trust names the user, but the user identity must still allow',
      users.externalBare,
      'names-ext-user',
      403,
    ],
  ])('%s', async (_, accessKeyId, roleName, status) => {
    const res = await call(
      {
        Action: 'AssumeRole',
        RoleArn: `arn:aws:iam::${A}:role/${roleName}`,
        RoleSessionName: 'trust-test',
      },
      key(accessKeyId),
    );
    expect(res.status, res.body).toBe(status);
    if (status === 403) expect(res.code).toBe('AccessDenied');
  });
});
