import { AwsClient } from 'aws4fetch';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_ENV, run, startServer, type Server } from './server.ts';

/**
 * The clients' own credential providers against rolecall: profiles that assume a role
 * (`source_profile` + `role_arn`, with `external_id`, `duration_seconds`, `role_session_name`),
 * chained profiles, `credential_source = Environment`, `credential_process`, `aws configure
 * export-credentials`, web identity from the environment or a profile, boto3's refreshing
 * AssumeRole credentials, waiters and paginators. The providers call STS themselves, so they must
 * be pointed at rolecall without `--endpoint-url`: Debian's awscli 2.9 and boto3 1.26 (botocore
 * 1.29) through an endpoint rule set in AWS_DATA_PATH, the JS SDK through AWS_ENDPOINT_URL_STS
 * (docs/ci.md, "Profiles that assume a role").
 */
let server: Server;
let dir: string;
const files = () => ({
  HOME: join(dir, 'home'),
  AWS_CONFIG_FILE: join(dir, 'config'),
  AWS_DATA_PATH: join(dir, 'aws-data'),
});

beforeAll(async () => {
  server = await startServer();
  dir = await mkdtemp(join(tmpdir(), 'rolecall-providers-'));
  await mkdir(join(dir, 'home'));
  // botocore resolves endpoints with each service's rule set; one that names rolecall unless an
  // endpoint is given sends every STS and IAM call there, the credential providers' included.
  const ruleSet = JSON.stringify({
    version: '1.0',
    parameters: { Endpoint: { builtIn: 'SDK::Endpoint', required: false, type: 'String' } },
    rules: [
      {
        conditions: [{ fn: 'isSet', argv: [{ ref: 'Endpoint' }] }],
        endpoint: { url: { ref: 'Endpoint' } },
        type: 'endpoint',
      },
      { conditions: [], endpoint: { url: server.url }, type: 'endpoint' },
    ],
  });
  for (const service of ['sts/2011-06-15', 'iam/2010-05-08']) {
    await mkdir(join(dir, 'aws-data', service), { recursive: true });
    await writeFile(join(dir, 'aws-data', service, 'endpoint-rule-set-1.json'), ruleSet);
  }
  const role = (name: string) => `arn:aws:iam::123456789012:role/${name}`;
  await writeFile(
    join(dir, 'config'),
    [
      '[profile admin]',
      `aws_access_key_id = ${ADMIN_ENV.AWS_ACCESS_KEY_ID}`,
      `aws_secret_access_key = ${ADMIN_ENV.AWS_SECRET_ACCESS_KEY}`,
      '[profile ro]',
      `role_arn = ${role('demo-readonly')}`,
      'source_profile = admin',
      '[profile ci]',
      `role_arn = ${role('ci-deployer')}`,
      'source_profile = admin',
      'external_id = rolecall-demo',
      'duration_seconds = 7200',
      'role_session_name = ci-run',
      '[profile ci-no-external-id]',
      `role_arn = ${role('ci-deployer')}`,
      'source_profile = admin',
      '[profile chained]',
      `role_arn = ${role('auditor')}`,
      'source_profile = ro',
      '[profile short]',
      `role_arn = ${role('demo-readonly')}`,
      'source_profile = admin',
      'duration_seconds = 900',
      '[profile from-env]',
      `role_arn = ${role('demo-readonly')}`,
      'credential_source = Environment',
      'role_session_name = env-run',
      '[profile web]',
      `role_arn = ${role('github-actions-deploy')}`,
      `web_identity_token_file = ${join(dir, 'token')}`,
      'role_session_name = gha-profile',
      '[profile process]',
      'credential_process = /usr/bin/aws configure export-credentials --profile ci --format process',
      '',
    ].join('\n'),
  );
});
afterAll(async () => {
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const cli = (profile: string, args: string[]) =>
  run('/usr/bin/aws', ['--profile', profile, '--output', 'json', ...args], files());

describe('aws (Debian awscli v2) profiles that assume a role', () => {
  it('source_profile + role_arn, with external_id, duration_seconds and role_session_name', async () => {
    const me = await cli('ci', ['sts', 'get-caller-identity']);
    expect(me.code, me.stderr).toBe(0);
    expect(JSON.parse(me.stdout).Arn).toBe(
      'arn:aws:sts::123456789012:assumed-role/ci-deployer/ci-run',
    );
    const exported = await cli('ci', ['configure', 'export-credentials', '--format', 'process']);
    expect(exported.code, exported.stderr).toBe(0);
    const c = JSON.parse(exported.stdout) as {
      Version: number;
      AccessKeyId: string;
      Expiration: string;
    };
    expect(c.Version).toBe(1);
    expect(c.AccessKeyId).toMatch(/^ASIA/);
    const left = Date.parse(c.Expiration) - Date.now();
    expect(left).toBeGreaterThan(7000_000);
    expect(left).toBeLessThanOrEqual(7200_000);

    // credential_process runs export-credentials of the profile above.
    const viaProcess = await cli('process', ['sts', 'get-caller-identity']);
    expect(viaProcess.code, viaProcess.stderr).toBe(0);
    expect(JSON.parse(viaProcess.stdout).Arn).toBe(
      'arn:aws:sts::123456789012:assumed-role/ci-deployer/ci-run',
    );
  });

  it('a profile without the ExternalId the trust policy requires is AccessDenied', async () => {
    const r = await cli('ci-no-external-id', ['sts', 'get-caller-identity']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(
      'An error occurred (AccessDenied) when calling the AssumeRole operation: User: arn:aws:iam::123456789012:user/admin is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/ci-deployer',
    );
  });

  it('credential_source = Environment assumes the role with the keys of the environment', async () => {
    const r = await run('/usr/bin/aws', ['--profile', 'from-env', 'sts', 'get-caller-identity'], {
      ...files(),
      ...ADMIN_ENV,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).Arn).toBe(
      'arn:aws:sts::123456789012:assumed-role/demo-readonly/env-run',
    );
  });

  it('a chained profile assumes a role from a role session', async () => {
    const r = await cli('chained', ['sts', 'get-caller-identity']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).Arn).toMatch(
      /^arn:aws:sts::123456789012:assumed-role\/auditor\/botocore-session-\d+$/,
    );
  });
});

describe('aws (Debian awscli v2) web identity from the environment', () => {
  it('AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE, exchanged unsigned at rolecall', async () => {
    // The demo account's GitHub provider, served by the account's test issuer (docs/web-identity.md).
    const tagged = await cli('admin', [
      'iam',
      'tag-open-id-connect-provider',
      '--open-id-connect-provider-arn',
      'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
      '--tags',
      'Key=rolecall:keys,Value=test-issuer',
    ]);
    expect(tagged.code, tagged.stderr).toBe(0);
    const signer = new AwsClient({
      accessKeyId: ADMIN_ENV.AWS_ACCESS_KEY_ID,
      secretAccessKey: ADMIN_ENV.AWS_SECRET_ACCESS_KEY,
      service: 'sts',
      region: 'us-east-1',
    });
    const minted = await signer.fetch(`${server.url}/oidc/123456789012/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        issuer: 'https://token.actions.githubusercontent.com',
        preset: 'github-actions',
        repository: 'example-org/example-repo',
        ref: 'refs/heads/main',
      }),
    });
    expect(minted.status).toBe(200);
    await writeFile(join(dir, 'token'), ((await minted.json()) as { token: string }).token);
    const r = await run('/usr/bin/aws', ['sts', 'get-caller-identity', '--output', 'json'], {
      ...files(),
      AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/github-actions-deploy',
      AWS_WEB_IDENTITY_TOKEN_FILE: join(dir, 'token'),
      AWS_ROLE_SESSION_NAME: 'gha-run',
    });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).Arn).toBe(
      'arn:aws:sts::123456789012:assumed-role/github-actions-deploy/gha-run',
    );
    // The same token file named by a profile (web_identity_token_file), for the CLI and boto3.
    const profile = await cli('web', ['sts', 'get-caller-identity']);
    expect(profile.code, profile.stderr).toBe(0);
    const expected = 'arn:aws:sts::123456789012:assumed-role/github-actions-deploy/gha-profile';
    expect(JSON.parse(profile.stdout).Arn).toBe(expected);
    const boto3 = await run(
      '/usr/bin/python3',
      [
        '-c',
        "import boto3; print(boto3.Session(profile_name='web').client('sts').get_caller_identity()['Arn'])",
      ],
      files(),
    );
    expect(boto3.code, boto3.stderr).toBe(0);
    expect(boto3.stdout.trim()).toBe(expected);
    // boto3 from the environment alone, as a CI job sets it.
    const fromEnv = await run(
      '/usr/bin/python3',
      ['-c', "import boto3; print(boto3.client('sts').get_caller_identity()['Arn'])"],
      {
        ...files(),
        AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/github-actions-deploy',
        AWS_WEB_IDENTITY_TOKEN_FILE: join(dir, 'token'),
        AWS_ROLE_SESSION_NAME: 'gha-boto3',
      },
    );
    expect(fromEnv.code, fromEnv.stderr).toBe(0);
    expect(fromEnv.stdout.trim()).toBe(
      'arn:aws:sts::123456789012:assumed-role/github-actions-deploy/gha-boto3',
    );
  });
});

describe('boto3 (Debian python3-boto3)', () => {
  it('refreshes AssumeRole credentials, waits with the IAM waiters, pages with paginators', async () => {
    const script = String.raw`
import json, boto3
from botocore.exceptions import WaiterError
out = {}
short = boto3.Session(profile_name='short')
sts = short.client('sts')
# 900 s is inside botocore's 15-minute advisory window: every call re-assumes the role.
keys = set()
for _ in range(3):
    out['arn'] = sts.get_caller_identity()['Arn']
    keys.add(short.get_credentials().get_frozen_credentials().access_key)
out['keys'] = len(keys)
iam = boto3.Session(profile_name='admin').client('iam')
out['waits'] = {}
for name, ok, missing in [
        ('role_exists', {'RoleName': 'demo-readonly'}, {'RoleName': 'no-such-role'}),
        ('user_exists', {'UserName': 'admin'}, {'UserName': 'no-such-user'}),
        ('policy_exists', {'PolicyArn': 'arn:aws:iam::aws:policy/ReadOnlyAccess'},
         {'PolicyArn': 'arn:aws:iam::123456789012:policy/no-such-policy'})]:
    waiter = iam.get_waiter(name)
    waiter.wait(WaiterConfig={'Delay': 1, 'MaxAttempts': 1}, **ok)
    try:
        waiter.wait(WaiterConfig={'Delay': 1, 'MaxAttempts': 1}, **missing)
        out['waits'][name] = 'no error'
    except WaiterError as e:
        out['waits'][name] = e.last_response['Error']['Code']
pages = iam.get_paginator('list_roles')
out['all'] = [r['RoleName'] for p in pages.paginate(PaginationConfig={'PageSize': 2}) for r in p['Roles']]
first = pages.paginate(PaginationConfig={'MaxItems': 3, 'PageSize': 2}).build_full_result()
rest = pages.paginate(PaginationConfig={'PageSize': 2, 'StartingToken': first['NextToken']}).build_full_result()
out['resumed'] = [r['RoleName'] for r in first['Roles'] + rest['Roles']]
out['aws_policies'] = len([p for page in iam.get_paginator('list_policies').paginate(
    Scope='AWS', PaginationConfig={'PageSize': 3}) for p in page['Policies']])
print(json.dumps(out))
`;
    const r = await run('/usr/bin/python3', ['-c', script], files());
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      arn: string;
      keys: number;
      waits: Record<string, string>;
      all: string[];
      resumed: string[];
      aws_policies: number;
    };
    expect(out.arn).toMatch(/^arn:aws:sts::123456789012:assumed-role\/demo-readonly\//);
    expect(out.keys).toBe(3);
    expect(out.waits).toEqual({
      role_exists: 'NoSuchEntity',
      user_exists: 'NoSuchEntity',
      policy_exists: 'NoSuchEntity',
    });
    expect(out.all).toContain('ec2-ssm-instance-role');
    expect(out.all).toEqual([...out.all].sort((a, b) => a.localeCompare(b)));
    expect(out.resumed).toEqual(out.all);
    expect(out.aws_policies).toBe(7);
  });
});

describe('@aws-sdk/client-sts with the default credential chain', () => {
  it('assumes the profile role through AWS_ENDPOINT_URL_STS', async () => {
    const root = resolve(import.meta.dirname, '../..');
    const script = `
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
const sts = new STSClient({ region: 'us-east-1' });
const me = await sts.send(new GetCallerIdentityCommand({}));
const c = await sts.config.credentials();
console.log(JSON.stringify({ arn: me.Arn, expiration: c.expiration }));
`;
    const r = await run(
      join(root, 'node_modules/.bin/node'),
      ['--input-type=module', '-e', script],
      { ...files(), AWS_PROFILE: 'ci', AWS_ENDPOINT_URL_STS: server.url },
    );
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { arn: string; expiration: string };
    expect(out.arn).toBe('arn:aws:sts::123456789012:assumed-role/ci-deployer/ci-run');
    expect(Date.parse(out.expiration) - Date.now()).toBeGreaterThan(7000_000);
  });
});
