import {
  EnableOutboundWebIdentityFederationCommand,
  GetOutboundWebIdentityFederationInfoCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import {
  GetCallerIdentityCommand,
  GetWebIdentityTokenCommand,
  STSClient,
} from '@aws-sdk/client-sts';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { AwsClient } from 'aws4fetch';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_ENV, aws, run, startServer, type Server } from './server.ts';

const ACCOUNT = '123456789012';
const THUMBPRINT = '6938fd4d98bab03faadb97b34396831e3780aea1';
let server: Server;
let dir: string;
let issuer: string;
let roleArn: string;

const admin = new AwsClient({
  accessKeyId: ADMIN_ENV.AWS_ACCESS_KEY_ID,
  secretAccessKey: ADMIN_ENV.AWS_SECRET_ACCESS_KEY,
  service: 'sts',
  region: 'us-east-1',
});

async function mint(body: Record<string, unknown>): Promise<string> {
  const res = await admin.fetch(`${server.url}/oidc/${ACCOUNT}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as { token: string };
  expect(res.status, JSON.stringify(json)).toBe(200);
  return json.token;
}

/** `aws sts assume-role-with-web-identity` on the test role, with no credentials configured. */
function cliAssumeWithToken(token: string) {
  return aws(
    server,
    [
      'sts',
      'assume-role-with-web-identity',
      '--role-arn',
      roleArn,
      '--role-session-name',
      'cli',
      '--web-identity-token',
      token,
    ],
    {},
  );
}

async function cli(args: string[]) {
  const res = await aws(server, args);
  expect(res.code, res.stderr).toBe(0);
  return res.stdout ? (JSON.parse(res.stdout) as Record<string, unknown>) : {};
}

beforeAll(async () => {
  server = await startServer();
  dir = await mkdtemp(join(tmpdir(), 'rolecall-webid-'));
  const host = new URL(server.url).host;
  issuer = `https://${host}/oidc/${ACCOUNT}`;
  const discovery = (await (
    await fetch(`${server.url}/oidc/${ACCOUNT}/.well-known/openid-configuration`)
  ).json()) as { issuer: string };
  expect(discovery.issuer).toBe(issuer);
  await cli([
    'iam',
    'create-open-id-connect-provider',
    '--url',
    discovery.issuer,
    '--client-id-list',
    'sts.amazonaws.com',
    '--thumbprint-list',
    THUMBPRINT,
  ]);
  const trust = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${host}/oidc/${ACCOUNT}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: { [`${host}/oidc/${ACCOUNT}:aud`]: 'sts.amazonaws.com' },
          StringLike: { [`${host}/oidc/${ACCOUNT}:sub`]: 'system:serviceaccount:ci:*' },
        },
      },
    ],
  };
  const role = await cli([
    'iam',
    'create-role',
    '--role-name',
    'e2e-web-identity',
    '--assume-role-policy-document',
    JSON.stringify(trust),
  ]);
  roleArn = (role.Role as { Arn: string }).Arn;
});

afterAll(async () => {
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('web identity end to end', () => {
  it("the JS SDK's default credential chain exchanges a token file for credentials", async () => {
    const tokenFile = join(dir, 'token');
    await writeFile(
      tokenFile,
      await mint({ preset: 'eks', namespace: 'ci', serviceAccount: 'deployer' }),
    );
    const saved = { ...process.env };
    for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
    Object.assign(process.env, {
      AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
      AWS_ROLE_ARN: roleArn,
      AWS_ROLE_SESSION_NAME: 'sdk-chain',
      AWS_ENDPOINT_URL_STS: server.url,
      AWS_REGION: 'us-east-1',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    try {
      // No credentials given: the client's default chain finds the token file and calls
      // AssumeRoleWithWebIdentity on AWS_ENDPOINT_URL_STS, then signs with the session.
      const sts = new STSClient({ maxAttempts: 1 });
      const credentials = await sts.config.credentials();
      expect(credentials.accessKeyId).toMatch(/^ASIA/);
      const me = await sts.send(new GetCallerIdentityCommand({}));
      expect(me.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/e2e-web-identity/sdk-chain`);
      expect(me.Account).toBe(ACCOUNT);
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    }
  });

  it('aws sts assume-role-with-web-identity, then get-caller-identity with the session', async () => {
    const token = await mint({ preset: 'eks', namespace: 'ci', serviceAccount: 'cli' });
    const res = await cliAssumeWithToken(token);
    expect(res.code, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout) as {
      Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
      SubjectFromWebIdentityToken: string;
      Provider: string;
      Audience: string;
    };
    expect(out.SubjectFromWebIdentityToken).toBe('system:serviceaccount:ci:cli');
    expect(out.Audience).toBe('sts.amazonaws.com');
    const me = await aws(server, ['sts', 'get-caller-identity'], {
      AWS_ACCESS_KEY_ID: out.Credentials.AccessKeyId,
      AWS_SECRET_ACCESS_KEY: out.Credentials.SecretAccessKey,
      AWS_SESSION_TOKEN: out.Credentials.SessionToken,
    });
    expect(me.code, me.stderr).toBe(0);
    expect(JSON.parse(me.stdout).Arn).toBe(
      `arn:aws:sts::${ACCOUNT}:assumed-role/e2e-web-identity/cli`,
    );
  });

  it('boto3: assume_role_with_web_identity unsigned, errors as typed exceptions', async () => {
    const script = [
      'import sys, boto3',
      'from botocore import UNSIGNED',
      'from botocore.config import Config',
      "sts = boto3.client('sts', endpoint_url=sys.argv[1], region_name='us-east-1', config=Config(signature_version=UNSIGNED))",
      "out = sts.assume_role_with_web_identity(RoleArn=sys.argv[2], RoleSessionName='boto3', WebIdentityToken=sys.argv[3])",
      "print(out['AssumedRoleUser']['Arn'])",
      'try:',
      "    sts.assume_role_with_web_identity(RoleArn=sys.argv[2], RoleSessionName='boto3', WebIdentityToken=sys.argv[4])",
      'except sts.exceptions.ExpiredTokenException:',
      "    print('ExpiredTokenException')",
    ].join('\n');
    const good = await mint({ preset: 'eks', namespace: 'ci', serviceAccount: 'py' });
    const expired = await mint({ preset: 'eks', namespace: 'ci', bad: 'expired' });
    const r = await run('/usr/bin/python3', ['-c', script, server.url, roleArn, good, expired], {});
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([
      `arn:aws:sts::${ACCOUNT}:assumed-role/e2e-web-identity/boto3`,
      'ExpiredTokenException',
    ]);
  });

  it.each([
    [
      'a subject the trust policy does not allow',
      { preset: 'eks', namespace: 'prod' },
      'AccessDenied',
    ],
    [
      'an expired token',
      { preset: 'eks', namespace: 'ci', bad: 'expired' },
      'ExpiredTokenException',
    ],
    [
      'a token signed by another key',
      { preset: 'eks', namespace: 'ci', bad: 'other-key' },
      'InvalidIdentityToken',
    ],
  ])('the CLI reports %s', async (_name, body, code) => {
    const res = await cliAssumeWithToken(await mint(body));
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain(`(${code})`);
  });

  it("tests the demo's real GitHub Actions trust policy offline, through the test issuer", async () => {
    const github = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
    await cli(['iam', 'delete-open-id-connect-provider', '--open-id-connect-provider-arn', github]);
    await cli([
      'iam',
      'create-open-id-connect-provider',
      '--url',
      'https://token.actions.githubusercontent.com',
      '--client-id-list',
      'sts.amazonaws.com',
      '--thumbprint-list',
      THUMBPRINT,
      '--tags',
      'Key=rolecall:keys,Value=test-issuer',
    ]);
    const assume = async (ref: string) =>
      aws(
        server,
        [
          'sts',
          'assume-role-with-web-identity',
          '--role-arn',
          `arn:aws:iam::${ACCOUNT}:role/github-actions-deploy`,
          '--role-session-name',
          'gha',
          '--web-identity-token',
          await mint({
            preset: 'github-actions',
            repository: 'example-org/example-repo',
            ref,
            issuer: 'https://token.actions.githubusercontent.com',
          }),
        ],
        {},
      );
    const main = await assume('refs/heads/main');
    expect(main.code, main.stderr).toBe(0);
    expect(JSON.parse(main.stdout).Provider).toBe(github);
    const dev = await assume('refs/heads/dev');
    expect(dev.stderr).toContain('(AccessDenied)');
  });

  it('outbound: the JS SDK enables federation, gets a token, and an outside verifier checks it', async () => {
    const credentials = {
      accessKeyId: ADMIN_ENV.AWS_ACCESS_KEY_ID,
      secretAccessKey: ADMIN_ENV.AWS_SECRET_ACCESS_KEY,
    };
    const iam = new IAMClient({
      endpoint: server.url,
      region: 'us-east-1',
      credentials,
      maxAttempts: 1,
    });
    const sts = new STSClient({
      endpoint: server.url,
      region: 'eu-west-1',
      credentials,
      maxAttempts: 1,
    });
    const { IssuerIdentifier } = await iam.send(new EnableOutboundWebIdentityFederationCommand({}));
    const info = await iam.send(new GetOutboundWebIdentityFederationInfoCommand({}));
    expect(info).toMatchObject({ IssuerIdentifier, JwtVendingEnabled: true });
    const out = await sts.send(
      new GetWebIdentityTokenCommand({
        Audience: ['https://api.example.com'],
        SigningAlgorithm: 'ES384',
        DurationSeconds: 60,
        Tags: [{ Key: 'pipeline', Value: 'e2e' }],
      }),
    );
    expect(out.Expiration).toBeInstanceOf(Date);
    const jwks = createRemoteJWKSet(new URL(`${IssuerIdentifier}/.well-known/jwks.json`));
    const { payload } = await jwtVerify(out.WebIdentityToken!, jwks, {
      issuer: IssuerIdentifier,
      audience: 'https://api.example.com',
    });
    expect(payload.sub).toBe(`arn:aws:iam::${ACCOUNT}:user/admin`);
  });
});
