import {
  CreateAccountAliasCommand,
  CreateRoleCommand,
  DeleteAccountAliasCommand,
  GenerateCredentialReportCommand,
  GetAccountAuthorizationDetailsCommand,
  GetCredentialReportCommand,
  GetRoleCommand,
  IAMClient,
  IAMServiceException,
  ListAccountAliasesCommand,
  ListRolesCommand,
  paginateGetAccountAuthorizationDetails,
  paginateListRoles,
  SimulateCustomPolicyCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { unstable_startWorker } from 'wrangler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_ENV, aws, run, startServer, type Server } from './server.ts';

let server: Server;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
});
const doc = (statement: object) => JSON.stringify({ Version: '2012-10-17', Statement: statement });

async function ok(args: string[], env?: Record<string, string>): Promise<Record<string, unknown>> {
  const r = await aws(server, args, env);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trim() ? (JSON.parse(r.stdout) as Record<string, unknown>) : {};
}

async function error(args: string[], code: string, env?: Record<string, string>): Promise<string> {
  const r = await aws(server, args, env);
  expect(r.code).not.toBe(0);
  expect(r.stderr).toContain(`(${code})`);
  return r.stderr;
}

describe('aws iam (Debian awscli v2)', () => {
  it('create, get, update, list with pagination, delete a role', async () => {
    const created = await ok([
      'iam',
      'create-role',
      '--role-name',
      'cli-app',
      '--path',
      '/cli/',
      '--assume-role-policy-document',
      TRUST,
    ]);
    expect((created.Role as { Arn: string }).Arn).toBe(
      'arn:aws:iam::123456789012:role/cli/cli-app',
    );
    await ok([
      'iam',
      'update-role',
      '--role-name',
      'cli-app',
      '--max-session-duration',
      '7200',
      '--description',
      'from the cli',
    ]);
    const got = (await ok(['iam', 'get-role', '--role-name', 'cli-app'])).Role as Record<
      string,
      unknown
    >;
    expect(got.MaxSessionDuration).toBe(7200);
    // awscli URL-decodes policy documents and parses them.
    expect(got.AssumeRolePolicyDocument).toEqual(JSON.parse(TRUST));
    for (const n of ['cli-b', 'cli-c'])
      await ok([
        'iam',
        'create-role',
        '--role-name',
        n,
        '--path',
        '/cli/',
        '--assume-role-policy-document',
        TRUST,
      ]);
    const listed = await ok(['iam', 'list-roles', '--path-prefix', '/cli/', '--page-size', '1']);
    expect((listed.Roles as Array<{ RoleName: string }>).map((r) => r.RoleName)).toEqual([
      'cli-app',
      'cli-b',
      'cli-c',
    ]);
    const firstPage = await ok(['iam', 'list-roles', '--path-prefix', '/cli/', '--max-items', '2']);
    expect((firstPage.Roles as unknown[]).length).toBe(2);
    expect(firstPage.NextToken).toBeTruthy();
    await ok([
      'iam',
      'put-role-policy',
      '--role-name',
      'cli-b',
      '--policy-name',
      'p',
      '--policy-document',
      doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' }),
    ]);
    const conflict = await error(['iam', 'delete-role', '--role-name', 'cli-b'], 'DeleteConflict');
    expect(conflict).toContain('Cannot delete entity, must delete policies first.');
    await ok(['iam', 'delete-role', '--role-name', 'cli-c']);
    await error(['iam', 'get-role', '--role-name', 'cli-c'], 'NoSuchEntity');
  });

  it('reports IAM errors with their codes', async () => {
    await error(
      [
        'iam',
        'create-role',
        '--role-name',
        'ec2-ssm-instance-role',
        '--assume-role-policy-document',
        TRUST,
      ],
      'EntityAlreadyExists',
    );
    await error(
      [
        'iam',
        'create-role',
        '--role-name',
        'cli-bad',
        '--assume-role-policy-document',
        doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' }),
      ],
      'MalformedPolicyDocument',
    );
    await error(
      ['iam', 'create-role', '--role-name', 'bad/name', '--assume-role-policy-document', TRUST],
      'ValidationError',
    );
    const big = doc({
      Effect: 'Allow',
      Action: Array.from({ length: 500 }, (_, i) => `s3:Action${i}`),
      Resource: '*',
    });
    await error(
      ['iam', 'create-policy', '--policy-name', 'too-big', '--policy-document', big],
      'LimitExceeded',
    );
  });

  it('a read-only principal is denied writes', async () => {
    await ok(['iam', 'create-user', '--user-name', 'cli-reader']);
    await ok([
      'iam',
      'attach-user-policy',
      '--user-name',
      'cli-reader',
      '--policy-arn',
      'arn:aws:iam::aws:policy/IAMReadOnlyAccess',
    ]);
    const key = (await ok(['iam', 'create-access-key', '--user-name', 'cli-reader'])).AccessKey as {
      AccessKeyId: string;
      SecretAccessKey: string;
    };
    const reader = {
      AWS_ACCESS_KEY_ID: key.AccessKeyId,
      AWS_SECRET_ACCESS_KEY: key.SecretAccessKey,
    };
    await ok(['iam', 'list-users'], reader);
    const denied = await error(
      ['iam', 'create-role', '--role-name', 'cli-denied', '--assume-role-policy-document', TRUST],
      'AccessDenied',
      reader,
    );
    expect(denied).toContain(
      'User: arn:aws:iam::123456789012:user/cli-reader is not authorized to perform: iam:CreateRole',
    );
    await ok([
      'iam',
      'update-access-key',
      '--user-name',
      'cli-reader',
      '--access-key-id',
      key.AccessKeyId,
      '--status',
      'Inactive',
    ]);
    await error(['iam', 'list-users'], 'InvalidClientTokenId', reader);
  });

  it('groups: create-group, add-user-to-group, get-group; group policies apply to members', async () => {
    const created = (
      await ok(['iam', 'create-group', '--group-name', 'cli-devs', '--path', '/cli/'])
    ).Group as { Arn: string; GroupId: string };
    expect(created.Arn).toBe('arn:aws:iam::123456789012:group/cli/cli-devs');
    expect(created.GroupId).toMatch(/^AGPA/);
    await ok(['iam', 'create-user', '--user-name', 'cli-dev']);
    await ok(['iam', 'add-user-to-group', '--group-name', 'cli-devs', '--user-name', 'cli-dev']);
    const got = await ok(['iam', 'get-group', '--group-name', 'cli-devs']);
    expect((got.Group as { GroupName: string }).GroupName).toBe('cli-devs');
    expect((got.Users as Array<{ UserName: string }>).map((u) => u.UserName)).toEqual(['cli-dev']);
    const listed = await ok(['iam', 'list-groups-for-user', '--user-name', 'cli-dev']);
    expect((listed.Groups as Array<{ GroupName: string }>).map((g) => g.GroupName)).toEqual([
      'cli-devs',
    ]);

    const key = (await ok(['iam', 'create-access-key', '--user-name', 'cli-dev'])).AccessKey as {
      AccessKeyId: string;
      SecretAccessKey: string;
    };
    const dev = { AWS_ACCESS_KEY_ID: key.AccessKeyId, AWS_SECRET_ACCESS_KEY: key.SecretAccessKey };
    await error(['iam', 'list-groups'], 'AccessDenied', dev);
    await ok([
      'iam',
      'put-group-policy',
      '--group-name',
      'cli-devs',
      '--policy-name',
      'list',
      '--policy-document',
      doc({ Effect: 'Allow', Action: 'iam:ListGroups', Resource: '*' }),
    ]);
    const groups = await ok(['iam', 'list-groups', '--path-prefix', '/cli/'], dev);
    expect((groups.Groups as Array<{ GroupName: string }>).map((g) => g.GroupName)).toEqual([
      'cli-devs',
    ]);
    const conflict = await error(
      ['iam', 'delete-group', '--group-name', 'cli-devs'],
      'DeleteConflict',
    );
    expect(conflict).toContain('Cannot delete entity, must remove users from group first.');
    await ok([
      'iam',
      'remove-user-from-group',
      '--group-name',
      'cli-devs',
      '--user-name',
      'cli-dev',
    ]);
    await error(['iam', 'list-groups'], 'AccessDenied', dev);
  });

  it('get-role shows a deleted principal of the trust policy as its unique id', async () => {
    const user = (await ok(['iam', 'create-user', '--user-name', 'cli-leaver'])).User as {
      UserId: string;
    };
    const trust = doc({
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::123456789012:user/cli-leaver' },
      Action: 'sts:AssumeRole',
    });
    await ok([
      'iam',
      'create-role',
      '--role-name',
      'cli-trusts-leaver',
      '--assume-role-policy-document',
      trust,
    ]);
    await ok(['iam', 'delete-user', '--user-name', 'cli-leaver']);
    const role = (await ok(['iam', 'get-role', '--role-name', 'cli-trusts-leaver'])).Role as {
      AssumeRolePolicyDocument: { Statement: { Principal: { AWS: string } } };
    };
    expect(user.UserId).toMatch(/^AIDA/);
    expect(role.AssumeRolePolicyDocument.Statement.Principal.AWS).toBe(user.UserId);
  });

  it('simulate-custom-policy', async () => {
    const out = await ok([
      'iam',
      'simulate-custom-policy',
      '--policy-input-list',
      doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/*' }),
      '--action-names',
      's3:GetObject',
      's3:PutObject',
      '--resource-arns',
      'arn:aws:s3:::reports/q3.csv',
    ]);
    const results = out.EvaluationResults as Array<{
      EvalActionName: string;
      EvalDecision: string;
      MatchedStatements: Array<{ SourcePolicyId: string }>;
    }>;
    expect(results.map((r) => [r.EvalActionName, r.EvalDecision])).toEqual([
      ['s3:GetObject', 'allowed'],
      ['s3:PutObject', 'implicitDeny'],
    ]);
    expect(results[0]!.MatchedStatements[0]!.SourcePolicyId).toBe('PolicyInputList.1');
  });

  it('get-account-authorization-details: documents decoded by the CLI, pages joined', async () => {
    const role = 'cli-gaad-role';
    await ok(['iam', 'create-role', '--role-name', role, '--assume-role-policy-document', TRUST]);
    const inline = doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' });
    await ok([
      'iam',
      'put-role-policy',
      '--role-name',
      role,
      '--policy-name',
      'inline',
      '--policy-document',
      inline,
    ]);
    await ok([
      'iam',
      'attach-role-policy',
      '--role-name',
      role,
      '--policy-arn',
      'arn:aws:iam::aws:policy/ReadOnlyAccess',
    ]);
    type Details = {
      UserDetailList: Array<{ UserName: string }>;
      RoleDetailList: Array<{
        RoleName: string;
        AssumeRolePolicyDocument: unknown;
        RolePolicyList: Array<{ PolicyName: string; PolicyDocument: unknown }>;
      }>;
      Policies: Array<{ Arn: string; PolicyVersionList: Array<{ Document: unknown }> }>;
    };
    const whole = (await ok(['iam', 'get-account-authorization-details'])) as unknown as Details;
    const mine = whole.RoleDetailList.find((r) => r.RoleName === role)!;
    // awscli URL-decodes and parses every policy document of the answer.
    expect(mine.AssumeRolePolicyDocument).toEqual(JSON.parse(TRUST));
    expect(mine.RolePolicyList).toEqual([
      { PolicyName: 'inline', PolicyDocument: JSON.parse(inline) },
    ]);
    const readOnly = whole.Policies.find(
      (p) => p.Arn === 'arn:aws:iam::aws:policy/ReadOnlyAccess',
    )!;
    expect(typeof readOnly.PolicyVersionList[0]!.Document).toBe('object');
    // The CLI follows the Marker page by page (--page-size 1: one item per request).
    const paged = (await ok([
      'iam',
      'get-account-authorization-details',
      '--page-size',
      '1',
    ])) as unknown as Details;
    expect(paged.RoleDetailList.map((r) => r.RoleName)).toEqual(
      whole.RoleDetailList.map((r) => r.RoleName),
    );
    expect(paged.UserDetailList.map((u) => u.UserName)).toEqual(
      whole.UserDetailList.map((u) => u.UserName),
    );
    expect(paged.Policies.map((p) => p.Arn)).toEqual(whole.Policies.map((p) => p.Arn));
    const roles = (await ok([
      'iam',
      'get-account-authorization-details',
      '--filter',
      'Role',
    ])) as unknown as Details;
    expect(roles.UserDetailList).toEqual([]);
    expect(roles.RoleDetailList.map((r) => r.RoleName)).toContain(role);
  });

  it('create-account-alias, list-account-aliases, delete-account-alias', async () => {
    expect(await ok(['iam', 'list-account-aliases'])).toEqual({ AccountAliases: [] });
    await ok(['iam', 'create-account-alias', '--account-alias', 'cli-corp']);
    await ok(['iam', 'create-account-alias', '--account-alias', 'cli-corp']);
    expect((await ok(['iam', 'list-account-aliases'])).AccountAliases).toEqual(['cli-corp']);
    const bad = await error(
      ['iam', 'create-account-alias', '--account-alias', 'Cli--Corp'],
      'ValidationError',
    );
    expect(bad).toContain("Value 'Cli--Corp' at 'accountAlias' failed to satisfy constraint");
    await ok(['iam', 'delete-account-alias', '--account-alias', 'cli-corp']);
    await error(['iam', 'delete-account-alias', '--account-alias', 'cli-corp'], 'NoSuchEntity');
    expect(await ok(['iam', 'list-account-aliases'])).toEqual({ AccountAliases: [] });
  });
});

describe('@aws-sdk/client-iam', () => {
  /** The SDK clients' settings for the demo admin against the server. */
  const asAdmin = () => ({
    endpoint: server.url,
    region: 'us-east-1',
    credentials: {
      accessKeyId: ADMIN_ENV.AWS_ACCESS_KEY_ID,
      secretAccessKey: ADMIN_ENV.AWS_SECRET_ACCESS_KEY,
    },
    maxAttempts: 1,
  });
  const client = () => new IAMClient(asAdmin());

  it('creates and reads a role, paginates ListRoles, and maps errors to typed exceptions', async () => {
    const iam = client();
    const out = await iam.send(
      new CreateRoleCommand({
        RoleName: 'sdk-role',
        AssumeRolePolicyDocument: TRUST,
        Tags: [{ Key: 'k', Value: 'v' }],
      }),
    );
    expect(out.Role?.CreateDate).toBeInstanceOf(Date);
    const got = await iam.send(new GetRoleCommand({ RoleName: 'sdk-role' }));
    expect(decodeURIComponent(got.Role!.AssumeRolePolicyDocument!)).toBe(TRUST);
    expect(got.Role?.Tags).toEqual([{ Key: 'k', Value: 'v' }]);
    const names: string[] = [];
    for await (const page of paginateListRoles({ client: iam, pageSize: 2 }, {}))
      names.push(...(page.Roles ?? []).map((r) => r.RoleName!));
    expect(names).toContain('sdk-role');
    expect(names).toContain('ec2-ssm-instance-role');
    expect(new Set(names).size).toBe(names.length);
    const e = await iam
      .send(new GetRoleCommand({ RoleName: 'sdk-missing' }))
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(IAMServiceException);
    expect((e as IAMServiceException).name).toBe('NoSuchEntityException');
    expect((e as IAMServiceException).$metadata.httpStatusCode).toBe(404);
  });

  it('account aliases, GetAccountAuthorizationDetails pages and the credential report', async () => {
    const iam = client();
    await iam.send(new CreateAccountAliasCommand({ AccountAlias: 'sdk-corp' }));
    expect((await iam.send(new ListAccountAliasesCommand({}))).AccountAliases).toEqual([
      'sdk-corp',
    ]);
    const e = await iam
      .send(new CreateAccountAliasCommand({ AccountAlias: 'Not-Valid' }))
      .catch((x: unknown) => x);
    expect((e as IAMServiceException).name).toBe('ValidationError');
    await iam.send(new DeleteAccountAliasCommand({ AccountAlias: 'sdk-corp' }));
    const missing = await iam
      .send(new DeleteAccountAliasCommand({ AccountAlias: 'sdk-corp' }))
      .catch((x: unknown) => x);
    expect((missing as IAMServiceException).name).toBe('NoSuchEntityException');

    const whole = await iam.send(new GetAccountAuthorizationDetailsCommand({ MaxItems: 1000 }));
    const roles: string[] = [];
    let pages = 0;
    for await (const page of paginateGetAccountAuthorizationDetails(
      { client: iam, pageSize: 1 },
      {},
    )) {
      pages++;
      roles.push(...(page.RoleDetailList ?? []).map((r) => r.RoleName!));
    }
    expect(roles).toEqual(whole.RoleDetailList!.map((r) => r.RoleName));
    expect(pages).toBeGreaterThan(roles.length);
    const role = whole.RoleDetailList!.find((r) => r.RoleName === 'ec2-ssm-instance-role')!;
    expect(
      JSON.parse(decodeURIComponent(role.AssumeRolePolicyDocument!)).Statement[0].Principal,
    ).toEqual({ Service: 'ec2.amazonaws.com' });

    await iam.send(new GenerateCredentialReportCommand({}));
    const report = await iam.send(new GetCredentialReportCommand({}));
    expect(report.ReportFormat).toBe('text/csv');
    const csv = new TextDecoder().decode(report.Content);
    expect(csv.split('\n')[1]).toMatch(/^<root_account>,arn:aws:iam::123456789012:root,/);
    expect(csv).toMatch(/\nadmin,arn:aws:iam::123456789012:user\/admin,/);
  });

  it('a session narrowed by a session policy is denied, and the message says by what', async () => {
    const sts = new STSClient(asAdmin());
    const c = (
      await sts.send(
        new AssumeRoleCommand({
          RoleArn: 'arn:aws:iam::123456789012:role/demo-readonly',
          RoleSessionName: 'sdk-narrowed',
          Policy: doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }),
        }),
      )
    ).Credentials!;
    const narrowed = new IAMClient({
      endpoint: server.url,
      region: 'us-east-1',
      credentials: {
        accessKeyId: c.AccessKeyId!,
        secretAccessKey: c.SecretAccessKey!,
        sessionToken: c.SessionToken!,
      },
      maxAttempts: 1,
    });
    const e = (await narrowed.send(new ListRolesCommand({})).catch((x: unknown) => x)) as Error;
    expect(e.name).toBe('AccessDenied');
    expect(e.message).toBe(
      'User: arn:aws:sts::123456789012:assumed-role/demo-readonly/sdk-narrowed is not authorized to perform: iam:ListRoles on resource: * because no session policy allows the iam:ListRoles action',
    );
  });

  it('SimulateCustomPolicy gives an explicit deny', async () => {
    const out = await client().send(
      new SimulateCustomPolicyCommand({
        PolicyInputList: [
          doc([
            { Effect: 'Allow', Action: '*', Resource: '*' },
            { Effect: 'Deny', Action: 'iam:*', Resource: '*' },
          ]),
        ],
        ActionNames: ['iam:CreateUser'],
      }),
    );
    expect(out.EvaluationResults?.[0]?.EvalDecision).toBe('explicitDeny');
  });
});

describe('npm run seed (src/seed/cli.ts) on local state', () => {
  it('applies a seed file twice with no change the second time, and the worker serves it', async () => {
    const state = await mkdtemp(join(tmpdir(), 'rolecall-seed-'));
    const root = resolve(import.meta.dirname, '../..');
    const node = join(root, 'node_modules/.bin/node');
    // wrangler dev keeps its Miniflare state under <persist>/v3, the directory getPlatformProxy is given.
    const env = {
      ROLECALL_STATE: join(state, 'v3'),
      CLOUDFLARE_CF_FETCH_ENABLED: 'false',
      WRANGLER_SEND_METRICS: 'false',
      PATH: `${join(root, 'node_modules/.bin')}:/usr/bin:/bin`,
    };
    const fixture = join(root, 'test/fixtures/seed-ci.json');
    const first = await run(node, [join(root, 'src/seed/cli.ts'), fixture], env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/[1-9]\d* created/);
    const second = await run(node, [join(root, 'src/seed/cli.ts'), fixture], env);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('0 created, 0 updated');

    const worker = await unstable_startWorker({
      config: join(root, 'wrangler.toml'),
      dev: { server: { hostname: '127.0.0.1', port: 0 }, inspector: false, persist: state },
    });
    try {
      await worker.ready;
      const url = (await worker.url).href.replace(/\/$/, '');
      const me = await run(
        '/usr/bin/aws',
        ['iam', 'get-user', '--endpoint-url', url, '--output', 'json'],
        {
          AWS_ACCESS_KEY_ID: 'AKIACISEEDEXAMPLE001',
          AWS_SECRET_ACCESS_KEY: 'ciSeedSecretKeyForTestsOnly0000000000000',
          AWS_CONFIG_FILE: '/dev/null',
          AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
          AWS_DEFAULT_REGION: 'us-east-1',
          HOME: tmpdir(),
        },
      );
      expect(me.code, me.stderr + me.stdout).toBe(0);
      expect((JSON.parse(me.stdout) as { User: { Arn: string } }).User.Arn).toBe(
        'arn:aws:iam::210987654321:user/deployer',
      );
    } finally {
      await worker.dispose();
      await rm(state, { recursive: true, force: true });
    }
  });
});
