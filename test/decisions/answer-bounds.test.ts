import { beforeAll, describe, expect, it } from 'vitest';
import { DETAIL_CHARS, jsonChars, TRACE_CHARS } from '../../src/decisions/evaluate.ts';
import { ACCOUNT } from '../iam/helpers.ts';
import { evaluation, evaluations, s3, seedDemo, user } from './helpers.ts';

beforeAll(seedDemo, 60_000);

/** A resource policy of `n` statements, each comparing the context key `aws:x`. */
const policy = (n: number) => ({
  Version: '2012-10-17',
  Statement: Array.from({ length: n }, (_, i) => ({
    Effect: 'Allow',
    Principal: '*',
    Action: 's3:GetObject',
    Resource: '*',
    Condition: { StringEquals: { 'aws:x': `a${i}` } },
  })),
});
/** 200 KB of request values for `aws:x`: every condition's trace echoes all of them. */
const bigContext = { 'aws:x': Array.from({ length: 200 }, (_, i) => `${i}${'b'.repeat(1000)}`) };

const ask = (n: number, context?: object) => ({
  subject: user(ACCOUNT, 'admin'),
  action: { name: 's3:GetObject' },
  resource: { ...s3('b/k'), properties: { policy: policy(n) } },
  ...(context ? { context } : {}),
  options: { trace: true },
});

/**
 * Traces echo values per statement and per condition, so one request could make an answer of
 * hundreds of megabytes: a single evaluation of a 200 KB request answered 10 MB, and a batch
 * sharing it 500 times that. At most TRACE_CHARS characters of traces per request.
 */
describe('traces and matched statements are bounded per request', () => {
  it('a trace that would pass the bound is left out, with the reason', async () => {
    const a = await evaluation(ask(50, bigContext));
    expect(a.status).toBe(200);
    expect(a.body.decision).toBe(true);
    expect(a.body.context?.trace).toBeUndefined();
    expect(a.body.context?.traceOmitted).toMatch(/would exceed 1000000 characters/);
    expect(JSON.stringify(a.body).length).toBeLessThan(100_000);
  });

  it('a small trace is given as before', async () => {
    const a = await evaluation(ask(3));
    expect(a.body.context?.trace?.policies[0]?.statements).toHaveLength(3);
    expect(a.body.context?.traceOmitted).toBeUndefined();
  });

  it('a batch: traces until the bound, then none', async () => {
    const { options, ...defaults } = ask(100);
    const a = await evaluations({
      ...defaults,
      options,
      evaluations: Array.from({ length: 500 }, () => ({})),
    });
    expect(a.status).toBe(200);
    const answers = a.body.evaluations!;
    expect(answers).toHaveLength(500);
    const traced = answers.filter((e) => e.context.trace !== undefined);
    expect(traced.length).toBeGreaterThan(0);
    expect(traced.length).toBeLessThan(500);
    expect(JSON.stringify(traced.map((e) => e.context.trace)).length).toBeLessThanOrEqual(
      TRACE_CHARS,
    );
    expect(answers[499]!.context.traceOmitted).toBeDefined();
  });

  it('matched statements: until the bound, then left out with the reason', async () => {
    // 300 statements that all apply: every answer lists all 300 (8 MB for 500 items before).
    const all = {
      Version: '2012-10-17',
      Statement: Array.from({ length: 300 }, () => ({
        Effect: 'Allow',
        Principal: '*',
        Action: '*',
        Resource: '*',
      })),
    };
    const a = await evaluations({
      subject: user(ACCOUNT, 'admin'),
      action: { name: 's3:GetObject' },
      resource: { ...s3('b/k'), properties: { policy: all } },
      evaluations: Array.from({ length: 500 }, () => ({})),
    });
    expect(a.status).toBe(200);
    const answers = a.body.evaluations!;
    expect(answers.every((e) => e.decision)).toBe(true);
    expect(answers[0]!.context.matchedStatements!.length).toBeGreaterThanOrEqual(300);
    expect(answers[499]!.context.matchedStatements).toBeUndefined();
    expect(answers[499]!.context.detailsOmitted).toMatch(/would exceed 2000000 characters/);
    expect(answers[499]!.context.reason).toBe('allowed');
    const listed = answers.map((e) => e.context.matchedStatements ?? []);
    expect(JSON.stringify(listed).length).toBeLessThanOrEqual(DETAIL_CHARS);
  });

  it('jsonChars counts at least the JSON text of ASCII values, and stops past its limit', () => {
    const value = { a: ['x', 'yy', { b: 'zzz', c: [1, true, null] }], d: '' };
    expect(jsonChars(value, Infinity)).toBeGreaterThanOrEqual(JSON.stringify(value).length);
    expect(jsonChars(value, 10)).toBe(Infinity);
  });
});
