import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { presignedQuery, signerEncoded, xmlText } from '../helpers/aws.ts';
import { unique } from '../iam/helpers.ts';

/**
 * The signature covers what the operation reads: the canonical query string is built from the very
 * parameters the handler is given, and a SignedHeaders list the client made up is a signature error.
 */

async function presignedIam(query: Record<string, string>): Promise<URL> {
  const url = new URL('http://127.0.0.1:8787/');
  url.search = signerEncoded(
    await presignedQuery({
      service: 'iam',
      query: { Version: '2010-05-08', ...query },
      expiresIn: 300,
    }),
  );
  return url;
}

async function send(url: URL | string, init?: RequestInit) {
  const res = await exports.default.fetch(new Request(url, init));
  const body = await res.text();
  return { status: res.status, body, code: xmlText(body, 'Code') };
}

describe('query parameters are decoded once, for the signature and the operation alike', () => {
  it('a presigned URL works as signed (a `+` in a value stays a `+`)', async () => {
    const name = unique('plus');
    const url = await presignedIam({
      Action: 'CreateUser',
      UserName: name,
      'Tags.member.1.Key': 'k',
      'Tags.member.1.Value': 'a+b',
    });
    const created = await send(url);
    expect(created.status, created.body).toBe(200);
    const tags = await send(await presignedIam({ Action: 'ListUserTags', UserName: name }));
    expect(xmlText(tags.body, 'Value')).toBe('a+b');
  });

  it('turning a signed %2B into `+` (a space to the handler) breaks the signature', async () => {
    const name = unique('plus');
    const url = await presignedIam({
      Action: 'CreateUser',
      UserName: name,
      'Tags.member.1.Key': 'k',
      'Tags.member.1.Value': 'a+b',
    });
    expect(url.search).toContain('a%2Bb');
    const tampered = url.toString().replace('a%2Bb', 'a+b');
    const res = await send(tampered);
    expect({ status: res.status, code: res.code }, res.body).toEqual({
      status: 403,
      code: 'SignatureDoesNotMatch',
    });
    const after = await send(await presignedIam({ Action: 'GetUser', UserName: name }));
    expect(after.code).toBe('NoSuchEntity');
  });

  it('a `+` signed as a space (%20) is read as that space', async () => {
    const name = unique('space');
    const url = await presignedIam({
      Action: 'CreateUser',
      UserName: name,
      'Tags.member.1.Key': 'k',
      'Tags.member.1.Value': 'a b',
    });
    const res = await send(url.toString().replace('a%20b', 'a+b'));
    expect(res.status, res.body).toBe(200);
    const tags = await send(await presignedIam({ Action: 'ListUserTags', UserName: name }));
    expect(xmlText(tags.body, 'Value')).toBe('a b');
  });

  it('a parameter that is not UTF-8 once decoded is MalformedQueryString, not replaced', async () => {
    const res = await send(
      'http://127.0.0.1:8787/?Action=GetCallerIdentity&Version=2011-06-15&x=%FF',
    );
    expect({ status: res.status, code: res.code }).toEqual({
      status: 400,
      code: 'MalformedQueryString',
    });
  });
});
