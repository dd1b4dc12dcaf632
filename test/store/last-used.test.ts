import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import {
  lastUse,
  RECORD_INTERVAL_MS,
  recordUse,
  TRACKING_PERIOD_S,
} from '../../src/store/last-used.ts';

const ACCOUNT = '123456789012';
let n = 0;
const freshId = () => `AKIATESTLASTUSED${(Date.now() + n++).toString(36).toUpperCase()}`;

describe('last-use tracking', () => {
  it('answers null for an id never used, then the first use at once', async () => {
    const id = freshId();
    expect(await lastUse(env.IAM, ACCOUNT, id)).toBeNull();
    const use = { date: Date.now(), service: 'sts', region: 'eu-west-1' };
    await recordUse(env.IAM, ACCOUNT, id, use);
    expect(await lastUse(env.IAM, ACCOUNT, id)).toEqual(use);
  });

  it('writes an id at most once per interval, then again once the interval has passed', async () => {
    const id = freshId();
    const t = Date.now();
    await recordUse(env.IAM, ACCOUNT, id, { date: t, service: 'sts', region: 'us-east-1' });
    const within = { date: t + RECORD_INTERVAL_MS - 1, service: 'iam', region: 'us-east-1' };
    await recordUse(env.IAM, ACCOUNT, id, within);
    expect((await lastUse(env.IAM, ACCOUNT, id))?.date).toBe(t);
    const after = { date: t + RECORD_INTERVAL_MS, service: 'iam', region: 'us-east-1' };
    await recordUse(env.IAM, ACCOUNT, id, after);
    expect(await lastUse(env.IAM, ACCOUNT, id)).toEqual(after);
  });

  it("keeps a record for IAM's 400-day tracking period, then lets KV drop it", async () => {
    const id = freshId();
    const t = Date.now();
    await recordUse(env.IAM, ACCOUNT, id, { date: t, service: 'sts', region: 'us-east-1' });
    const listed = await env.IAM.list({ prefix: `acct/${ACCOUNT}/lastused/${id}` });
    expect(listed.keys).toHaveLength(1);
    expect(listed.keys[0]!.expiration).toBe(Math.ceil(t / 1000) + TRACKING_PERIOD_S);
  });
});
