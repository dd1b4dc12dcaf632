import { beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT, doc, unique, userWithKey } from '../iam/helpers.ts';
import { evaluations, s3, user, seedDemo } from './helpers.ts';

beforeAll(seedDemo, 60_000);

const POLICY = doc([{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::open/*' }]);

describe('POST /access/v1/evaluations', () => {
  const batch = async (semantic?: string) => {
    const u = await userWithKey(POLICY);
    return evaluations({
      subject: user(ACCOUNT, u.userName),
      action: { name: 's3:GetObject' },
      ...(semantic ? { options: { evaluations_semantic: semantic } } : {}),
      evaluations: [
        { resource: s3('open/1') },
        { resource: s3('closed/2') },
        { resource: s3('open/3') },
      ],
    });
  };

  const cases: Array<[string | undefined, boolean[]]> = [
    [undefined, [true, false, true]],
    ['execute_all', [true, false, true]],
    ['deny_on_first_deny', [true, false]],
    ['permit_on_first_permit', [true]],
  ];
  it.each(cases)('semantic %s answers %j in order', async (semantic, expected) => {
    const a = await batch(semantic);
    expect(a.status, JSON.stringify(a.body)).toBe(200);
    expect(a.body.evaluations?.map((e) => e.decision)).toEqual(expected);
    expect(a.body.decision).toBeUndefined();
  });

  it('items override the defaults entity by entity; an item missing one fails alone', async () => {
    const u = await userWithKey(POLICY);
    const other = await userWithKey(doc([{ Effect: 'Allow', Action: 's3:*', Resource: '*' }]));
    const a = await evaluations({
      subject: user(ACCOUNT, u.userName),
      action: { name: 's3:GetObject' },
      resource: s3('open/default'),
      context: { 'aws:SourceIp': '203.0.113.9' },
      evaluations: [
        {},
        { action: { name: 's3:PutObject' } },
        { subject: user(ACCOUNT, other.userName), action: { name: 's3:PutObject' } },
        { resource: { type: 'aws_resource' } },
        { resource: s3('closed/x'), context: { 'aws:SourceIp': 'not an ip' } },
      ],
    });
    expect(a.status, JSON.stringify(a.body)).toBe(200);
    expect(a.body.evaluations?.map((e) => e.decision)).toEqual([true, false, true, false, false]);
    expect(a.body.evaluations?.[3]?.context.error).toEqual({
      status: 400,
      message: 'evaluations[3].resource.id is required',
    });
  });

  it('without items it answers as a single evaluation', async () => {
    const u = await userWithKey(POLICY);
    for (const extra of [{}, { evaluations: [] }]) {
      const a = await evaluations({
        subject: user(ACCOUNT, u.userName),
        action: { name: 's3:GetObject' },
        resource: s3('open/1'),
        ...extra,
      });
      expect(a.status).toBe(200);
      expect(a.body.decision).toBe(true);
      expect(a.body.evaluations).toBeUndefined();
    }
  });

  it('takes 500 items in one request and refuses more', async () => {
    const u = await userWithKey(POLICY);
    const items = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ resource: s3(i % 2 ? `open/${i}` : `closed/${i}`) }));
    const base = { subject: user(ACCOUNT, u.userName), action: { name: 's3:GetObject' } };
    const a = await evaluations({ ...base, evaluations: items(500) });
    expect(a.status).toBe(200);
    expect(a.body.evaluations).toHaveLength(500);
    expect(a.body.evaluations?.[1]?.decision).toBe(true);
    expect(a.body.evaluations?.[2]?.decision).toBe(false);
    const b = await evaluations({ ...base, evaluations: items(501) });
    expect(b.status).toBe(400);
    expect(b.body.error?.message).toBe('evaluations must have at most 500 items');
  });

  it('an unknown subject among others fails only its own items', async () => {
    const u = await userWithKey(POLICY);
    const a = await evaluations({
      action: { name: 's3:GetObject' },
      resource: s3('open/1'),
      evaluations: [
        { subject: user(ACCOUNT, unique('nobody')) },
        { subject: user(ACCOUNT, u.userName) },
      ],
    });
    expect(a.body.evaluations?.map((e) => [e.decision, e.context.error?.status])).toEqual([
      [false, 404],
      [true, undefined],
    ]);
  });
});
