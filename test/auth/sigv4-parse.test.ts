import { describe, expect, it } from 'vitest';
import { parseSigV4, type SigV4Input } from '../../src/auth/sigv4.ts';
import { awsErrorOf } from './helpers.ts';

const SIG = 'a'.repeat(64);
const CRED = 'AKIAIOSFODNN7EXAMPLE/20261128/us-east-1/sts/aws4_request';

function req(headers: Record<string, string>, url = 'http://127.0.0.1:8787/'): SigV4Input {
  return { method: 'POST', url, headers: new Headers(headers), body: new Uint8Array() };
}

function auth(value: string, extra: Record<string, string> = {}): SigV4Input {
  return req({
    host: '127.0.0.1:8787',
    'x-amz-date': '20261128T123456Z',
    authorization: value,
    ...extra,
  });
}

describe('no authentication at all', () => {
  it.each([
    ['no Authorization header', req({ host: 'x' })],
    ['an empty Authorization header', req({ host: 'x', authorization: '  ' })],
    ['unrelated query parameters', req({ host: 'x' }, 'http://x/?Action=GetCallerIdentity')],
  ])('%s gives null (the caller answers MissingAuthenticationToken)', (_n, r) => {
    expect(parseSigV4(r)).toBeNull();
  });
});

describe('AWS messages for malformed Authorization headers', () => {
  it.each([
    [
      'every part missing',
      req({ host: 'x', authorization: 'AWS4-HMAC-SHA256' }),
      'IncompleteSignature',
      "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256",
    ],
    [
      'Signature missing',
      auth(`AWS4-HMAC-SHA256 Credential=${CRED}, SignedHeaders=host;x-amz-date`),
      'IncompleteSignature',
      `Authorization header requires 'Signature' parameter. Authorization=AWS4-HMAC-SHA256 Credential=${CRED}, SignedHeaders=host;x-amz-date`,
    ],
    [
      'a part without an equals sign',
      auth(`AWS4-HMAC-SHA256 Credential=${CRED}, SignedHeaders, Signature=${SIG}`),
      'IncompleteSignature',
      `'SignedHeaders' not a valid key=value pair (missing equal-sign) in Authorization header: 'AWS4-HMAC-SHA256 Credential=${CRED}, SignedHeaders, Signature=${SIG}'.`,
    ],
    [
      'a malformed X-Amz-Date',
      auth(`AWS4-HMAC-SHA256 Credential=${CRED}, SignedHeaders=host;x-amz-date, Signature=${SIG}`, {
        'x-amz-date': '2026-11-28T12:34:56Z',
      }),
      'IncompleteSignature',
      "Date must be in ISO-8601 'basic format'. Got '2026-11-28T12:34:56Z'. See http://en.wikipedia.org/wiki/ISO_8601",
    ],
    [
      'host not signed',
      auth(`AWS4-HMAC-SHA256 Credential=${CRED}, SignedHeaders=x-amz-date, Signature=${SIG}`),
      'SignatureDoesNotMatch',
      "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    ],
    [
      'another algorithm',
      auth(`AWS4-HMAC-SHA512 Credential=${CRED}, SignedHeaders=host;x-amz-date, Signature=${SIG}`),
      'IncompleteSignature',
      "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512' (only AWS4-HMAC-SHA256 for now). ",
    ],
    [
      'a short credential',
      auth(
        `AWS4-HMAC-SHA256 Credential=AKID/20261128/us-east-1, SignedHeaders=host, Signature=${SIG}`,
      ),
      'IncompleteSignature',
      "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKID/20261128/us-east-1'",
    ],
    [
      'a wrong terminator and date',
      auth(
        `AWS4-HMAC-SHA256 Credential=AKID/20261127/us-east-1/sts/aws5_request, SignedHeaders=host, Signature=${SIG}`,
      ),
      'SignatureDoesNotMatch',
      "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20261127' != '20261128', from '20261128T123456Z'.",
    ],
    [
      'a region longer than any region code',
      auth(
        `AWS4-HMAC-SHA256 Credential=AKID/20261128/${'r'.repeat(33)}/sts/aws4_request, SignedHeaders=host, Signature=${SIG}`,
      ),
      'SignatureDoesNotMatch',
      `Credential should be scoped to a valid region, not '${'r'.repeat(33)}'.`,
    ],
  ])('%s', async (_name, r, code, message) => {
    const err = await awsErrorOf(() => parseSigV4(r));
    expect(err.code).toBe(code);
    expect(err.message).toBe(message);
    expect(err.status).toBe(code === 'IncompleteSignature' ? 400 : 403);
  });

  it('the scope service can be required', async () => {
    const r = auth(
      `AWS4-HMAC-SHA256 Credential=${CRED.replace('/sts/', '/s3/')}, SignedHeaders=host, Signature=${SIG}`,
    );
    const err = await awsErrorOf(() => parseSigV4(r, { services: ['sts', 'iam'] }));
    expect(err.code).toBe('SignatureDoesNotMatch');
    expect(err.message).toBe("Credential should be scoped to correct service: 'sts'.");
    expect(parseSigV4(r)?.scope.service).toBe('s3');
  });

  it('a Date header stands in for X-Amz-Date', () => {
    const r = req({
      host: 'x',
      date: 'Sat, 28 Nov 2026 12:34:56 GMT',
      authorization: `AWS4-HMAC-SHA256 Credential=${CRED}, SignedHeaders=date;host, Signature=${SIG}`,
    });
    expect(parseSigV4(r)?.amzDate).toBe('20261128T123456Z');
  });

  it('reads the parts in any order and with extra spaces', () => {
    const r = auth(
      `AWS4-HMAC-SHA256   Signature=${SIG},SignedHeaders=host;x-amz-date ,  Credential=${CRED}`,
    );
    const parsed = parseSigV4(r);
    expect(parsed).toMatchObject({
      kind: 'header',
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      scope: { date: '20261128', region: 'us-east-1', service: 'sts' },
      credentialScope: '20261128/us-east-1/sts/aws4_request',
      signedHeaders: 'host;x-amz-date',
      signature: SIG,
      amzDate: '20261128T123456Z',
      signedAt: Date.UTC(2026, 10, 28, 12, 34, 56),
    });
    expect(parsed?.securityToken).toBeUndefined();
  });
});

describe('presigned query strings', () => {
  const base = 'http://127.0.0.1:8787/?Action=GetCallerIdentity&Version=2011-06-15';

  it('names every missing parameter', async () => {
    const err = await awsErrorOf(() =>
      parseSigV4(req({ host: 'x' }, `${base}&X-Amz-Signature=${SIG}`)),
    );
    expect(err.code).toBe('IncompleteSignature');
    expect(err.message).toBe(
      "AWS query-string parameters must include 'X-Amz-Algorithm'. AWS query-string parameters must include 'X-Amz-Credential'. AWS query-string parameters must include 'X-Amz-SignedHeaders'. AWS query-string parameters must include 'X-Amz-Date'. Re-examine the query-string parameters.",
    );
  });

  it('rejects an X-Amz-Expires over a week', async () => {
    const url = `${base}&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${encodeURIComponent(CRED)}&X-Amz-Date=20261128T123456Z&X-Amz-SignedHeaders=host&X-Amz-Signature=${SIG}&X-Amz-Expires=604801`;
    const err = await awsErrorOf(() => parseSigV4(req({ host: 'x' }, url)));
    expect(err.code).toBe('IncompleteSignature');
  });
});

describe('a SignedHeaders list longer than the request', () => {
  const many = (names: string[], extra: Record<string, string> = {}) =>
    auth(
      `AWS4-HMAC-SHA256 Credential=${CRED}, SignedHeaders=${names.join(';')}, Signature=${SIG}`,
      extra,
    );
  const TOO_MANY =
    "'SignedHeaders' names more headers than the request carries: each signed header must be sent, and listed once.";

  it.each([
    ['60,000 times host', Array<string>(60_000).fill('host')],
    ['15,000 distinct names', Array.from({ length: 15_000 }, (_, i) => `x-h${i}`)],
    [
      '17 names, 3 headers sent',
      ['host', 'x-amz-date', ...Array.from({ length: 15 }, (_, i) => `x-${i}`)],
    ],
  ])('%s is SignatureDoesNotMatch before anything reads it', async (_n, names) => {
    const err = await awsErrorOf(() => parseSigV4(many(names)));
    expect({ code: err.code, status: err.status, message: err.message }).toEqual({
      code: 'SignatureDoesNotMatch',
      status: 403,
      message: TOO_MANY,
    });
  });

  it('up to as many names as headers sent, plus host and :authority, are read as sent', () => {
    const extra = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`x-${i}`, 'v']));
    const names = [':authority', 'host', 'x-amz-date', ...Object.keys(extra).sort()];
    // authorization is a header too, so the request carries one header more than it signs.
    expect(parseSigV4(many([...names, 'authorization'], extra))?.signedHeaders).toBe(
      [...names, 'authorization'].join(';'),
    );
    expect(parseSigV4(many([...names, 'authorization', 'x-1'], extra))).not.toBeNull();
    expect(() => parseSigV4(many([...names, 'authorization', 'x-1', 'x-2'], extra))).toThrow(
      TOO_MANY,
    );
  });

  it('the presigned form is bounded alike', async () => {
    const list = Array<string>(5000).fill('host').join(';');
    const url = `http://127.0.0.1:8787/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${encodeURIComponent(CRED)}&X-Amz-Date=20261128T123456Z&X-Amz-SignedHeaders=${list}&X-Amz-Signature=${SIG}`;
    const err = await awsErrorOf(() => parseSigV4(req({ host: 'x' }, url)));
    expect(err.message).toBe(TOO_MANY);
  });
});
