import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { DEMO_ADMIN, xmlText } from '../helpers/aws.ts';

async function send(url: string, init: RequestInit) {
  const res = await exports.default.fetch(new Request(url, init));
  const body = await res.text();
  return { status: res.status, body, code: xmlText(body, 'Code') };
}

describe('a SignedHeaders list naming headers no request can carry', () => {
  const AUTH = (signed: string) =>
    `AWS4-HMAC-SHA256 Credential=${DEMO_ADMIN.accessKeyId}/${new Date()
      .toISOString()
      .slice(0, 10)
      .replace(
        /-/g,
        '',
      )}/us-east-1/sts/aws4_request, SignedHeaders=${signed}, Signature=${'0'.repeat(64)}`;

  it.each([
    'content-type;host;bad name;x-amz-date',
    'host;x-amz-date;é',
    'host;x-amz-date;a\tb',
    ':authority;x-amz-date',
    'host;;x-amz-date',
    'host;x-amz-date;(comment)',
  ])('%j is SignatureDoesNotMatch, never a 500', async (signed) => {
    const amzDate = new Date()
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '');
    const res = await send('http://127.0.0.1:8787/', {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-amz-date': amzDate,
        authorization: AUTH(signed),
      },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    expect({ status: res.status, code: res.code }, res.body).toEqual({
      status: 403,
      code: 'SignatureDoesNotMatch',
    });
  });
});
