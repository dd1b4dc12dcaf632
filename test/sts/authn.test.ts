import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { DEMO_ADMIN, signedRequest, xmlText } from '../helpers/aws.ts';
import { answer as send } from '../helpers/worker.ts';
import { assumeRole, call, role } from './helpers.ts';

/** Copies a signed request, changing one thing after signing. */
async function tampered(
  change: (headers: Headers, body: string) => string | void,
): Promise<Request> {
  const req = await signedRequest({ Action: 'GetCallerIdentity' }, DEMO_ADMIN);
  const headers = new Headers(req.headers);
  let body = await req.text();
  body = change(headers, body) ?? body;
  return new Request(req.url, { method: 'POST', headers, body });
}

describe('SigV4 authentication errors', () => {
  it('GetCallerIdentity as the demo admin', async () => {
    const res = await call({ Action: 'GetCallerIdentity' });
    expect(res.status).toBe(200);
    expect(xmlText(res.body, 'Arn')).toBe('arn:aws:iam::123456789012:user/admin');
    expect(xmlText(res.body, 'UserId')).toMatch(/^AIDA[A-Z0-9]{17}$/);
    expect(xmlText(res.body, 'Account')).toBe('123456789012');
  });

  it('MissingAuthenticationToken without Authorization', async () => {
    const res = await send(
      new Request('http://127.0.0.1:8787/', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'Action=GetCallerIdentity&Version=2011-06-15',
      }),
    );
    expect(res.status).toBe(403);
    expect(res.code).toBe('MissingAuthenticationToken');
  });

  it('errors carry the same request id in the header and the envelope', async () => {
    const res = await exports.default.fetch(
      await signedRequest(
        { Action: 'GetCallerIdentity' },
        { ...DEMO_ADMIN, secretAccessKey: 'w'.repeat(40) },
      ),
    );
    const body = await res.text();
    expect(res.headers.get('x-amzn-RequestId')).toMatch(/^[0-9a-f-]{36}$/);
    expect(xmlText(body, 'RequestId')).toBe(res.headers.get('x-amzn-RequestId'));
  });

  it('InvalidClientTokenId for an unknown access key', async () => {
    const res = await call(
      { Action: 'GetCallerIdentity' },
      { accessKeyId: 'AKIAZZZZZZZZZZZZZZZZ', secretAccessKey: 'x'.repeat(40) },
    );
    expect(res.status).toBe(403);
    expect(res.code).toBe('InvalidClientTokenId');
    expect(res.message).toBe('The security token included in the request is invalid.');
  });

  it('SignatureDoesNotMatch for a wrong secret', async () => {
    const res = await call(
      { Action: 'GetCallerIdentity' },
      { ...DEMO_ADMIN, secretAccessKey: 'y'.repeat(40) },
    );
    expect(res.status).toBe(403);
    expect(res.code).toBe('SignatureDoesNotMatch');
  });

  it.each([
    ['the body', (_h: Headers, b: string) => b.replace('GetCallerIdentity', 'GetSessionToken')],
    [
      'the x-amz-date header',
      // A different second, whatever the signing second was (59 would be left alone by '59').
      (h: Headers) =>
        void h.set(
          'x-amz-date',
          h.get('x-amz-date')!.replace(/\d\dZ$/, (ss) => (ss === '59Z' ? '58Z' : '59Z')),
        ),
    ],
    ['the host header', (h: Headers) => void h.set('host', 'evil.example.com')],
    [
      'the content-type header',
      (h: Headers) => void h.set('content-type', 'application/x-www-form-urlencoded'),
    ],
    [
      'the signature',
      (h: Headers) =>
        void h.set(
          'authorization',
          h
            .get('authorization')!
            .replace(
              /Signature=([0-9a-f])/,
              (_m, c: string) => `Signature=${c === '0' ? '1' : '0'}`,
            ),
        ),
    ],
    [
      'the region in the scope',
      (h: Headers) =>
        void h.set('authorization', h.get('authorization')!.replace('/us-east-1/', '/eu-west-1/')),
    ],
  ])('SignatureDoesNotMatch when %s is altered after signing', async (_, change) => {
    const res = await send(await tampered(change));
    expect(res.status, res.body).toBe(403);
    expect(res.code).toBe('SignatureDoesNotMatch');
  });

  it('SignatureDoesNotMatch (Signature expired) when the signing date is more than 15 minutes off', async () => {
    const req = await signedRequest({ Action: 'GetCallerIdentity' }, DEMO_ADMIN, {
      signingDate: new Date(Date.now() - 16 * 60_000),
    });
    const res = await exports.default.fetch(req);
    const body = await res.text();
    expect(res.status).toBe(403);
    expect(xmlText(body, 'Code')).toBe('SignatureDoesNotMatch');
    expect(xmlText(body, 'Message')).toMatch(
      /^Signature expired: \d{8}T\d{6}Z is now earlier than /,
    );
    // The server's clock, from which the SDKs correct their skew.
    expect(Math.abs(Date.parse(res.headers.get('Date')!) - Date.now())).toBeLessThan(5000);
  });

  it('accepts any region in the scope', async () => {
    const res = await call({ Action: 'GetCallerIdentity' }, DEMO_ADMIN, {
      region: 'ap-southeast-2',
    });
    expect(res.status).toBe(200);
  });

  it('IncompleteSignature for an unparseable Authorization header', async () => {
    const res = await send(
      new Request('http://127.0.0.1:8787/', {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: 'AWS4-HMAC-SHA256 garbage',
          'x-amz-date': '20261128T000000Z',
        },
        body: 'Action=GetCallerIdentity&Version=2011-06-15',
      }),
    );
    expect(res.status).toBe(400);
    expect(res.code).toBe('IncompleteSignature');
  });

  // Two Authorization headers reach the Worker as one value joined by ", " (RFC 9110 5.3). Before,
  // the parser kept the first header's Credential and the last one's Signature, and accepted the
  // pair when either signature was good.
  const otherSignature = (a: string) =>
    a.replace(/Signature=[0-9a-f]{64}/, `Signature=${'0'.repeat(64)}`);
  it.each([
    ['the same header twice', (a: string) => [a, a]],
    ['a bad signature, then the good one', (a: string) => [otherSignature(a), a]],
    ['the good signature, then a bad one', (a: string) => [a, otherSignature(a)]],
  ])('two Authorization headers (%s): IncompleteSignature', async (_n, pair) => {
    const res = await send(
      await tampered((headers) => {
        const [first, second] = pair(headers.get('authorization')!);
        headers.set('authorization', first!);
        headers.append('authorization', second!);
      }),
    );
    expect({ status: res.status, code: res.code }, res.body).toEqual({
      status: 400,
      code: 'IncompleteSignature',
    });
    expect(res.message).toMatch(/^Authorization header has a repeated 'Credential' parameter/);
  });

  it('a parameter repeated within one Authorization header: IncompleteSignature', async () => {
    const res = await send(
      await tampered((headers) => {
        const a = headers.get('authorization')!;
        headers.set('authorization', `${a}, Signature=${'0'.repeat(64)}`);
      }),
    );
    expect(res.code).toBe('IncompleteSignature');
    expect(res.message).toMatch(/^Authorization header has a repeated 'Signature' parameter/);
  });
});

describe('session tokens', () => {
  it('a forged token is InvalidClientTokenId', async () => {
    const creds = await assumeRole({ RoleArn: role('demo-readonly'), RoleSessionName: 'forge' });
    const t = creds.sessionToken!;
    const flipped = t.slice(0, 20) + (t[20] === 'A' ? 'B' : 'A') + t.slice(21);
    for (const sessionToken of [flipped, t.slice(0, -4), 'FwoGZXIvYXdzEXAMPLE']) {
      const res = await call({ Action: 'GetCallerIdentity' }, { ...creds, sessionToken });
      expect(res.status).toBe(403);
      expect(res.code).toBe('InvalidClientTokenId');
    }
  });

  it("a token paired with another session's key is rejected", async () => {
    const a = await assumeRole({ RoleArn: role('demo-readonly'), RoleSessionName: 'sa' });
    const b = await assumeRole({ RoleArn: role('demo-readonly'), RoleSessionName: 'sb' });
    const res = await call({ Action: 'GetCallerIdentity' }, { ...a, sessionToken: b.sessionToken });
    expect(res.code).toBe('InvalidClientTokenId');
  });

  it('an ASIA key without a token is rejected', async () => {
    const a = await assumeRole({ RoleArn: role('demo-readonly'), RoleSessionName: 'sa' });
    const res = await call(
      { Action: 'GetCallerIdentity' },
      { accessKeyId: a.accessKeyId, secretAccessKey: a.secretAccessKey },
    );
    expect(res.code).toBe('InvalidClientTokenId');
  });
});

describe('request shape errors never 500', () => {
  it.each([
    ['an unknown Action', 'Action=DoSomething&Version=2011-06-15', 'InvalidAction', 400],
    ['no Action', 'Version=2011-06-15', 'MissingAction', 400],
  ])('%s', async (_, body, code, status) => {
    const req = await signedRequest({}, DEMO_ADMIN);
    const res = await send(new Request(req.url, { method: 'POST', headers: req.headers, body }));
    expect(res.status).toBe(status);
    expect(res.code).toBe(code);
  });

  it('a JSON body is refused with 415', async () => {
    const res = await send(
      new Request('http://127.0.0.1:8787/', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      }),
    );
    expect(res.status).toBe(415);
  });

  it('a non-UTF-8 body is a 400', async () => {
    const res = await send(
      new Request('http://127.0.0.1:8787/', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new Uint8Array([0x41, 0x3d, 0xff, 0xfe]),
      }),
    );
    expect(res.status).toBe(400);
  });

  it('an oversized body is refused', async () => {
    const res = await send(
      new Request('http://127.0.0.1:8787/', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'Action=GetCallerIdentity&Pad=' + 'a'.repeat(300_000),
      }),
    );
    expect(res.status).toBe(413);
  });
});
