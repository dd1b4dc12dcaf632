import { env, exports } from 'cloudflare:workers';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { DEMO_ACCOUNT } from '../helpers/aws.ts';
import { call } from '../helpers/worker.ts';
import { ISSUER, ORIGIN, mint, signedJson } from './helpers.ts';

const BASE = `${ORIGIN}/oidc/${DEMO_ACCOUNT}`;
const jwks = async () =>
  (await (await exports.default.fetch(`${BASE}/.well-known/jwks.json`)).json()) as {
    keys: Array<{ kid: string; d?: string }>;
  };

describe('the test issuer', { timeout: 30_000 }, () => {
  it('publishes a discovery document whose issuer is the https identifier to register', async () => {
    const res = await exports.default.fetch(`${BASE}/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Record<string, unknown>;
    expect(doc.issuer).toBe(ISSUER);
    expect(doc.jwks_uri).toBe(`${BASE}/.well-known/jwks.json`);
    expect(doc.id_token_signing_alg_values_supported).toEqual(['RS256']);
    expect(doc.claims_supported).toContain('repository');
  });

  it('mints tokens that verify against its JWKS, with a stable kid and no private key published', async () => {
    const a = await mint({
      claims: { sub: 'alice', team: 'blue' },
      audience: 'my-app',
      expiresIn: 120,
    });
    const b = await mint();
    expect(decodeProtectedHeader(a).kid).toBe(decodeProtectedHeader(b).kid);
    const set = await jwks();
    expect(set.keys.every((k) => k.d === undefined)).toBe(true);
    const { payload } = await jwtVerify(a, createLocalJWKSet(set as never), {
      issuer: ISSUER,
      audience: 'my-app',
    });
    expect(payload.sub).toBe('alice');
    expect(payload.team).toBe('blue');
    expect(Number(payload.exp) - Number(payload.iat)).toBe(120);
  });

  it('lets claims set exp, iat and nbf, but never iss', async () => {
    const t = decodeJwt(
      await mint({ claims: { iss: 'https://evil.example', exp: 1, iat: 0, nbf: 0 } }),
    );
    expect(t.iss).toBe(ISSUER);
    expect(t.exp).toBe(1);
  });

  it.each([
    { exp: 'tomorrow' },
    { exp: 2 ** 53 },
    { exp: 1e308 },
    { exp: -1 },
    { iat: 'now' },
    { nbf: [1] },
    { exp: { at: 1 } },
  ])('refuses claims %j: exp, iat and nbf are NumericDates (400, not a 500)', async (claims) => {
    const res = await signedJson(`/oidc/${DEMO_ACCOUNT}/token`, {
      claims: { sub: 's', ...claims },
    });
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(res.status).toBe(400);
    expect(body.error.code).toBe('ValidationError');
    expect(body.error.message).toContain('NumericDate');
    // So does the runner's endpoint, before it hands out a request token for them.
    const runner = await signedJson(`/oidc/${DEMO_ACCOUNT}/github/runner`, { claims });
    expect(runner.status).toBe(400);
  });

  it('has presets for GitHub Actions and EKS', async () => {
    const gh = decodeJwt(await mint({ preset: 'github-actions', repository: 'org/repo' }));
    expect(gh.sub).toBe('repo:org/repo:ref:refs/heads/main');
    expect(gh.repository_owner).toBe('org');
    expect(gh.aud).toBe('sts.amazonaws.com');
    const env2 = decodeJwt(
      await mint({ preset: 'github-actions', repository: 'org/repo', environment: 'prod' }),
    );
    expect(env2.sub).toBe('repo:org/repo:environment:prod');
    const eks = decodeJwt(await mint({ preset: 'eks', namespace: 'ns', serviceAccount: 'sa' }));
    expect(eks.sub).toBe('system:serviceaccount:ns:sa');
  });

  it('seals its private keys at rest', async () => {
    await mint();
    const stored = await env.IAM.get(`acct/${DEMO_ACCOUNT}/signing-keys/test-issuer`, 'text');
    expect(stored).toContain('"sealedPrivate":"v1.');
    expect(stored).not.toMatch(/"d":/);
  });

  it('rotates: the new key signs, the previous one still verifies', async () => {
    const before = await mint();
    const rotated = await signedJson(`/oidc/${DEMO_ACCOUNT}/keys/rotate`, {});
    expect(rotated.status).toBe(200);
    const after = await mint();
    expect(decodeProtectedHeader(after).kid).not.toBe(decodeProtectedHeader(before).kid);
    const set = createLocalJWKSet((await jwks()) as never);
    await jwtVerify(before, set);
    await jwtVerify(after, set);
  });

  it('answers a minted token no-store: it is a credential, never stored by a cache', async () => {
    const res = await signedJson(`/oidc/${DEMO_ACCOUNT}/token`, {});
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(((await res.json()) as { token: string }).token).toMatch(/^eyJ/);
  });

  it('refuses unsigned requests, other accounts and malformed bodies', async () => {
    const unsigned = await exports.default.fetch(`${BASE}/token`, { method: 'POST', body: '{}' });
    expect(unsigned.status).toBe(403);
    expect(((await unsigned.json()) as { error: { code: string } }).error.code).toBe(
      'MissingAuthenticationToken',
    );
    const other = await signedJson('/oidc/210987654321/token', {});
    expect(other.status).toBe(403);
    expect(((await other.json()) as { error: { code: string } }).error.code).toBe('AccessDenied');
    const bad = await signedJson(`/oidc/${DEMO_ACCOUNT}/token`, { expiresIn: 0 });
    expect(bad.status).toBe(400);
    const unknown = await signedJson(`/oidc/${DEMO_ACCOUNT}/token`, { colour: 'red' });
    expect(unknown.status).toBe(400);
    const iamScope = await signedJson(`/oidc/${DEMO_ACCOUNT}/token`, {}, undefined, 'iam');
    expect(iamScope.status).toBe(403);
  });

  it('mints for another issuer only when the account tagged that provider as served by it', async () => {
    const untagged = await signedJson(`/oidc/${DEMO_ACCOUNT}/token`, {
      issuer: 'https://token.actions.githubusercontent.com',
    });
    expect(untagged.status).toBe(400);
    const tagged = await call(
      {
        Action: 'CreateOpenIDConnectProvider',
        Url: 'https://gitlab.example.com',
        'ClientIDList.member.1': 'sts.amazonaws.com',
        'Tags.member.1.Key': 'rolecall:keys',
        'Tags.member.1.Value': 'test-issuer',
      },
      undefined,
      { service: 'iam' },
    );
    expect(tagged.status, tagged.body).toBe(200);
    const t = decodeJwt(await mint({ issuer: 'https://gitlab.example.com' }));
    expect(t.iss).toBe('https://gitlab.example.com');
  });

  it('answers 404 for a path that names no account', async () => {
    const res = await exports.default.fetch(`${ORIGIN}/oidc/abc/.well-known/jwks.json`);
    expect(res.status).toBe(404);
  });
});
