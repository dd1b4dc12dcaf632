import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { policySetOf } from '../../src/caller/policies.ts';
import { KvIamStore } from '../../src/store/kv.ts';
import { countingKv } from '../helpers/kv-count.ts';
import { seedAccounts, testAccount, userCaller } from '../iam/helpers.ts';

const doc = (action: string) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }],
});

describe('a principal’s policy set', () => {
  it('a user in ten groups of ten attached policies, ten of its own and a boundary: a few KV operations, every document in order', async () => {
    const account = testAccount('32000000');
    const arn = (n: string) => `arn:aws:iam::${account}:policy/${n}`;
    const policies = Array.from({ length: 111 }, (_, i) => ({
      name: `p${i}`,
      document: doc(`s3:Action${i}`),
    }));
    const groups = Array.from({ length: 10 }, (_, g) => ({
      name: `g${g}`,
      inlinePolicies: { own: doc(`ec2:Group${g}`) },
      attachedPolicies: Array.from({ length: 10 }, (_, k) => arn(`p${10 + g * 10 + k}`)),
    }));
    await seedAccounts([
      {
        id: account,
        policies,
        groups,
        users: [
          {
            name: 'u',
            inlinePolicies: { own: doc('sqs:User') },
            attachedPolicies: [
              ...Array.from({ length: 9 }, (_, k) => arn(`p${k}`)),
              'arn:aws:iam::aws:policy/ReadOnlyAccess',
            ],
            permissionsBoundary: arn('p110'),
            groups: groups.map((g) => g.name),
          },
        ],
      },
    ]);
    const user = (await new KvIamStore(env.IAM).get(account, 'user', 'u'))!;
    const { kv, ops } = countingKv();
    const set = await policySetOf(new KvIamStore(kv), userCaller(account, user));
    // Read one by one, this was 121 KV operations (ten groups, 111 policies).
    expect(ops()).toBeLessThanOrEqual(4);
    const identity = set.identity ?? [];
    const actions = identity.map((d) => JSON.parse(d as string).Statement[0].Action as string);
    expect(actions.slice(0, 10)).toEqual([
      'sqs:User',
      ...Array.from({ length: 9 }, (_, k) => `s3:Action${k}`),
    ]);
    // The AWS managed policy comes from the catalogue (no read), in its place.
    expect(JSON.stringify(identity[10])).not.toContain('s3:Action');
    expect(actions.slice(11, 22)).toEqual([
      'ec2:Group0',
      ...Array.from({ length: 10 }, (_, k) => `s3:Action${10 + k}`),
    ]);
    expect(identity.length).toBe(11 + 10 * 11);
    expect(JSON.parse(set.permissionsBoundary as string).Statement[0].Action).toBe('s3:Action110');
  });
});
