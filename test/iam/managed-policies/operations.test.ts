import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { LIST_PAGE } from '../../../src/iam/common/paging.ts';
import { awsUsage, listEntitiesForPolicy } from '../../../src/iam/managed-policies/operations.ts';
import { KvIamStore } from '../../../src/store/kv.ts';
import {
  ACCOUNT,
  decodeXml,
  doc,
  fails,
  ok,
  S3_READ,
  TRUST_EC2,
  unique,
  xmlAll,
  xmlText,
  seedAccounts,
  testAccount,
  directContext,
  userCaller,
} from '../helpers.ts';
import { countingKv } from '../../helpers/kv-count.ts';

const policyArn = (name: string, path = '/') => `arn:aws:iam::${ACCOUNT}:policy${path}${name}`;

describe('CreatePolicy / GetPolicy / versions', () => {
  it('creates a policy with v1 as default and reads it back URL-encoded', async () => {
    const name = unique('pol');
    const body = await ok({
      Action: 'CreatePolicy',
      PolicyName: name,
      Path: '/team/',
      PolicyDocument: S3_READ,
      Description: 'reads',
    });
    expect(xmlText(body, 'Arn')).toBe(policyArn(name, '/team/'));
    expect(xmlText(body, 'PolicyId')).toMatch(/^ANPA[A-Z2-7]{17}$/);
    expect(xmlText(body, 'DefaultVersionId')).toBe('v1');
    expect(xmlText(body, 'AttachmentCount')).toBe('0');
    expect(xmlText(body, 'IsAttachable')).toBe('true');
    const got = await ok({ Action: 'GetPolicy', PolicyArn: policyArn(name, '/team/') });
    expect(xmlText(got, 'Description')).toBe('reads');
    const v1 = await ok({
      Action: 'GetPolicyVersion',
      PolicyArn: policyArn(name, '/team/'),
      VersionId: 'v1',
    });
    expect(decodeURIComponent(decodeXml(xmlText(v1, 'Document')!))).toBe(S3_READ);
    expect(xmlText(v1, 'IsDefaultVersion')).toBe('true');
  });

  it('keeps at most 5 versions, sets and deletes versions as IAM does', async () => {
    const name = unique('ver');
    const arn = policyArn(name);
    await ok({ Action: 'CreatePolicy', PolicyName: name, PolicyDocument: S3_READ });
    for (let i = 2; i <= 5; i++) {
      const v = await ok({
        Action: 'CreatePolicyVersion',
        PolicyArn: arn,
        PolicyDocument: doc([{ Effect: 'Allow', Action: `s3:Get${i}`, Resource: '*' }]),
      });
      expect(xmlText(v, 'VersionId')).toBe(`v${i}`);
      expect(xmlText(v, 'IsDefaultVersion')).toBe('false');
    }
    const sixth = await fails(
      { Action: 'CreatePolicyVersion', PolicyArn: arn, PolicyDocument: S3_READ },
      409,
      'LimitExceeded',
    );
    expect(sixth.message).toBe(
      'A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.',
    );
    const list = await ok({ Action: 'ListPolicyVersions', PolicyArn: arn });
    expect(xmlAll(list, 'VersionId')).toEqual(['v5', 'v4', 'v3', 'v2', 'v1']);
    const conflict = await fails(
      { Action: 'DeletePolicyVersion', PolicyArn: arn, VersionId: 'v1' },
      409,
      'DeleteConflict',
    );
    expect(conflict.message).toBe('Cannot delete the default version of a policy.');
    await ok({ Action: 'SetDefaultPolicyVersion', PolicyArn: arn, VersionId: 'v3' });
    expect(xmlText(await ok({ Action: 'GetPolicy', PolicyArn: arn }), 'DefaultVersionId')).toBe(
      'v3',
    );
    await ok({ Action: 'DeletePolicyVersion', PolicyArn: arn, VersionId: 'v1' });
    const next = await ok({
      Action: 'CreatePolicyVersion',
      PolicyArn: arn,
      PolicyDocument: S3_READ,
      SetAsDefault: 'true',
    });
    expect(xmlText(next, 'VersionId')).toBe('v6');
    expect(xmlText(next, 'IsDefaultVersion')).toBe('true');
    await fails(
      { Action: 'GetPolicyVersion', PolicyArn: arn, VersionId: 'v1' },
      404,
      'NoSuchEntity',
    );
    await fails(
      { Action: 'SetDefaultPolicyVersion', PolicyArn: arn, VersionId: 'v42' },
      404,
      'NoSuchEntity',
    );
  });

  const invalid: Array<[string, Record<string, string>, number, string, string]> = [
    [
      'a Principal in an identity policy',
      { PolicyDocument: doc([{ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*' }]) },
      400,
      'MalformedPolicyDocument',
      '',
    ],
    [
      'a document over 6144 characters',
      {
        PolicyDocument: doc([
          {
            Effect: 'Allow',
            Action: Array.from({ length: 500 }, (_, i) => `s3:Action${i}`),
            Resource: '*',
          },
        ]),
      },
      409,
      'LimitExceeded',
      'Cannot exceed quota for PolicySize: 6144',
    ],
    [
      'a path outside policyPathType',
      { Path: '/team a/' },
      400,
      'ValidationError',
      "Value '/team a/' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: ((/[A-Za-z0-9\\.,\\+@=_-]+)*)/",
    ],
    [
      'a name over 128 characters',
      { PolicyName: 'p'.repeat(129) },
      400,
      'ValidationError',
      "at 'policyName'",
    ],
    ['bad JSON', { PolicyDocument: '{"Version":' }, 400, 'MalformedPolicyDocument', ''],
    [
      'no Action',
      { PolicyDocument: doc([{ Effect: 'Allow', Resource: '*' }]) },
      400,
      'MalformedPolicyDocument',
      '',
    ],
  ];
  it.each(invalid)('refuses %s', async (_l, extra, status, code, text) => {
    const name = unique('badpol');
    const a = await fails(
      { Action: 'CreatePolicy', PolicyName: name, PolicyDocument: S3_READ, ...extra },
      status,
      code,
    );
    expect(a.message).toContain(text);
    if (!extra.PolicyName)
      await fails({ Action: 'GetPolicy', PolicyArn: policyArn(name) }, 404, 'NoSuchEntity');
  });

  it('refuses a duplicate name', async () => {
    const name = unique('dup');
    await ok({ Action: 'CreatePolicy', PolicyName: name, PolicyDocument: S3_READ });
    const a = await fails(
      { Action: 'CreatePolicy', PolicyName: name, PolicyDocument: S3_READ },
      409,
      'EntityAlreadyExists',
    );
    expect(a.message).toBe(
      `A policy called ${name} already exists. Duplicate names are not allowed.`,
    );
  });

  it('answers NoSuchEntity for an unknown policy and InvalidInput for a malformed ARN', async () => {
    const missing = await fails(
      { Action: 'GetPolicy', PolicyArn: policyArn('nope-none') },
      404,
      'NoSuchEntity',
    );
    expect(missing.message).toBe(`Policy ${policyArn('nope-none')} was not found.`);
    await fails(
      { Action: 'GetPolicy', PolicyArn: 'arn:aws:s3:::not-a-policy' },
      400,
      'InvalidInput',
    );
  });

  it('returns AWS managed policies by ARN', async () => {
    const got = await ok({
      Action: 'GetPolicy',
      PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
    });
    expect(xmlText(got, 'PolicyName')).toBe('ReadOnlyAccess');
    expect(xmlText(got, 'PolicyId')).toMatch(/^ANPA/);
  });
});

describe('attaching, counting and deleting', () => {
  it('counts attachments, lists entities, refuses DeletePolicy while attached', async () => {
    const name = unique('att');
    const arn = policyArn(name);
    const role = unique('att-role');
    await ok({ Action: 'CreatePolicy', PolicyName: name, PolicyDocument: S3_READ });
    await ok({ Action: 'CreateRole', RoleName: role, AssumeRolePolicyDocument: TRUST_EC2 });
    await ok({ Action: 'AttachRolePolicy', RoleName: role, PolicyArn: arn });
    await ok({ Action: 'AttachRolePolicy', RoleName: role, PolicyArn: arn });
    expect(xmlText(await ok({ Action: 'GetPolicy', PolicyArn: arn }), 'AttachmentCount')).toBe('1');
    const attached = await ok({ Action: 'ListAttachedRolePolicies', RoleName: role });
    expect(xmlAll(attached, 'PolicyArn')).toEqual([arn]);
    const entities = await ok({ Action: 'ListEntitiesForPolicy', PolicyArn: arn });
    expect(xmlAll(entities, 'RoleName')).toEqual([role]);
    const a = await fails({ Action: 'DeletePolicy', PolicyArn: arn }, 409, 'DeleteConflict');
    expect(a.message).toBe('Cannot delete a policy attached to entities.');
    const onlyAttached = await ok({
      Action: 'ListPolicies',
      Scope: 'Local',
      OnlyAttached: 'true',
      MaxItems: '1000',
    });
    expect(xmlAll(onlyAttached, 'PolicyName')).toContain(name);
    await ok({ Action: 'DetachRolePolicy', RoleName: role, PolicyArn: arn });
    const notAttached = await fails(
      { Action: 'DetachRolePolicy', RoleName: role, PolicyArn: arn },
      404,
      'NoSuchEntity',
    );
    expect(notAttached.message).toBe(`Policy ${arn} was not found.`);
    expect(xmlText(await ok({ Action: 'GetPolicy', PolicyArn: arn }), 'AttachmentCount')).toBe('0');
    await ok({ Action: 'DeletePolicy', PolicyArn: arn });
    await fails({ Action: 'GetPolicy', PolicyArn: arn }, 404, 'NoSuchEntity');
  });

  it('refuses DeletePolicy while non-default versions exist', async () => {
    const name = unique('vers');
    const arn = policyArn(name);
    await ok({ Action: 'CreatePolicy', PolicyName: name, PolicyDocument: S3_READ });
    await ok({ Action: 'CreatePolicyVersion', PolicyArn: arn, PolicyDocument: S3_READ });
    await fails({ Action: 'DeletePolicy', PolicyArn: arn }, 409, 'DeleteConflict');
    await ok({ Action: 'DeletePolicyVersion', PolicyArn: arn, VersionId: 'v2' });
    await ok({ Action: 'DeletePolicy', PolicyArn: arn });
  });

  it('allows 10 managed policies per role and refuses the 11th', async () => {
    const role = unique('ten');
    await ok({ Action: 'CreateRole', RoleName: role, AssumeRolePolicyDocument: TRUST_EC2 });
    const arns: string[] = [];
    for (let i = 0; i < 11; i++) {
      const name = unique(`ten${i}`);
      await ok({ Action: 'CreatePolicy', PolicyName: name, PolicyDocument: S3_READ });
      arns.push(policyArn(name));
    }
    for (const arn of arns.slice(0, 10))
      await ok({ Action: 'AttachRolePolicy', RoleName: role, PolicyArn: arn });
    const a = await fails(
      { Action: 'AttachRolePolicy', RoleName: role, PolicyArn: arns[10]! },
      409,
      'LimitExceeded',
    );
    expect(a.message).toBe('Cannot exceed quota for PoliciesPerRole: 10');
    expect(
      xmlText(await ok({ Action: 'GetPolicy', PolicyArn: arns[10]! }), 'AttachmentCount'),
    ).toBe('0');
  });

  it('refuses to attach a policy that does not exist', async () => {
    const role = unique('noatt');
    await ok({ Action: 'CreateRole', RoleName: role, AssumeRolePolicyDocument: TRUST_EC2 });
    const a = await fails(
      { Action: 'AttachRolePolicy', RoleName: role, PolicyArn: policyArn('ghost') },
      404,
      'NoSuchEntity',
    );
    expect(a.message).toBe(`Policy ${policyArn('ghost')} does not exist or is not attachable.`);
  });
});

describe('ListPolicies', () => {
  it('lists AWS policies for Scope=AWS and only local ones for Scope=Local, paginated', async () => {
    const aws = await ok({ Action: 'ListPolicies', Scope: 'AWS', MaxItems: '1000' });
    expect(xmlAll(aws, 'Arn').every((a) => a.startsWith('arn:aws:iam::aws:policy/'))).toBe(true);
    expect(xmlAll(aws, 'PolicyName')).toContain('AdministratorAccess');
    const prefix = `/${unique('lp')}/`;
    for (const n of ['b', 'a', 'c'])
      await ok({
        Action: 'CreatePolicy',
        PolicyName: `${n}-${prefix.slice(1, -1)}`,
        Path: prefix,
        PolicyDocument: S3_READ,
      });
    const first = await ok({
      Action: 'ListPolicies',
      Scope: 'Local',
      PathPrefix: prefix,
      MaxItems: '2',
    });
    expect(xmlText(first, 'IsTruncated')).toBe('true');
    const second = await ok({
      Action: 'ListPolicies',
      Scope: 'Local',
      PathPrefix: prefix,
      MaxItems: '2',
      Marker: xmlText(first, 'Marker')!,
    });
    expect(
      [...xmlAll(first, 'PolicyName'), ...xmlAll(second, 'PolicyName')].map((n) => n[0]),
    ).toEqual(['a', 'b', 'c']);
    await fails({ Action: 'ListPolicies', Scope: 'Everything' }, 400, 'ValidationError');
  });
});

describe('ListPolicies pages bounded by size', () => {
  it('ends a page of customer managed policies once its records reach LIST_PAGE characters, and resumes after its last item', async () => {
    const prefix = `/${unique('lps')}/`;
    for (const n of ['d', 'b', 'a', 'c', 'e'])
      await ok({
        Action: 'CreatePolicy',
        PolicyName: `${n}-${prefix.slice(1, -1)}`,
        Path: prefix,
        PolicyDocument: S3_READ,
      });
    const list = (marker?: string) =>
      ok({
        Action: 'ListPolicies',
        Scope: 'Local',
        PathPrefix: prefix,
        MaxItems: '1000',
        ...(marker === undefined ? {} : { Marker: marker }),
      });
    const saved = LIST_PAGE.chars;
    try {
      // Every record is over the bound: one policy a page, whatever MaxItems allows.
      LIST_PAGE.chars = 1;
      const names: string[] = [];
      let marker: string | undefined;
      let pages = 0;
      do {
        const page = await list(marker);
        pages++;
        expect(xmlAll(page, 'PolicyName').length).toBe(1);
        names.push(...xmlAll(page, 'PolicyName'));
        marker = xmlText(page, 'IsTruncated') === 'true' ? xmlText(page, 'Marker') : undefined;
      } while (marker !== undefined && pages < 10);
      expect(names.map((n) => n[0])).toEqual(['a', 'b', 'c', 'd', 'e']);
    } finally {
      LIST_PAGE.chars = saved;
    }
    expect(xmlAll(await list(), 'PolicyName').length).toBe(5);
  });
});

describe('AWS managed policy usage', () => {
  it('is counted from the listings of roles, users and groups, reading none of their records', async () => {
    const account = testAccount('34000000');
    const ro = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
    const admin = 'arn:aws:iam::aws:policy/AdministratorAccess';
    const trust = doc([
      { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
    await seedAccounts([
      {
        id: account,
        users: [
          { name: 'a', attachedPolicies: [ro, admin] },
          { name: 'b', attachedPolicies: [ro], permissionsBoundary: admin },
          { name: 'c' },
        ],
        groups: [{ name: 'g', attachedPolicies: [ro] }],
        roles: [
          { name: 'r', assumeRolePolicyDocument: JSON.parse(trust), permissionsBoundary: ro },
        ],
      },
    ]);
    // A user written before keys kept this metadata: its record is read instead.
    const old = (await new KvIamStore(env.IAM).get(account, 'user', 'a'))!;
    await env.IAM.put(
      `acct/${account}/user/old`,
      JSON.stringify({ ...old, name: 'old', arn: `arn:aws:iam::${account}:user/old` }),
      { metadata: { path: '/' } },
    );
    const { kv, keysRead } = countingKv();
    const recordReads = () =>
      keysRead.filter((k) => /\/(user|role|group)\/(a|b|c|g|r)$/.test(k)).length;
    const usage = await awsUsage(new KvIamStore(kv), account);
    expect(Object.fromEntries(usage)).toEqual({
      [ro]: { attachments: 4, boundaries: 1 },
      [admin]: { attachments: 2, boundaries: 1 },
    });
    // An account at its quotas holds 6,300 such records, 100 MB and more.
    expect(recordReads()).toBe(0);
  });
});

describe('ListEntitiesForPolicy reads', () => {
  it('only the roles, users and groups whose keys name the policy', async () => {
    const account = testAccount('36000000');
    const arn = (n: string) => `arn:aws:iam::${account}:policy/${n}`;
    const all = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
    };
    const trust = JSON.parse(
      doc([
        { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ]),
    );
    await seedAccounts([
      {
        id: account,
        policies: ['P', 'Q'].map((name) => ({ name, document: all })),
        users: [
          { name: 'admin', inlinePolicies: { all } },
          ...Array.from({ length: 20 }, (_, i) => ({
            name: `u${String(i).padStart(2, '0')}`,
            attachedPolicies: i % 10 === 3 ? [arn('Q'), arn('P')] : [arn('Q')],
          })),
        ],
        groups: [
          { name: 'g1', attachedPolicies: [arn('P')] },
          { name: 'g2', attachedPolicies: [arn('Q')] },
        ],
        roles: [
          { name: 'r1', assumeRolePolicyDocument: trust, permissionsBoundary: arn('P') },
          { name: 'r2', assumeRolePolicyDocument: trust, attachedPolicies: [arn('Q')] },
        ],
      },
    ]);
    const { kv, keysRead } = countingKv();
    const store = new KvIamStore(kv);
    const admin = (await new KvIamStore(env.IAM).get(account, 'user', 'admin'))!;
    const answer = JSON.stringify(
      await listEntitiesForPolicy(
        directContext({ ...env, IAM: kv }, { PolicyArn: arn('P') }, store),
        userCaller(account, admin),
      ),
    );
    for (const name of ['"g1"', '"u03"', '"u13"', '"r1"']) expect(answer).toContain(name);
    for (const name of ['"g2"', '"u04"', '"r2"', '"admin"']) expect(answer).not.toContain(name);
    // Every role, user and group record was read (25 here; 6,300 at the quotas).
    const read = keysRead
      .filter((k) => /\/(user|role|group)\//.test(k))
      .map((k) => k.split('/').slice(-2).join('/'));
    expect(read.sort()).toEqual(['group/g1', 'role/r1', 'user/u03', 'user/u13']);
  });
});

describe('ListEntitiesForPolicy', () => {
  it('lists attachments and boundary uses, narrowed by PolicyUsageFilter, EntityFilter and PathPrefix', async () => {
    const name = unique('ents');
    const arn = policyArn(name);
    const attachedRole = unique('ents-att');
    const boundedRole = unique('ents-bnd');
    const user = unique('ents-user');
    await ok({ Action: 'CreatePolicy', PolicyName: name, PolicyDocument: S3_READ });
    await ok({
      Action: 'CreateRole',
      RoleName: attachedRole,
      Path: '/a/',
      AssumeRolePolicyDocument: TRUST_EC2,
    });
    await ok({ Action: 'AttachRolePolicy', RoleName: attachedRole, PolicyArn: arn });
    await ok({
      Action: 'CreateRole',
      RoleName: boundedRole,
      AssumeRolePolicyDocument: TRUST_EC2,
      PermissionsBoundary: arn,
    });
    await ok({ Action: 'CreateUser', UserName: user });
    await ok({ Action: 'AttachUserPolicy', UserName: user, PolicyArn: arn });

    const cases: Array<[Record<string, string>, string[], string[]]> = [
      [{}, [attachedRole, boundedRole], [user]],
      [{ PolicyUsageFilter: 'PermissionsPolicy' }, [attachedRole], [user]],
      [{ PolicyUsageFilter: 'PermissionsBoundary' }, [boundedRole], []],
      [{ EntityFilter: 'Role' }, [attachedRole, boundedRole], []],
      [{ EntityFilter: 'User' }, [], [user]],
      [{ EntityFilter: 'Group' }, [], []],
      [{ PathPrefix: '/a/' }, [attachedRole], []],
    ];
    for (const [filter, roles, users] of cases) {
      const body = await ok({ Action: 'ListEntitiesForPolicy', PolicyArn: arn, ...filter });
      expect({ filter, roles: xmlAll(body, 'RoleName'), users: xmlAll(body, 'UserName') }).toEqual({
        filter,
        roles: [...roles].sort(),
        users,
      });
    }
  });

  it.each([
    ['EntityFilter', 'Bucket', "at 'entityFilter'"],
    ['PolicyUsageFilter', 'Both', "at 'policyUsageFilter'"],
    ['PathPrefix', 'a/', "at 'pathPrefix'"],
  ])('refuses %s %s with ValidationError', async (param, value, at) => {
    const a = await fails(
      { Action: 'ListEntitiesForPolicy', PolicyArn: policyArn('any'), [param]: value },
      400,
      'ValidationError',
    );
    expect(a.message).toContain(at);
  });
});

describe('policy descriptions', () => {
  it('take any text up to 1000 characters (policyDescriptionType has no pattern)', async () => {
    const name = unique('desc');
    const body = await ok({
      Action: 'CreatePolicy',
      PolicyName: name,
      PolicyDocument: S3_READ,
      Description: 'reads\treports',
    });
    expect(xmlText(body, 'Description')).toBe('reads\treports');
  });
});
