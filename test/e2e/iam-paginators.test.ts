import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_ENV, aws, run, startServer, type Server } from './server.ts';

/**
 * Every IAM list that AWS pages (`IsTruncated` + `Marker`), read page by page the way the clients
 * read them: boto3's paginator for each action botocore has one for (and `MaxItems`/`Marker` by hand
 * for the tag lists it has none for), the JS SDK's paginators, the waiters of boto3 and of the aws
 * CLI, and the CLI's automatic pagination (`--page-size`, `--max-items`, `--starting-token`). Pages
 * of 2 over 3 or more items: every page but the last is truncated and carries a Marker, the last
 * carries neither, and the pages joined equal the unpaged answer.
 */
const SCRIPT = String.raw`
import json, os, sys
import boto3
from botocore.config import Config
from botocore.exceptions import WaiterError

ACCOUNT = '123456789012'
RUN = os.environ['RUN_ID']
iam = boto3.session.Session(region_name='us-east-1').client(
    'iam', endpoint_url=os.environ['ENDPOINT'], config=Config(retries={'total_max_attempts': 1}))
ALLOW = json.dumps({'Version': '2012-10-17', 'Statement': [
    {'Effect': 'Allow', 'Action': 's3:GetObject', 'Resource': '*'}]})
TRUST = json.dumps({'Version': '2012-10-17', 'Statement': [
    {'Effect': 'Allow', 'Principal': {'Service': 'ec2.amazonaws.com'}, 'Action': 'sts:AssumeRole'}]})
PATH = f'/pg{RUN}/'
N = 3
role, user, group, profile = f'pr-{RUN}', f'pu-{RUN}', f'pg-{RUN}', f'pi-{RUN}'
policies = []
for i in range(N):
    iam.create_role(RoleName=f'{role}-{i}', Path=PATH, AssumeRolePolicyDocument=TRUST)
    iam.create_user(UserName=f'{user}-{i}', Path=PATH)
    iam.create_group(GroupName=f'{group}-{i}', Path=PATH)
    iam.create_instance_profile(InstanceProfileName=f'{profile}-{i}', Path=PATH)
    policies.append(iam.create_policy(PolicyName=f'pp-{RUN}-{i}', Path=PATH,
                                      PolicyDocument=ALLOW)['Policy']['Arn'])
    iam.create_virtual_mfa_device(VirtualMFADeviceName=f'pm-{RUN}-{i}', Path=PATH)
r0, u0, g0, p0 = f'{role}-0', f'{user}-0', f'{group}-0', policies[0]
for i in range(N):
    for kind, name in (('role', r0), ('user', u0), ('group', g0)):
        getattr(iam, f'put_{kind}_policy')(**{f'{kind.capitalize()}Name': name},
                                           PolicyName=f'inline-{i}', PolicyDocument=ALLOW)
        getattr(iam, f'attach_{kind}_policy')(**{f'{kind.capitalize()}Name': name},
                                              PolicyArn=policies[i])
    iam.attach_role_policy(RoleName=f'{role}-{i}', PolicyArn=p0)
    iam.add_user_to_group(GroupName=g0, UserName=f'{user}-{i}')
    iam.add_user_to_group(GroupName=f'{group}-{i}', UserName=u0)
    iam.add_role_to_instance_profile(InstanceProfileName=f'{profile}-{i}', RoleName=r0)
    tag = [{'Key': f't{i}', 'Value': 'v'}]
    iam.tag_role(RoleName=r0, Tags=tag)
    iam.tag_user(UserName=u0, Tags=tag)
    iam.tag_policy(PolicyArn=p0, Tags=tag)
    iam.tag_instance_profile(InstanceProfileName=f'{profile}-0', Tags=tag)
for _ in range(2):
    iam.create_policy_version(PolicyArn=p0, PolicyDocument=ALLOW)

PAGED = {
    'list_roles': {'PathPrefix': PATH}, 'list_users': {'PathPrefix': PATH},
    'list_groups': {'PathPrefix': PATH}, 'list_instance_profiles': {'PathPrefix': PATH},
    'list_policies': {'PathPrefix': PATH, 'Scope': 'Local'}, 'list_policies_aws': {'Scope': 'AWS'},
    'list_role_policies': {'RoleName': r0}, 'list_user_policies': {'UserName': u0},
    'list_group_policies': {'GroupName': g0}, 'list_attached_role_policies': {'RoleName': r0},
    'list_attached_user_policies': {'UserName': u0}, 'list_attached_group_policies': {'GroupName': g0},
    'get_group': {'GroupName': g0}, 'list_groups_for_user': {'UserName': u0},
    'list_entities_for_policy': {'PolicyArn': p0}, 'list_policy_versions': {'PolicyArn': p0},
    'list_instance_profiles_for_role': {'RoleName': r0}, 'list_user_tags': {'UserName': u0},
    'list_virtual_mfa_devices': {}, 'get_account_authorization_details': {},
    'simulate_custom_policy': {'PolicyInputList': [ALLOW],
                               'ActionNames': ['s3:GetObject', 's3:PutObject', 's3:ListBucket']},
    'simulate_principal_policy': {'PolicySourceArn': f'arn:aws:iam::{ACCOUNT}:user{PATH}{u0}',
                                  'ActionNames': ['s3:GetObject', 's3:PutObject', 's3:ListBucket']},
}
# botocore has no paginator for these tag lists: MaxItems and Marker by hand.
BY_HAND = {'list_role_tags': ({'RoleName': r0}, 'Tags'), 'list_policy_tags': ({'PolicyArn': p0}, 'Tags'),
           'list_instance_profile_tags': ({'InstanceProfileName': f'{profile}-0'}, 'Tags')}

report = {'problems': [], 'pages': {}}


def flat(items):
    return [json.dumps(x, default=str, sort_keys=True) for x in items]


for name, params in PAGED.items():
    method = name.replace('_aws', '')
    full = getattr(iam, method)(**params)
    pages = list(iam.get_paginator(method).paginate(**params, PaginationConfig={'PageSize': 2}))
    report['pages'][name] = len(pages)
    for i, page in enumerate(pages):
        last = i == len(pages) - 1
        if page['IsTruncated'] == last or ('Marker' in page) == last:
            report['problems'].append(f'{name} page {i}: IsTruncated={page["IsTruncated"]}, Marker={"Marker" in page}')
    if full['IsTruncated'] or 'Marker' in full:
        report['problems'].append(f'{name}: the unpaged answer is truncated')
    keys = iam.get_paginator(method)._pagination_cfg['result_key']
    for key in keys if isinstance(keys, list) else [keys]:
        joined = flat(x for page in pages for x in page.get(key, []))
        if joined != flat(full.get(key, [])):
            report['problems'].append(f'{name}.{key}: {len(joined)} paged, {len(full.get(key, []))} unpaged')
for name, (params, key) in BY_HAND.items():
    items, marker, pages = [], None, 0
    while True:
        page = getattr(iam, name)(**params, MaxItems=2, **({'Marker': marker} if marker else {}))
        pages += 1
        items += page[key]
        if not page['IsTruncated']:
            if 'Marker' in page:
                report['problems'].append(f'{name}: last page has a Marker')
            break
        marker = page['Marker']
    report['pages'][name] = pages
    if flat(items) != flat(getattr(iam, name)(**params)[key]):
        report['problems'].append(f'{name}: pages differ from the unpaged answer')

report['waits'] = {}
for name, ok, missing in [
        ('instance_profile_exists', {'InstanceProfileName': f'{profile}-0'}, {'InstanceProfileName': f'none-{RUN}'}),
        ('role_exists', {'RoleName': r0}, {'RoleName': f'none-{RUN}'}),
        ('user_exists', {'UserName': u0}, {'UserName': f'none-{RUN}'}),
        ('policy_exists', {'PolicyArn': p0}, {'PolicyArn': f'arn:aws:iam::{ACCOUNT}:policy/none-{RUN}'})]:
    waiter = iam.get_waiter(name)
    waiter.wait(WaiterConfig={'Delay': 1, 'MaxAttempts': 1}, **ok)
    try:
        waiter.wait(WaiterConfig={'Delay': 1, 'MaxAttempts': 1}, **missing)
        report['waits'][name] = 'no error'
    except WaiterError as e:
        report['waits'][name] = e.last_response['Error']['Code']
print(json.dumps(report))
`;

/** The JS SDK's paginators and waiters over the same kind of lists. */
const SDK_SCRIPT = `
import {
  IAMClient, paginateListRoles, paginateGetAccountAuthorizationDetails, paginateListEntitiesForPolicy,
  waitUntilRoleExists, waitUntilInstanceProfileExists, ListRolesCommand,
} from '@aws-sdk/client-iam';
const iam = new IAMClient({
  endpoint: process.env.ENDPOINT, region: 'us-east-1', maxAttempts: 1,
  credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY },
});
const path = process.env.PATH_PREFIX;
const out = { roles: [], pages: 0, details: 0, entities: [] };
for await (const page of paginateListRoles({ client: iam, pageSize: 2 }, { PathPrefix: path })) {
  out.pages++;
  out.roles.push(...page.Roles.map((r) => r.RoleName));
}
out.unpaged = (await iam.send(new ListRolesCommand({ PathPrefix: path }))).Roles.map((r) => r.RoleName);
for await (const page of paginateGetAccountAuthorizationDetails({ client: iam, pageSize: 2 }, {})) {
  out.details += page.RoleDetailList.filter((r) => r.Path === path).length;
}
const policy = 'arn:aws:iam::123456789012:policy' + path + 'pp-' + process.env.RUN_ID + '-0';
for await (const page of paginateListEntitiesForPolicy({ client: iam, pageSize: 2 }, { PolicyArn: policy })) {
  out.entities.push(...page.PolicyRoles.map((r) => r.RoleName));
}
const wait = { client: iam, maxWaitTime: 5, minDelay: 1, maxDelay: 1 };
out.roleWait = (await waitUntilRoleExists(wait, { RoleName: out.roles[0] })).state;
out.profileWait = (
  await waitUntilInstanceProfileExists(wait, { InstanceProfileName: 'pi-' + process.env.RUN_ID + '-0' })
).state;
out.missing = await waitUntilRoleExists({ ...wait, maxWaitTime: 2 }, { RoleName: 'none' }).then(
  (r) => r.state,
  (e) => e.name,
);
console.log(JSON.stringify(out));
`;

let server: Server;
let runId: string;
let pathPrefix: string;
let seeded: Promise<{ problems: string[]; pages: Record<string, number>; waits: object }>;

beforeAll(async () => {
  server = await startServer();
  runId = Date.now().toString(36);
  pathPrefix = `/pg${runId}/`;
});
afterAll(async () => {
  await server?.stop();
});

function boto3Report() {
  seeded ??= run('/usr/bin/python3', ['-c', SCRIPT], {
    ...ADMIN_ENV,
    ENDPOINT: server.url,
    RUN_ID: runId,
  }).then((r) => {
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as {
      problems: string[];
      pages: Record<string, number>;
      waits: object;
    };
  });
  return seeded;
}

describe('IAM pagination and waiters with real clients', () => {
  it('boto3: every paginated list pages consistently; the four IAM waiters', async () => {
    const report = await boto3Report();
    expect(report.problems).toEqual([]);
    // 3 items (or more) in pages of 2: at least 2 pages each.
    expect(Object.entries(report.pages).filter(([, n]) => n < 2)).toEqual([]);
    expect(Object.keys(report.pages)).toHaveLength(25);
    expect(report.waits).toEqual({
      instance_profile_exists: 'NoSuchEntity',
      role_exists: 'NoSuchEntity',
      user_exists: 'NoSuchEntity',
      policy_exists: 'NoSuchEntity',
    });
  });

  it('the aws CLI pages on its own: --page-size, --max-items and --starting-token', async () => {
    await boto3Report();
    const roles = [0, 1, 2].map((i) => `pr-${runId}-${i}`);
    const json = async (args: string[]) => {
      const r = await aws(server, args);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as Record<string, unknown>;
    };
    const all = await json(['iam', 'list-roles', '--path-prefix', pathPrefix, '--page-size', '1']);
    expect((all.Roles as { RoleName: string }[]).map((r) => r.RoleName)).toEqual(roles);
    expect(all.NextToken).toBeUndefined();
    const first = await json([
      'iam',
      'list-roles',
      '--path-prefix',
      pathPrefix,
      '--max-items',
      '2',
    ]);
    expect((first.Roles as { RoleName: string }[]).map((r) => r.RoleName)).toEqual(
      roles.slice(0, 2),
    );
    expect(first.NextToken).toEqual(expect.any(String));
    const rest = await json([
      ...['iam', 'list-roles', '--path-prefix', pathPrefix, '--max-items', '2'],
      ...['--starting-token', first.NextToken as string],
    ]);
    expect((rest.Roles as { RoleName: string }[]).map((r) => r.RoleName)).toEqual(roles.slice(2));
    expect(rest.NextToken).toBeUndefined();
    const tags = await json([
      'iam',
      'list-user-tags',
      '--user-name',
      `pu-${runId}-0`,
      '--page-size',
      '1',
    ]);
    expect((tags.Tags as { Key: string }[]).map((t) => t.Key)).toEqual(['t0', 't1', 't2']);
    const group = await json([
      'iam',
      'get-group',
      '--group-name',
      `pg-${runId}-0`,
      '--page-size',
      '2',
    ]);
    expect((group.Users as unknown[]).length).toBe(3);
    const wait = await aws(server, [
      ...['iam', 'wait', 'instance-profile-exists'],
      ...['--instance-profile-name', `pi-${runId}-0`],
    ]);
    expect(wait.code, wait.stderr).toBe(0);
  });

  it('the JS SDK: paginateListRoles, paginateGetAccountAuthorizationDetails, the waiters', async () => {
    await boto3Report();
    const node = join(resolve(import.meta.dirname, '../..'), 'node_modules/.bin/node');
    const r = await run(node, ['--input-type=module', '-e', SDK_SCRIPT], {
      ...ADMIN_ENV,
      ENDPOINT: server.url,
      PATH_PREFIX: pathPrefix,
      RUN_ID: runId,
    });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    const roles = [0, 1, 2].map((i) => `pr-${runId}-${i}`);
    expect(out).toEqual({
      roles,
      unpaged: roles,
      pages: 2,
      details: 3,
      entities: roles,
      roleWait: 'SUCCESS',
      profileWait: 'SUCCESS',
      missing: 'TimeoutError',
    });
  });
});
