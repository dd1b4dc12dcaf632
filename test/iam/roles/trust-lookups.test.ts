import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { Caller } from '../../../src/caller/types.ts';
import { iamOperations } from '../../../src/iam/operations.ts';
import { KvIamStore } from '../../../src/store/kv.ts';
import { countingEnv } from '../../helpers/kv-count.ts';
import { seedAccounts, testAccount, directContext, userCaller } from '../helpers.ts';

const ROLES = 30;
const USERS = 200;
const TRUSTED = 40;

/**
 * An account of ROLES roles, each in an instance profile and trusting TRUSTED of USERS users (every
 * user trusted by some role), then a tenth of the users deleted: their ids are what IAM displays.
 */
async function account(): Promise<{ id: string; caller: Caller; deleted: string[] }> {
  const id = testAccount('31000000');
  const all = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
  };
  const user = (i: number) => `u${String(i).padStart(3, '0')}`;
  const roles = Array.from({ length: ROLES }, (_, r) => ({
    name: `r${String(r).padStart(2, '0')}`,
    assumeRolePolicyDocument: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: {
            AWS: Array.from(
              { length: TRUSTED },
              (_, k) => `arn:aws:iam::${id}:user/${user((r * 7 + k * 5) % USERS)}`,
            ),
          },
          Action: 'sts:AssumeRole',
        },
      ],
    },
  }));
  await seedAccounts([
    {
      id,
      users: [
        { name: 'admin', inlinePolicies: { all } },
        ...Array.from({ length: USERS }, (_, i) => ({ name: user(i) })),
      ],
      roles,
    },
  ]);
  const store = new KvIamStore(env.IAM);
  for (const r of roles) {
    const role = (await store.get(id, 'role', r.name))!;
    expect(Object.keys(role.trustPrincipalIds ?? {}).length).toBe(TRUSTED);
    await store.put(id, 'instanceprofile', r.name, {
      name: r.name,
      path: '/',
      id: `AIPA${r.name.toUpperCase().padEnd(17, 'X')}`,
      arn: `arn:aws:iam::${id}:instance-profile/${r.name}`,
      createDate: Date.now(),
      roles: [{ name: role.name, id: role.id }],
      tags: [],
    });
  }
  const deleted: string[] = [];
  for (let i = 0; i < USERS; i += 10) {
    deleted.push((await store.get(id, 'user', user(i)))!.id);
    await store.delete(id, 'user', user(i));
  }
  const admin = (await store.get(id, 'user', 'admin'))!;
  return {
    id,
    deleted,
    caller: userCaller(id, admin),
  };
}

async function run(action: string, params: Record<string, string>, caller: Caller) {
  const counted = countingEnv();
  const operation = iamOperations[action]!;
  if (operation.auth !== 'sigv4') throw new Error(action);
  const result = await operation.run(directContext(counted.env, params), caller);
  return { text: JSON.stringify(result), ops: counted.ops() };
}

describe('a page of roles reads the principals their trust policies name in bulk', () => {
  it(
    'ListRoles, GetAccountAuthorizationDetails and ListInstanceProfiles: a few KV operations for 30 roles naming 200 users',
    { timeout: 60_000 },
    async () => {
      const { caller, deleted } = await account();
      // Read one by one, each page took a KV read per distinct principal (200), and one more per
      // deleted user (20) to look for a new name, plus a last use per role: 250 and more.
      for (const [action, params] of [
        ['ListRoles', { MaxItems: '1000' }],
        ['GetAccountAuthorizationDetails', { MaxItems: '1000', 'Filter.member.1': 'Role' }],
        ['ListInstanceProfiles', { MaxItems: '1000' }],
      ] as const) {
        const { text, ops } = await run(action, params, caller);
        expect(ops, action).toBeLessThan(40);
        // Every role is there; a deleted user shows as its unique id, a present one as its ARN.
        expect(new Set(text.match(/"RoleName":"r\d\d"/g)).size, action).toBe(ROLES);
        for (const id of deleted) expect(text, action).toContain(id);
        expect(decodeURIComponent(text), action).toContain(`user/u001`);
      }
    },
  );
});
