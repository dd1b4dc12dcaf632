import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateAll } from '../../src/decisions/evaluate.ts';
import { loadPolicies } from '../../src/decisions/policy-sets.ts';
import { parseEvaluations } from '../../src/decisions/request.ts';
import { KvIamStore } from '../../src/store/kv.ts';
import { ACCOUNT, seedAccounts, testAccount } from '../iam/helpers.ts';
import { s3, seedDemo, user } from './helpers.ts';
import { countingKv } from '../helpers/kv-count.ts';

beforeAll(seedDemo, 60_000);

/**
 * A resource policy object that counts how often it is serialized: every compilation of it
 * starts with JSON.stringify (which calls toJSON).
 */
function countedPolicy(statements: number): { policy: object; serialized: () => number } {
  let count = 0;
  const document = {
    Version: '2012-10-17',
    Statement: Array.from({ length: statements }, (_, i) => ({
      Sid: `s${i}`,
      Effect: 'Allow',
      Principal: '*',
      Action: ['s3:Get*', 's3:List*'],
      Resource: `arn:aws:s3:::bucket/${i}/*`,
    })),
  };
  const policy = {
    toJSON: () => {
      count++;
      return document;
    },
  };
  return { policy, serialized: () => count };
}

async function batch(policy: object, items: number) {
  const request = parseEvaluations(
    {
      subject: user(ACCOUNT, 'admin'),
      action: { name: 's3:GetObject' },
      resource: { ...s3('bucket/1/k'), properties: { policy } },
      evaluations: Array.from({ length: items }, () => ({})),
    },
    true,
  );
  const store = new KvIamStore(env.IAM);
  return evaluateAll(env, store, { kind: 'bearer', account: ACCOUNT }, request, Date.now());
}

/**
 * Items that inherit the request's resource policy share it: it is serialized and compiled once
 * per request, and a policy the evaluator refuses is refused once, not validated again per item
 * (500 items of one 24 KB oversized policy took 600 ms of CPU, a request of 26 KB).
 */
describe("one request's resource policy is compiled once", () => {
  it('an accepted policy shared by 500 items', async () => {
    const { policy, serialized } = countedPolicy(20);
    const { answers } = await batch(policy, 500);
    expect(answers).toHaveLength(500);
    expect(answers.every((a) => a.decision)).toBe(true);
    expect(serialized()).toBe(1);
  });

  it('a refused (oversized) policy shared by 500 items', async () => {
    const { policy, serialized } = countedPolicy(250);
    const { answers } = await batch(policy, 500);
    expect(answers).toHaveLength(500);
    expect(answers[499]!.context.error?.message).toMatch(/PolicySize: 20480/);
    expect(serialized()).toBe(1);
  });
});

describe("a subject's policies", () => {
  it('ten groups of ten attached policies, ten of its own and a boundary: read in a few KV operations', async () => {
    const account = testAccount('37000000');
    const arn = (n: string) => `arn:aws:iam::${account}:policy/${n}`;
    const doc = (action: string) => ({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }],
    });
    const groups = Array.from({ length: 10 }, (_, g) => ({
      name: `g${g}`,
      attachedPolicies: Array.from({ length: 10 }, (_, k) => arn(`p${10 + g * 10 + k}`)),
    }));
    await seedAccounts([
      {
        id: account,
        policies: Array.from({ length: 111 }, (_, i) => ({
          name: `p${i}`,
          document: doc(`s3:Action${i}`),
        })),
        groups,
        users: [
          {
            name: 'u',
            attachedPolicies: Array.from({ length: 10 }, (_, k) => arn(`p${k}`)),
            permissionsBoundary: arn('p110'),
            groups: groups.map((g) => g.name),
          },
        ],
      },
    ]);
    const record = (await new KvIamStore(env.IAM).get(account, 'user', 'u'))!;
    const { kv, ops } = countingKv();
    const loaded = await loadPolicies(new KvIamStore(kv), {
      account,
      principal: record.arn,
      entityArn: record.arn,
      user: record,
    });
    // Read one by one, this was 120 KV operations; a batch may resolve 25 such subjects.
    expect(ops()).toBeLessThanOrEqual(4);
    expect(loaded.set.identity?.length).toBe(110);
    expect(JSON.parse(loaded.set.permissionsBoundary as string).Statement[0].Action).toBe(
      's3:Action110',
    );
    expect(loaded.sources['identity[10]']).toBe(arn('p10'));
  });
});
