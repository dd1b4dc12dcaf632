import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/policy/index.ts';
import { simulateRoutes } from '../../src/routes/simulate.ts';

const ALICE = 'arn:aws:iam::111122223333:user/alice';
const request = {
  principal: ALICE,
  action: 's3:GetObject',
  resource: 'arn:aws:s3:::reports/q3.csv',
};
const allow = {
  Version: '2012-10-17',
  Statement: [
    { Sid: 'Read', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/*' },
  ],
};

function post(body: string, contentType = 'application/json') {
  return simulateRoutes.request('/', {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  });
}

async function errorOf(res: Response) {
  return ((await res.json()) as { error: { code: string; message: string; policy?: string } })
    .error;
}

describe('POST /v1/simulate', () => {
  it('answers a decision with its matched statements', async () => {
    const res = await post(JSON.stringify({ request, policies: { identity: [allow] } }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      decision: 'allowed',
      matchedStatements: [{ policy: 'identity[0]', statement: 0, sid: 'Read', effect: 'Allow' }],
      missingContextKeys: [],
    });
  });

  it('answers implicitDeny when policies are omitted', async () => {
    const res = await post(JSON.stringify({ request }));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { decision: string }).decision).toBe('implicitDeny');
  });

  it('refuses malformed JSON with 400', async () => {
    const res = await post('{"request": ');
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe('MalformedRequest');
  });

  it('refuses a non-JSON content type with 415', async () => {
    const res = await post(JSON.stringify({ request }), 'text/plain');
    expect(res.status).toBe(415);
  });

  it('refuses bodies over 128 KiB with 413', async () => {
    const big = JSON.stringify({ request, padding: 'x'.repeat(300 * 1024) });
    const res = await post(big);
    expect(res.status).toBe(413);
    expect((await errorOf(res)).code).toBe('RequestEntityTooLarge');
  });

  it.each([
    [{ request: { ...request, action: 42 } }, 'request.action must be a string'],
    [{ request: { ...request, extra: 1 } }, 'request.extra is not a known field'],
    [{ request, extra: true }, 'extra is not a known field'],
    [{ request, policies: { identity: allow } }, 'policies.identity must be an array'],
    [{ request, policies: { rcp: allow } }, 'policies.rcp must be an array of levels'],
    [{ request, policies: { rcp: [null] } }, 'policies.rcp[0] must be a policy document'],
    [
      { request: { ...request, context: { 'aws:SourceIp': { a: 1 } } } },
      'request.context.aws:SourceIp',
    ],
    [
      { request: { ...request, action: 'GetObject' } },
      'request.action must look like service:Action',
    ],
    [{ policies: {} }, 'request is required'],
    [[], 'body must be an object'],
  ])('names the bad field: %j', async (body, message) => {
    const res = await post(JSON.stringify(body));
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe('InvalidInput');
    expect(error.message).toContain(message);
  });

  it('decides an action with whitespace as the library does: matched as given, not refused', async () => {
    // One validation for the HTTP body and the library (policy/input.ts): IAM constrains action
    // names by length only, so "s3:Get Object" is evaluated, and only a wildcard covers it.
    const odd = { ...request, action: 's3:Get Object' };
    const wildcard = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:Get*', Resource: '*' }],
    };
    for (const identity of [[allow], [wildcard]]) {
      const res = await post(JSON.stringify({ request: odd, policies: { identity } }));
      expect(res.status).toBe(200);
      const body = (await res.json()) as { decision: string };
      expect(body.decision).toBe(identity[0] === allow ? 'implicitDeny' : 'allowed');
      expect(simulate({ request: odd, policies: { identity } }).decision).toBe(body.decision);
    }
  });

  it('refuses a principal it cannot read with 400', async () => {
    const res = await post(JSON.stringify({ request: { ...request, principal: 'alice' } }));
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe('InvalidInput');
  });

  it('answers an invalid policy with MalformedPolicyDocument naming the policy', async () => {
    const bad = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject' }] };
    const res = await post(JSON.stringify({ request, policies: { identity: [allow, bad] } }));
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toEqual({
      code: 'MalformedPolicyDocument',
      message: 'Policy statement must contain resources.',
      policy: 'identity[1]',
    });
  });

  it('is mounted on the Worker at /v1/simulate', async () => {
    const res = await exports.default.fetch('http://x/v1/simulate', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ request, policies: { identity: [allow] } }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { decision: string }).decision).toBe('allowed');
  });
});
