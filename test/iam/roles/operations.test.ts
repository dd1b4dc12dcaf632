import { describe, expect, it } from 'vitest';
import {
  ACCOUNT,
  decodeXml,
  fails,
  iam,
  ok,
  S3_READ,
  stsSession,
  TRUST_EC2,
  unique,
  xmlAll,
  xmlText,
} from '../helpers.ts';
import { DEMO_ADMIN } from '../../helpers/aws.ts';
import { call } from '../../helpers/worker.ts';

describe('CreateRole / GetRole', () => {
  it('creates a role and returns it as IAM does (ids, ARN with path, URL-encoded trust policy)', async () => {
    const name = unique('app');
    const body = await ok({
      Action: 'CreateRole',
      RoleName: name,
      Path: '/service/',
      AssumeRolePolicyDocument: TRUST_EC2,
      Description: 'An app role',
      MaxSessionDuration: '7200',
      'Tags.member.1.Key': 'team',
      'Tags.member.1.Value': 'core',
    });
    expect(body).toContain(
      '<CreateRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><CreateRoleResult><Role>',
    );
    expect(xmlText(body, 'Arn')).toBe(`arn:aws:iam::${ACCOUNT}:role/service/${name}`);
    expect(xmlText(body, 'RoleId')).toMatch(/^AROA[A-Z2-7]{17}$/);
    expect(xmlText(body, 'CreateDate')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(decodeURIComponent(decodeXml(xmlText(body, 'AssumeRolePolicyDocument')!))).toBe(
      TRUST_EC2,
    );

    const got = await ok({ Action: 'GetRole', RoleName: name.toUpperCase() });
    expect(xmlText(got, 'RoleName')).toBe(name);
    expect(xmlText(got, 'Path')).toBe('/service/');
    expect(xmlText(got, 'Description')).toBe('An app role');
    expect(xmlText(got, 'MaxSessionDuration')).toBe('7200');
    expect(xmlText(got, 'Tags')).toBe('<member><Key>team</Key><Value>core</Value></member>');
    expect(xmlText(got, 'RoleId')).toBe(xmlText(body, 'RoleId'));
  });

  it('refuses a second role with the same name, case-insensitively', async () => {
    const name = unique('dup');
    await ok({ Action: 'CreateRole', RoleName: name, AssumeRolePolicyDocument: TRUST_EC2 });
    const a = await fails(
      { Action: 'CreateRole', RoleName: name.toUpperCase(), AssumeRolePolicyDocument: TRUST_EC2 },
      409,
      'EntityAlreadyExists',
    );
    expect(a.message).toBe(`Role with name ${name.toUpperCase()} already exists.`);
  });

  it('answers NoSuchEntity for a role that does not exist', async () => {
    const a = await fails({ Action: 'GetRole', RoleName: 'no-such-role' }, 404, 'NoSuchEntity');
    expect(a.message).toBe('The role with name no-such-role cannot be found.');
  });

  const invalid: Array<[string, Record<string, string>, string, number, string]> = [
    [
      'name with a slash',
      { RoleName: 'a/b' },
      'ValidationError',
      400,
      "Value 'a/b' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+",
    ],
    [
      'name longer than 64',
      { RoleName: 'r'.repeat(65) },
      'ValidationError',
      400,
      'Member must have length less than or equal to 64',
    ],
    [
      'path without trailing slash',
      { Path: '/a' },
      'ValidationError',
      400,
      "at 'path' failed to satisfy constraint",
    ],
    [
      'MaxSessionDuration below 3600',
      { MaxSessionDuration: '3599' },
      'ValidationError',
      400,
      'Member must have value greater than or equal to 3600',
    ],
    [
      'MaxSessionDuration above 43200',
      { MaxSessionDuration: '43201' },
      'ValidationError',
      400,
      'Member must have value less than or equal to 43200',
    ],
    [
      'description over 1000',
      { Description: 'd'.repeat(1001) },
      'ValidationError',
      400,
      'Member must have length less than or equal to 1000',
    ],
    [
      'description with a control character (roleDescriptionType)',
      { Description: 'two\tcolumns' },
      'ValidationError',
      400,
      "Value 'two\tcolumns' at 'description' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{Z}\\p{S}\\p{N}\\p{P}]*",
    ],
    [
      'trust policy that is not JSON',
      { AssumeRolePolicyDocument: '{nope' },
      'MalformedPolicyDocument',
      400,
      '',
    ],
    [
      'trust policy with Resource',
      {
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'ec2.amazonaws.com' },
              Action: 'sts:AssumeRole',
              Resource: '*',
            },
          ],
        }),
      },
      'MalformedPolicyDocument',
      400,
      'Has prohibited field Resource',
    ],
    [
      'trust policy without Principal',
      { AssumeRolePolicyDocument: S3_READ },
      'MalformedPolicyDocument',
      400,
      '',
    ],
    [
      'trust policy over 2048 characters',
      {
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: Array.from({ length: 30 }, (_, i) => ({
            Sid: `S${i}`,
            Effect: 'Allow',
            Principal: { Service: 'ec2.amazonaws.com' },
            Action: 'sts:AssumeRole',
          })),
        }),
      },
      'LimitExceeded',
      409,
      'Cannot exceed quota for ACLSizePerRole: 2048',
    ],
    [
      '51 tags',
      Object.fromEntries(
        Array.from({ length: 51 }, (_, i) => [
          [`Tags.member.${i + 1}.Key`, `k${i}`],
          [`Tags.member.${i + 1}.Value`, 'v'],
        ]).flat(),
      ),
      'ValidationError',
      400,
      "at 'tags' failed",
    ],
    [
      'duplicate tag keys',
      {
        'Tags.member.1.Key': 'a',
        'Tags.member.1.Value': '1',
        'Tags.member.2.Key': 'A',
        'Tags.member.2.Value': '2',
      },
      'InvalidInput',
      400,
      'Duplicate tag keys',
    ],
    [
      'unknown permissions boundary',
      { PermissionsBoundary: `arn:aws:iam::${ACCOUNT}:policy/none-such` },
      'NoSuchEntity',
      404,
      'does not exist or is not attachable',
    ],
  ];
  it.each(invalid)('refuses %s and writes nothing', async (_label, extra, code, status, text) => {
    const name = unique('bad');
    const a = await fails(
      { Action: 'CreateRole', RoleName: name, AssumeRolePolicyDocument: TRUST_EC2, ...extra },
      status,
      code,
    );
    expect(a.message).toContain(text);
    const roleName = extra.RoleName ?? name;
    if (!roleName.includes('/') && roleName.length <= 64) {
      await fails({ Action: 'GetRole', RoleName: roleName }, 404, 'NoSuchEntity');
    }
  });

  it('reports every constraint violation together, as AWS does', async () => {
    const a = await fails(
      {
        Action: 'CreateRole',
        RoleName: 'x'.repeat(65),
        Path: 'nope',
        AssumeRolePolicyDocument: TRUST_EC2,
      },
      400,
      'ValidationError',
    );
    expect(a.message).toMatch(
      /^2 validation errors detected: Value .* at .roleName.*; Value .nope. at .path./,
    );
  });

  it('requires RoleName and AssumeRolePolicyDocument', async () => {
    const a = await fails({ Action: 'CreateRole', RoleName: unique('x') }, 400, 'ValidationError');
    expect(a.message).toBe(
      "1 validation error detected: Value null at 'assumeRolePolicyDocument' failed to satisfy constraint: Member must not be null",
    );
  });
});

describe('ListRoles', () => {
  it('filters by PathPrefix and paginates with Marker/MaxItems in name order', async () => {
    const prefix = `/${unique('list')}/`;
    const names = ['c-role', 'a-role', 'b-role', 'd-role', 'e-role'];
    for (const n of names)
      await ok({
        Action: 'CreateRole',
        RoleName: `${n}-${prefix.slice(1, -1)}`,
        Path: prefix,
        AssumeRolePolicyDocument: TRUST_EC2,
      });
    const seen: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const body = await ok({
        Action: 'ListRoles',
        PathPrefix: prefix,
        MaxItems: '2',
        ...(marker ? { Marker: marker } : {}),
      });
      seen.push(...xmlAll(body, 'RoleName'));
      const truncated = xmlText(body, 'IsTruncated');
      marker = truncated === 'true' ? xmlText(body, 'Marker') : undefined;
      if (truncated === 'false') expect(body).not.toContain('<Marker>');
      expect(body).not.toContain('<Tags>');
      pages++;
    } while (marker);
    expect(pages).toBe(3);
    expect(seen).toEqual([...names].sort().map((n) => `${n}-${prefix.slice(1, -1)}`));
  });

  it('refuses MaxItems outside 1..1000', async () => {
    const a = await fails({ Action: 'ListRoles', MaxItems: '0' }, 400, 'ValidationError');
    expect(a.message).toContain(
      "Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
  });
});

describe('UpdateRole / UpdateRoleDescription / UpdateAssumeRolePolicy', () => {
  it('updates description and MaxSessionDuration, and the trust policy', async () => {
    const name = unique('upd');
    await ok({ Action: 'CreateRole', RoleName: name, AssumeRolePolicyDocument: TRUST_EC2 });
    const body = await ok({
      Action: 'UpdateRole',
      RoleName: name,
      Description: 'new',
      MaxSessionDuration: '43200',
    });
    expect(body).toContain('<UpdateRoleResult></UpdateRoleResult>');
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
          Action: 'sts:AssumeRole',
        },
      ],
    });
    await ok({ Action: 'UpdateAssumeRolePolicy', RoleName: name, PolicyDocument: trust });
    const desc = await ok({
      Action: 'UpdateRoleDescription',
      RoleName: name,
      Description: 'newer',
    });
    expect(xmlText(desc, 'Description')).toBe('newer');
    const got = await ok({ Action: 'GetRole', RoleName: name });
    expect(xmlText(got, 'MaxSessionDuration')).toBe('43200');
    expect(decodeURIComponent(decodeXml(xmlText(got, 'AssumeRolePolicyDocument')!))).toBe(trust);
  });

  it('refuses MaxSessionDuration out of range and a malformed trust policy, leaving the role as it was', async () => {
    const name = unique('upd');
    await ok({ Action: 'CreateRole', RoleName: name, AssumeRolePolicyDocument: TRUST_EC2 });
    await fails(
      { Action: 'UpdateRole', RoleName: name, MaxSessionDuration: '100' },
      400,
      'ValidationError',
    );
    await fails(
      { Action: 'UpdateAssumeRolePolicy', RoleName: name, PolicyDocument: S3_READ },
      400,
      'MalformedPolicyDocument',
    );
    const got = await ok({ Action: 'GetRole', RoleName: name });
    expect(xmlText(got, 'MaxSessionDuration')).toBe('3600');
    expect(decodeURIComponent(decodeXml(xmlText(got, 'AssumeRolePolicyDocument')!))).toBe(
      TRUST_EC2,
    );
  });
});

describe('DeleteRole', () => {
  it('refuses while inline or managed policies remain, then deletes', async () => {
    const name = unique('del');
    await ok({ Action: 'CreateRole', RoleName: name, AssumeRolePolicyDocument: TRUST_EC2 });
    await ok({
      Action: 'PutRolePolicy',
      RoleName: name,
      PolicyName: 'inline',
      PolicyDocument: S3_READ,
    });
    await ok({
      Action: 'AttachRolePolicy',
      RoleName: name,
      PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
    });
    const a = await fails({ Action: 'DeleteRole', RoleName: name }, 409, 'DeleteConflict');
    expect(a.message).toBe('Cannot delete entity, must delete policies first.');
    await ok({ Action: 'DeleteRolePolicy', RoleName: name, PolicyName: 'inline' });
    const b = await fails({ Action: 'DeleteRole', RoleName: name }, 409, 'DeleteConflict');
    expect(b.message).toBe('Cannot delete entity, must detach all policies first.');
    await ok({
      Action: 'DetachRolePolicy',
      RoleName: name,
      PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
    });
    const deleted = await ok({ Action: 'DeleteRole', RoleName: name });
    expect(deleted).not.toContain('DeleteRoleResult');
    await fails({ Action: 'GetRole', RoleName: name }, 404, 'NoSuchEntity');
  });
});

describe('role tags and permissions boundary', () => {
  it('tags, lists and untags (keys case-insensitive, values replaced)', async () => {
    const name = unique('tag');
    await ok({ Action: 'CreateRole', RoleName: name, AssumeRolePolicyDocument: TRUST_EC2 });
    await ok({
      Action: 'TagRole',
      RoleName: name,
      'Tags.member.1.Key': 'env',
      'Tags.member.1.Value': 'dev',
      'Tags.member.2.Key': 'team',
      'Tags.member.2.Value': 'a',
    });
    await ok({
      Action: 'TagRole',
      RoleName: name,
      'Tags.member.1.Key': 'ENV',
      'Tags.member.1.Value': 'prod',
    });
    let list = await ok({ Action: 'ListRoleTags', RoleName: name });
    expect(xmlAll(list, 'Value')).toEqual(['prod', 'a']);
    await ok({ Action: 'UntagRole', RoleName: name, 'TagKeys.member.1': 'team' });
    list = await ok({ Action: 'ListRoleTags', RoleName: name });
    expect(xmlAll(list, 'Key')).toEqual(['env']);
  });

  it('puts and deletes a permissions boundary, which GetRole reports', async () => {
    const name = unique('pb');
    await ok({ Action: 'CreateRole', RoleName: name, AssumeRolePolicyDocument: TRUST_EC2 });
    await ok({
      Action: 'PutRolePermissionsBoundary',
      RoleName: name,
      PermissionsBoundary: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
    });
    let got = await ok({ Action: 'GetRole', RoleName: name });
    expect(xmlText(got, 'PermissionsBoundary')).toBe(
      '<PermissionsBoundaryType>PermissionsBoundaryPolicy</PermissionsBoundaryType><PermissionsBoundaryArn>arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess</PermissionsBoundaryArn>',
    );
    await ok({ Action: 'DeleteRolePermissionsBoundary', RoleName: name });
    got = await ok({ Action: 'GetRole', RoleName: name });
    expect(got).not.toContain('PermissionsBoundary');
    await fails(
      {
        Action: 'PutRolePermissionsBoundary',
        RoleName: name,
        PermissionsBoundary: 'arn:aws:iam::aws:policy/NotAPolicy',
      },
      404,
      'NoSuchEntity',
    );
    await fails(
      {
        Action: 'PutRolePermissionsBoundary',
        RoleName: name,
        PermissionsBoundary: 'not-an-arn-at-all-xxxxx',
      },
      400,
      'InvalidInput',
    );
  });
});

describe('RoleLastUsed', () => {
  it('GetRole shows it empty until a session of the role signs a request, then its date and Region', async () => {
    const name = unique('used');
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/admin` },
          Action: 'sts:AssumeRole',
        },
      ],
    });
    await ok({ Action: 'CreateRole', RoleName: name, AssumeRolePolicyDocument: trust });
    const before = await ok({ Action: 'GetRole', RoleName: name });
    expect(before).toMatch(/<RoleLastUsed\s*\/>|<RoleLastUsed><\/RoleLastUsed>/);

    const session = await stsSession(
      {
        Action: 'AssumeRole',
        RoleArn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
        RoleSessionName: 'ci-run',
      },
      DEMO_ADMIN,
    );
    const start = Date.now();
    const used = await call({ Action: 'GetCallerIdentity' }, session, { region: 'ap-south-1' });
    expect(used.status, used.body).toBe(200);
    const after = await ok({ Action: 'GetRole', RoleName: name });
    const lastUsed = xmlText(after, 'RoleLastUsed')!;
    expect(xmlText(lastUsed, 'Region')).toBe('ap-south-1');
    const date = Date.parse(xmlText(lastUsed, 'LastUsedDate')!);
    expect(date).toBeGreaterThanOrEqual(Math.floor(start / 1000) * 1000);
    expect(date).toBeLessThanOrEqual(Date.now());
    // ListRoles leaves RoleLastUsed out, as IAM does.
    const listed = await ok({ Action: 'ListRoles', MaxItems: '1000' });
    expect(listed).not.toContain('RoleLastUsed');
  });
});

describe('unknown actions', () => {
  it('answers InvalidAction', async () => {
    const a = await iam({ Action: 'FlyToTheMoon' });
    expect(a.status).toBe(400);
    expect(a.code).toBe('InvalidAction');
  });
});
