import { env } from 'cloudflare:workers';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { DEMO_ADMIN } from '../helpers/aws.ts';
import { call } from '../helpers/worker.ts';
import { applySeed, SeedError } from '../../src/seed/apply.ts';
import { KvIamStore } from '../../src/store/kv.ts';
import { assumeWithToken } from './helpers.ts';

const ACCOUNT = '123456789012';
const ISSUER = 'https://offline-issuer.example.com';

describe('a provider with inline keys (seed file)', { timeout: 30_000 }, () => {
  it('verifies tokens with the given keys, without any fetch', async () => {
    // The demo account exists once any request has been served.
    await call({ Action: 'GetCallerIdentity' }, DEMO_ADMIN);
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'offline-1' };
    await applySeed(
      env,
      new KvIamStore(env.IAM),
      {
        accounts: [
          {
            id: ACCOUNT,
            oidcProviders: [{ url: ISSUER, clientIds: ['my-app'], jwks: { keys: [jwk] } }],
            roles: [
              {
                name: 'offline-oidc',
                assumeRolePolicyDocument: {
                  Version: '2012-10-17',
                  Statement: [
                    {
                      Effect: 'Allow',
                      Principal: {
                        Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/offline-issuer.example.com`,
                      },
                      Action: 'sts:AssumeRoleWithWebIdentity',
                      Condition: { StringEquals: { 'offline-issuer.example.com:sub': 'worker-7' } },
                    },
                  ],
                },
              },
            ],
          },
        ],
      },
      Date.now(),
    );
    const now = Math.floor(Date.now() / 1000);
    const sign = (sub: string) =>
      new SignJWT({ sub, aud: 'my-app' })
        .setProtectedHeader({ alg: 'ES256', kid: 'offline-1' })
        .setIssuer(ISSUER)
        .setIssuedAt(now)
        .setExpirationTime(now + 300)
        .sign(privateKey);
    const ok = await assumeWithToken({
      RoleArn: `arn:aws:iam::${ACCOUNT}:role/offline-oidc`,
      WebIdentityToken: await sign('worker-7'),
    });
    expect(ok.status, ok.body).toBe(200);
    expect(ok.tag('Audience')).toBe('my-app');
    const denied = await assumeWithToken({
      RoleArn: `arn:aws:iam::${ACCOUNT}:role/offline-oidc`,
      WebIdentityToken: await sign('worker-8'),
    });
    expect(denied.code).toBe('AccessDenied');

    const craft = (claims: Record<string, unknown>) =>
      new SignJWT({
        aud: 'my-app',
        iss: ISSUER,
        exp: now + 300,
        iat: now,
        sub: 'worker-7',
        ...claims,
      })
        .setProtectedHeader({ alg: 'ES256', kid: 'offline-1' })
        .sign(privateKey);
    const answer = async (claims: Record<string, unknown>) => {
      const res = await assumeWithToken({
        RoleArn: `arn:aws:iam::${ACCOUNT}:role/offline-oidc`,
        WebIdentityToken: await craft(claims),
      });
      return res.status === 200 ? 'ok' : `${res.code}: ${res.message}`;
    };
    expect(await answer({ sub: undefined })).toBe(
      'InvalidIdentityToken: Missing a required claim: sub',
    );
    expect(await answer({ aud: undefined })).toBe(
      'InvalidIdentityToken: Missing a required claim: aud',
    );
    expect(await answer({ iat: now + 3600 })).toMatch(/^InvalidIdentityToken: /);
    expect(await answer({ nbf: now + 3600 })).toMatch(/^InvalidIdentityToken: /);
    expect(await answer({ exp: now - 30 })).toBe('ok');
    expect(await answer({ exp: now - 120 })).toMatch(/^ExpiredTokenException: Token expired/);
    expect(await answer({ aud: ['other', 'my-app'] })).toBe('ok');
    expect(await answer({ aud: 'other', azp: 'my-app' })).toBe('ok');
  });

  it('refuses a key set holding a private key', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const leaked = await exportJWK(privateKey);
    await expect(
      applySeed(
        env,
        new KvIamStore(env.IAM),
        { accounts: [{ id: ACCOUNT, oidcProviders: [{ url: ISSUER, jwks: { keys: [leaked] } }] }] },
        Date.now(),
      ),
    ).rejects.toBeInstanceOf(SeedError);
  });
});

describe('provider tags', { timeout: 30_000 }, () => {
  it('tags, lists and untags an OIDC provider', async () => {
    const arn = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
    const iam = (p: Record<string, string>) => call(p, DEMO_ADMIN, { service: 'iam' });
    const tagged = await iam({
      Action: 'TagOpenIDConnectProvider',
      OpenIDConnectProviderArn: arn,
      'Tags.member.1.Key': 'rolecall:keys',
      'Tags.member.1.Value': 'test-issuer',
    });
    expect(tagged.status, tagged.body).toBe(200);
    const listed = await iam({
      Action: 'ListOpenIDConnectProviderTags',
      OpenIDConnectProviderArn: arn,
    });
    expect(listed.body).toContain('<Key>rolecall:keys</Key><Value>test-issuer</Value>');
    const untagged = await iam({
      Action: 'UntagOpenIDConnectProvider',
      OpenIDConnectProviderArn: arn,
      'TagKeys.member.1': 'rolecall:keys',
    });
    expect(untagged.status).toBe(200);
    const after = await iam({
      Action: 'ListOpenIDConnectProviderTags',
      OpenIDConnectProviderArn: arn,
    });
    expect(after.body).not.toContain('rolecall:keys');
    const missing = await iam({
      Action: 'TagOpenIDConnectProvider',
      OpenIDConnectProviderArn: `arn:aws:iam::${ACCOUNT}:oidc-provider/nope.example.com`,
      'Tags.member.1.Key': 'a',
      'Tags.member.1.Value': 'b',
    });
    expect(missing.code).toBe('NoSuchEntity');
  });
});
