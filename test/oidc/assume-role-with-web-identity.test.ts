import { SignJWT, generateKeyPair } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNT, DEMO_ADMIN, xmlText } from '../helpers/aws.ts';
import { call } from '../helpers/worker.ts';
import {
  ISSUER,
  PROVIDER_ARN,
  assumeWithToken,
  createRole,
  mint,
  registerTestIssuer,
  trustFor,
} from './helpers.ts';

const SUB_KEY = `127.0.0.1:8787/oidc/${DEMO_ACCOUNT}:sub`;
let roleArn: string;

beforeAll(async () => {
  await registerTestIssuer();
  roleArn = await createRole(
    'wi-main-only',
    trustFor(PROVIDER_ARN, { StringEquals: { [SUB_KEY]: 'repo:org/app:ref:refs/heads/main' } }),
  );
});

const mainToken = (extra: Record<string, unknown> = {}) =>
  mint({ preset: 'github-actions', repository: 'org/app', ...extra });

describe('AssumeRoleWithWebIdentity with the test issuer', { timeout: 30_000 }, () => {
  it('issues credentials that authenticate as the assumed role', async () => {
    const res = await assumeWithToken({ RoleArn: roleArn, WebIdentityToken: await mainToken() });
    expect(res.status, res.body).toBe(200);
    expect(res.tag('SubjectFromWebIdentityToken')).toBe('repo:org/app:ref:refs/heads/main');
    expect(res.tag('Provider')).toBe(PROVIDER_ARN);
    expect(res.tag('Audience')).toBe('sts.amazonaws.com');
    expect(res.tag('Arn')).toBe(`arn:aws:sts::${DEMO_ACCOUNT}:assumed-role/wi-main-only/ci`);
    const who = await call(
      { Action: 'GetCallerIdentity' },
      {
        accessKeyId: res.tag('AccessKeyId')!,
        secretAccessKey: res.tag('SecretAccessKey')!,
        sessionToken: res.tag('SessionToken')!,
      },
    );
    expect(who.status, who.body).toBe(200);
    expect(xmlText(who.body, 'Arn')).toBe(
      `arn:aws:sts::${DEMO_ACCOUNT}:assumed-role/wi-main-only/ci`,
    );
  });

  it('carries session tags and the source identity from the token', async () => {
    const token = await mainToken({
      claims: {
        'https://aws.amazon.com/tags': {
          principal_tags: { team: ['platform'] },
          transitive_tag_keys: ['team'],
        },
        'https://aws.amazon.com/source_identity': 'alice',
      },
    });
    const res = await assumeWithToken({ RoleArn: roleArn, WebIdentityToken: token });
    expect(res.status, res.body).toBe(200);
    expect(res.tag('SourceIdentity')).toBe('alice');
    expect(Number(res.tag('PackedPolicySize'))).toBeGreaterThan(0);
  });

  it.each([
    ['a sub the trust policy does not name', { ref: 'refs/heads/feature' }, 'AccessDenied', 403],
    ['an expired token', { bad: 'expired' }, 'ExpiredTokenException', 400],
    ['a token for another audience', { bad: 'wrong-audience' }, 'InvalidIdentityToken', 400],
    ['a token signed by another key', { bad: 'other-key' }, 'InvalidIdentityToken', 400],
  ])('refuses %s', async (_name, extra, code, status) => {
    const res = await assumeWithToken({
      RoleArn: roleArn,
      WebIdentityToken: await mainToken(extra),
    });
    expect(res.code, res.body).toBe(code);
    expect(res.status).toBe(status);
  });

  it('words the errors as STS does', async () => {
    const expired = await assumeWithToken({
      RoleArn: roleArn,
      WebIdentityToken: await mainToken({ bad: 'expired' }),
    });
    expect(expired.message).toMatch(
      /^Token expired: current date\/time \d+ must be before the expiration date\/time \d+$/,
    );
    const audience = await assumeWithToken({
      RoleArn: roleArn,
      WebIdentityToken: await mainToken({ bad: 'wrong-audience' }),
    });
    expect(audience.message).toBe('Incorrect token audience');
    const denied = await assumeWithToken({
      RoleArn: roleArn,
      WebIdentityToken: await mainToken({ ref: 'refs/heads/dev' }),
    });
    expect(denied.message).toBe('Not authorized to perform sts:AssumeRoleWithWebIdentity');
  });

  it('refuses alg none and an unknown key id', async () => {
    const b64 = (o: unknown) =>
      btoa(JSON.stringify(o)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: ISSUER,
      sub: 'repo:org/app:ref:refs/heads/main',
      aud: 'sts.amazonaws.com',
      exp: now + 300,
      iat: now,
    };
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
    const res = await assumeWithToken({ RoleArn: roleArn, WebIdentityToken: none });
    expect(res.code, res.body).toBe('InvalidIdentityToken');

    const { privateKey } = await generateKeyPair('ES256');
    const unknownKid = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: 'not-a-key-of-this-issuer' })
      .sign(privateKey);
    const res2 = await assumeWithToken({ RoleArn: roleArn, WebIdentityToken: unknownKid });
    expect(res2.code, res2.body).toBe('InvalidIdentityToken');
  });

  it('needs a provider for the issuer in the role account', async () => {
    const now = Math.floor(Date.now() / 1000);
    const { privateKey } = await generateKeyPair('RS256');
    const token = await new SignJWT({ sub: 'x', aud: 'sts.amazonaws.com' })
      .setProtectedHeader({ alg: 'RS256' })
      .setIssuer('https://issuer.invalid/nobody')
      .setIssuedAt(now)
      .setExpirationTime(now + 300)
      .sign(privateKey);
    const res = await assumeWithToken({ RoleArn: roleArn, WebIdentityToken: token });
    expect(res.code).toBe('InvalidIdentityToken');
    expect(res.message).toBe(
      'No OpenIDConnect provider found in your account for https://issuer.invalid/nobody',
    );
  });

  it.each([
    ['a lone surrogate', 'https://issuer.invalid/\ud800'],
    ['more than KV can hold as a key', 'https://' + '\u00e9'.repeat(250)],
  ])('an issuer with %s names no provider (400, not a 500)', async (_, iss) => {
    // Unsigned: nothing is checked before the issuer's provider is looked up.
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const token = `${b64({ alg: 'RS256', kid: 'k' })}.${b64({ iss, sub: 'x', aud: 'sts.amazonaws.com', exp: 4102444800 })}.${'A'.repeat(342)}`;
    const res = await assumeWithToken({ RoleArn: roleArn, WebIdentityToken: token });
    expect(res.status, res.body).toBe(400);
    expect(res.code).toBe('InvalidIdentityToken');
    expect(res.message).toMatch(/^No OpenIDConnect provider found in your account for /);
  });

  it('answers IDPCommunicationError when the issuer cannot be reached', async () => {
    const unreachable = 'https://127.0.0.1:1/unreachable';
    const created = await call(
      {
        Action: 'CreateOpenIDConnectProvider',
        Url: unreachable,
        'ClientIDList.member.1': 'sts.amazonaws.com',
      },
      DEMO_ADMIN,
      { service: 'iam' },
    );
    expect(created.status, created.body).toBe(200);
    const now = Math.floor(Date.now() / 1000);
    const { privateKey } = await generateKeyPair('RS256');
    const token = await new SignJWT({ sub: 'x', aud: 'sts.amazonaws.com' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(unreachable)
      .setIssuedAt(now)
      .setExpirationTime(now + 300)
      .sign(privateKey);
    const res = await assumeWithToken({ RoleArn: roleArn, WebIdentityToken: token });
    expect(res.code, res.body).toBe('IDPCommunicationError');
    expect(res.status).toBe(400);
  });

  it.each([
    ['not a JWT', { WebIdentityToken: 'not-a-jwt-at-all' }, 'InvalidIdentityToken'],
    ['a token under 4 characters', { WebIdentityToken: 'abc' }, 'ValidationError'],
    ['a token over 20000 characters', { WebIdentityToken: 'a'.repeat(20001) }, 'ValidationError'],
    ['a bad session name', { RoleSessionName: 'a b' }, 'ValidationError'],
    ['DurationSeconds under 900', { DurationSeconds: '899' }, 'ValidationError'],
  ])('validates: %s', async (_name, params, code) => {
    const res = await assumeWithToken({
      RoleArn: roleArn,
      WebIdentityToken: 'eyJhbGciOiJSUzI1NiJ9.e30.sig',
      ...params,
    });
    expect(res.code, res.body).toBe(code);
  });

  it('does not echo the token in validation errors', async () => {
    const res = await assumeWithToken({ RoleArn: roleArn, WebIdentityToken: 'abc' });
    expect(res.message).not.toContain("'abc'");
  });

  it('answers AccessDenied for a role that does not exist', async () => {
    const res = await assumeWithToken({
      RoleArn: `arn:aws:iam::${DEMO_ACCOUNT}:role/no-such-role`,
      WebIdentityToken: await mainToken(),
    });
    expect(res.code).toBe('AccessDenied');
  });

  it("caps DurationSeconds at the role's MaxSessionDuration", async () => {
    const res = await assumeWithToken({
      RoleArn: roleArn,
      WebIdentityToken: await mainToken(),
      DurationSeconds: '7200',
    });
    expect(res.code).toBe('ValidationError');
    expect(res.message).toBe(
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    );
  });
});
