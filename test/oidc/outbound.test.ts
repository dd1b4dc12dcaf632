import { exports } from 'cloudflare:workers';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { DEMO_ACCOUNT, DEMO_ADMIN, xmlText, type Credentials } from '../helpers/aws.ts';
import { call } from '../helpers/worker.ts';
import { createRole } from './helpers.ts';

const iam = (params: Record<string, string>, credentials: Credentials = DEMO_ADMIN) =>
  call(params, credentials, { service: 'iam' });
const token = (params: Record<string, string>, credentials: Credentials = DEMO_ADMIN) =>
  call({ Action: 'GetWebIdentityToken', SigningAlgorithm: 'RS256', ...params }, credentials);

async function keysOf(issuer: string) {
  const path = new URL(issuer).pathname;
  const discovery = (await (
    await exports.default.fetch(`http://127.0.0.1:8787${path}/.well-known/openid-configuration`)
  ).json()) as { issuer: string; jwks_uri: string };
  expect(discovery.issuer).toBe(issuer);
  const jwks = await (await exports.default.fetch(discovery.jwks_uri)).json();
  return createLocalJWKSet(jwks as never);
}

describe('outbound web identity federation', { timeout: 30_000 }, () => {
  it('runs the whole life cycle as IAM and STS do', async () => {
    const before = await iam({ Action: 'GetOutboundWebIdentityFederationInfo' });
    expect([before.status, before.code]).toEqual([404, 'FeatureDisabled']);
    const refused = await token({ 'Audience.member.1': 'https://api.example.com' });
    expect([refused.status, refused.code]).toEqual([
      403,
      'OutboundWebIdentityFederationDisabledException',
    ]);

    const enabled = await iam({ Action: 'EnableOutboundWebIdentityFederation' });
    expect(enabled.status, enabled.body).toBe(200);
    const issuer = xmlText(enabled.body, 'IssuerIdentifier')!;
    expect(issuer).toMatch(/^http:\/\/127\.0\.0\.1:8787\/outbound\/[0-9a-f]{32}$/);
    const again = await iam({ Action: 'EnableOutboundWebIdentityFederation' });
    expect([again.status, again.code]).toEqual([409, 'FeatureEnabled']);
    const info = await iam({ Action: 'GetOutboundWebIdentityFederationInfo' });
    expect(xmlText(info.body, 'IssuerIdentifier')).toBe(issuer);
    expect(xmlText(info.body, 'JwtVendingEnabled')).toBe('true');

    const keys = await keysOf(issuer);
    for (const alg of ['RS256', 'ES384']) {
      const res = await token({
        'Audience.member.1': 'https://api.example.com',
        'Audience.member.2': 'https://other.example.com',
        SigningAlgorithm: alg,
        DurationSeconds: '120',
        'Tags.member.1.Key': 'job',
        'Tags.member.1.Value': 'nightly',
      });
      expect(res.status, res.body).toBe(200);
      const jwt = xmlText(res.body, 'WebIdentityToken')!;
      expect(decodeProtectedHeader(jwt).alg).toBe(alg);
      const { payload } = await jwtVerify(jwt, keys, {
        issuer,
        audience: 'https://api.example.com',
      });
      expect(payload.sub).toBe(`arn:aws:iam::${DEMO_ACCOUNT}:user/admin`);
      expect(Number(payload.exp) - Number(payload.iat)).toBe(120);
      expect(payload['https://sts.amazonaws.com/']).toMatchObject({
        aws_account: DEMO_ACCOUNT,
        request_tags: { job: 'nightly' },
      });
      expect(Date.parse(xmlText(res.body, 'Expiration')!)).toBe(Number(payload.exp) * 1000);
    }

    expect((await iam({ Action: 'DisableOutboundWebIdentityFederation' })).status).toBe(200);
    const off = await iam({ Action: 'GetOutboundWebIdentityFederationInfo' });
    expect(xmlText(off.body, 'JwtVendingEnabled')).toBe('false');
    const twice = await iam({ Action: 'DisableOutboundWebIdentityFederation' });
    expect([twice.status, twice.code]).toEqual([404, 'FeatureDisabled']);
    const denied = await token({ 'Audience.member.1': 'https://api.example.com' });
    expect(denied.code).toBe('OutboundWebIdentityFederationDisabledException');
    // Re-enabling keeps the issuer URL that verifiers were configured with.
    const back = await iam({ Action: 'EnableOutboundWebIdentityFederation' });
    expect(xmlText(back.body, 'IssuerIdentifier')).toBe(issuer);
  });

  it.each([
    ['no audience', {}, 'ValidationError'],
    [
      '11 audiences',
      Object.fromEntries(
        Array.from({ length: 11 }, (_, i) => [`Audience.member.${i + 1}`, `a${i}`]),
      ),
      'ValidationError',
    ],
    [
      'DurationSeconds under 60',
      { 'Audience.member.1': 'a', DurationSeconds: '59' },
      'ValidationError',
    ],
    [
      'DurationSeconds over 3600',
      { 'Audience.member.1': 'a', DurationSeconds: '3601' },
      'ValidationError',
    ],
    [
      'an unsupported algorithm',
      { 'Audience.member.1': 'a', SigningAlgorithm: 'HS256' },
      'ValidationError',
    ],
  ])('validates: %s', async (_name, params, code) => {
    await iam({ Action: 'EnableOutboundWebIdentityFederation' });
    const res = await token(params);
    expect(res.code, res.body).toBe(code);
  });

  it('authorizes with sts:IdentityTokenAudience and sts:DurationSeconds, and never outlives the session', async () => {
    await iam({ Action: 'EnableOutboundWebIdentityFederation' });
    const roleArn = await createRole('outbound-caller', {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${DEMO_ACCOUNT}:user/admin` },
          Action: 'sts:AssumeRole',
        },
      ],
    });
    const put = await iam({
      Action: 'PutRolePolicy',
      RoleName: 'outbound-caller',
      PolicyName: 'tokens',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 'sts:GetWebIdentityToken',
            Resource: '*',
            Condition: {
              'ForAllValues:StringEquals': {
                'sts:IdentityTokenAudience': 'https://api.example.com',
              },
              NumericLessThanEquals: { 'sts:DurationSeconds': '300' },
            },
          },
        ],
      }),
    });
    expect(put.status, put.body).toBe(200);
    const assumed = await call({
      Action: 'AssumeRole',
      RoleArn: roleArn,
      RoleSessionName: 'outbound',
      DurationSeconds: '900',
    });
    const session = {
      accessKeyId: xmlText(assumed.body, 'AccessKeyId')!,
      secretAccessKey: xmlText(assumed.body, 'SecretAccessKey')!,
      sessionToken: xmlText(assumed.body, 'SessionToken')!,
    };
    const ok = await token({ 'Audience.member.1': 'https://api.example.com' }, session);
    expect(ok.status, ok.body).toBe(200);
    const otherAudience = await token({ 'Audience.member.1': 'https://evil.example.com' }, session);
    expect(otherAudience.code).toBe('AccessDenied');
    const tooLong = await token(
      { 'Audience.member.1': 'https://api.example.com', DurationSeconds: '600' },
      session,
    );
    expect(tooLong.code).toBe('AccessDenied');
    // Allowed an hour, but not from a 15-minute session.
    const widePolicy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'sts:GetWebIdentityToken', Resource: '*' }],
    });
    await iam({
      Action: 'PutRolePolicy',
      RoleName: 'outbound-caller',
      PolicyName: 'tokens',
      PolicyDocument: widePolicy,
    });
    const res = await token({ 'Audience.member.1': 'a', DurationSeconds: '3600' }, session);
    expect([res.status, res.code]).toEqual([403, 'SessionDurationEscalationException']);
  });

  it('serves no documents for an unknown issuer id', async () => {
    const res = await exports.default.fetch(
      `http://127.0.0.1:8787/outbound/${'0'.repeat(32)}/.well-known/jwks.json`,
    );
    expect(res.status).toBe(404);
  });
});
