import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { DEMO_ADMIN, signedRequest } from './helpers/aws.ts';
import { evaluation, s3, user } from './decisions/helpers.ts';

const BASE = 'http://127.0.0.1:8787';
const form = { 'content-type': 'application/x-www-form-urlencoded' };
const json = { 'content-type': 'application/json' };

/**
 * Every answer of the Worker, JSON or XML, success or error, carries nosniff: they echo request
 * values, and a browser must not read one as script, style or HTML (docs/security.md).
 */
describe('X-Content-Type-Options: nosniff on every answer', () => {
  const requests: Array<[string, () => Promise<Request> | Request]> = [
    ['query API answer (XML)', () => signedRequest({ Action: 'GetCallerIdentity' }, DEMO_ADMIN)],
    [
      'query API error (XML)',
      () =>
        new Request(BASE, {
          method: 'POST',
          headers: form,
          body: 'Action=GetCallerIdentity&Version=2011-06-15',
        }),
    ],
    [
      'AssumeRoleWithWebIdentity error (XML)',
      () =>
        new Request(BASE, {
          method: 'POST',
          headers: form,
          body: 'Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn:aws:iam::123456789012:role/x&RoleSessionName=s&WebIdentityToken=<script>',
        }),
    ],
    [
      '/v1/simulate answer',
      () =>
        new Request(`${BASE}/v1/simulate`, {
          method: 'POST',
          headers: json,
          body: JSON.stringify({
            policies: { identity: [{ Version: '2012-10-17', Statement: [] }] },
            request: { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k' },
          }),
        }),
    ],
    [
      '/v1/simulate error',
      () => new Request(`${BASE}/v1/simulate`, { method: 'POST', headers: json, body: '{' }),
    ],
    [
      'AuthZEN 401',
      () =>
        new Request(`${BASE}/access/v1/evaluation`, { method: 'POST', headers: json, body: '{}' }),
    ],
    ['AuthZEN metadata', () => new Request(`${BASE}/.well-known/authzen-configuration`)],
    [
      'test issuer discovery',
      () => new Request(`${BASE}/oidc/123456789012/.well-known/openid-configuration`),
    ],
    ['test issuer JWKS', () => new Request(`${BASE}/oidc/123456789012/.well-known/jwks.json`)],
    [
      'token endpoint error',
      () =>
        new Request(`${BASE}/oidc/123456789012/token`, {
          method: 'POST',
          headers: json,
          body: '{}',
        }),
    ],
    [
      'demo sandbox refusal',
      () => new Request(`${BASE}/demo/v1/sandbox`, { method: 'POST', body: 'x' }),
    ],
    ['/health', () => new Request(`${BASE}/health`)],
    ['an unknown path', () => new Request(`${BASE}/nothing/here`)],
    ['admin refusal', () => new Request(`${BASE}/admin/v1/apply`, { method: 'POST' })],
  ];
  it.each(requests)('%s', async (_name, make) => {
    const res = await exports.default.fetch(await make());
    await res.arrayBuffer();
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('an AuthZEN decision', async () => {
    const a = await evaluation({
      subject: user('123456789012', 'admin'),
      action: { name: 's3:GetObject' },
      resource: s3('b/k'),
    });
    expect(a.status).toBe(200);
    expect(a.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
