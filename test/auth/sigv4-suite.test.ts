import { describe, expect, it } from 'vitest';
import suite from '../fixtures/sigv4/aws-test-suite.json';
import { parseSigV4, verifySigV4, type SigV4Input } from '../../src/auth/sigv4.ts';
import { awsEncode, awsErrorOf } from './helpers.ts';

const now = new Date('2015-08-30T12:36:00Z');
const scope = `${suite.amzDate.slice(0, 8)}/${suite.region}/${suite.service}/aws4_request`;

type Case = (typeof suite.cases)[number];

function request(c: Case, signature = c.signature): SigV4Input {
  const path = c.path
    .split('/')
    .map((s) => awsEncode(s))
    .join('/');
  const qs = c.query.map(([k, v]) => `${awsEncode(k)}=${awsEncode(v)}`).join('&');
  const headers = new Headers(
    Object.entries(c.headers).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
  headers.set('x-amz-date', suite.amzDate);
  headers.set(
    'authorization',
    `AWS4-HMAC-SHA256 Credential=${suite.accessKeyId}/${scope}, SignedHeaders=${c.signedHeaders}, Signature=${signature}`,
  );
  return {
    method: c.method,
    url: `https://example.amazonaws.com${path}${qs ? `?${qs}` : ''}`,
    headers,
    body: new TextEncoder().encode(c.body),
  };
}

describe('AWS SigV4 test suite vectors', () => {
  it.each(suite.cases)('$name verifies with the documented signature', async (c) => {
    const parsed = parseSigV4(request(c), { now });
    expect(parsed).not.toBeNull();
    expect(parsed?.accessKeyId).toBe('AKIDEXAMPLE');
    expect(parsed?.scope).toEqual({ date: '20150830', region: 'us-east-1', service: 'service' });
    await expect(verifySigV4(parsed!, suite.secretAccessKey, now)).resolves.toBeUndefined();
  });

  it.each(suite.cases)('$name fails with a different secret', async (c) => {
    const parsed = parseSigV4(request(c))!;
    const err = await awsErrorOf(() =>
      verifySigV4(parsed, 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEZ', now),
    );
    expect(err.code).toBe('SignatureDoesNotMatch');
  });

  it.each(suite.cases)('$name fails with a one-character change to the signature', async (c) => {
    const flipped = (c.signature[0] === '0' ? '1' : '0') + c.signature.slice(1);
    const parsed = parseSigV4(request(c, flipped))!;
    const err = await awsErrorOf(() => verifySigV4(parsed, suite.secretAccessKey, now));
    expect(err.code).toBe('SignatureDoesNotMatch');
    expect(err.status).toBe(403);
  });
});
