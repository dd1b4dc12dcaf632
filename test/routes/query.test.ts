import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { DEMO_ADMIN, presignedQuery, signedRequest, xmlText } from '../helpers/aws.ts';
import { call } from '../sts/helpers.ts';

describe('query protocol edges', () => {
  it.each(['toString', 'constructor', '__proto__', 'hasOwnProperty'])(
    'Action=%s is InvalidAction, not a 500',
    async (action) => {
      const res = await call({ Action: action });
      expect(res.status).toBe(400);
      expect(res.code).toBe('InvalidAction');
      expect(res.message).toBe(`Could not find operation ${action} for version 2011-06-15`);
    },
  );

  // Errors raised before the parameters are read (a body that is not UTF-8 once decoded, one too
  // large) are in the namespace of the service the signature is scoped to: they were always STS's.
  it.each([
    ['iam', 'Action=ListRoles&Version=2010-05-08&PathPrefix=%ED%A0%80', 'MalformedQueryString'],
    ['iam', 'Action=ListRoles&Pad=' + 'a'.repeat(300_000), 'RequestEntityTooLarge'],
    ['sts', 'Action=GetCallerIdentity&Version=2011-06-15&X=%ED%A0%80', 'MalformedQueryString'],
  ] as const)('a request signed for %s that cannot be read: %#', async (service, body, code) => {
    const signed = await signedRequest({ Action: 'ListRoles' }, DEMO_ADMIN, { service });
    const res = await exports.default.fetch(
      new Request(signed.url, { method: 'POST', headers: signed.headers, body }),
    );
    const text = await res.text();
    expect(xmlText(text, 'Code')).toBe(code);
    const ns = {
      iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
      sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
    };
    expect(text).toMatch(new RegExp(`^<ErrorResponse xmlns="${ns[service]}">`));
  });

  it('Version=toString unsigned is a 4xx', async () => {
    const res = await exports.default.fetch('http://127.0.0.1:8787/', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=GetCallerIdentity&Version=toString',
    });
    expect(res.status).toBeLessThan(500);
  });

  it('parameters may come in the URL of a POST', async () => {
    const req = await signedRequest({ Action: 'GetCallerIdentity' }, DEMO_ADMIN);
    const moved = new Request(
      'http://127.0.0.1:8787/?Action=GetCallerIdentity&Version=2011-06-15',
      {
        method: 'POST',
        headers: req.headers,
        body: '',
      },
    );
    // The signature covered an empty query and a body: moving them breaks it, as it would with AWS.
    expect((await exports.default.fetch(moved)).status).toBe(403);
  });

  it('answers are never stored by a cache: credentials from a presigned GET are no-store', async () => {
    const query = { Action: 'GetSessionToken', Version: '2011-06-15' };
    const q = new URLSearchParams(await presignedQuery({ service: 'sts', query, expiresIn: 60 }));
    const res = await exports.default.fetch(`http://127.0.0.1:8787/?${q}`);
    const body = await res.text();
    expect(res.status, body).toBe(200);
    expect(xmlText(body, 'SecretAccessKey')).toBeDefined();
    expect(res.headers.get('cache-control')).toBe('no-store');
  });
});
