import { describe, expect, it } from 'vitest';
import { DEMO_ADMIN } from '../helpers/aws.ts';
import {
  ACCOUNT,
  doc,
  fails,
  iam,
  ok,
  stsSession,
  TRUST_EC2,
  unique,
  userWithKey,
} from './helpers.ts';

const READ_ONLY = doc({ Effect: 'Allow', Action: ['iam:Get*', 'iam:List*'], Resource: '*' });

describe('every IAM call is authorized against the caller policies', () => {
  it('a read-only principal can read but not write, with AWS AccessDenied wording', async () => {
    const reader = await userWithKey(READ_ONLY);
    await ok({ Action: 'ListRoles' }, reader);
    await ok({ Action: 'GetRole', RoleName: 'ec2-ssm-instance-role' }, reader);
    const name = unique('denied');
    const a = await fails(
      { Action: 'CreateRole', RoleName: name, AssumeRolePolicyDocument: TRUST_EC2 },
      403,
      'AccessDenied',
      reader,
    );
    expect(a.message).toBe(
      `User: arn:aws:iam::${ACCOUNT}:user/${reader.userName} is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::${ACCOUNT}:role/${name} because no identity-based policy allows the iam:CreateRole action`,
    );
    await fails({ Action: 'GetRole', RoleName: name }, 404, 'NoSuchEntity');
    await fails(
      { Action: 'DeleteRole', RoleName: 'ec2-ssm-instance-role' },
      403,
      'AccessDenied',
      reader,
    );
    await fails(
      { Action: 'CreateAccessKey', UserName: reader.userName },
      403,
      'AccessDenied',
      reader,
    );
  });

  it('denies before revealing whether an entity exists', async () => {
    const nobody = await userWithKey(doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' }));
    await fails(
      { Action: 'GetRole', RoleName: 'certainly-not-there' },
      403,
      'AccessDenied',
      nobody,
    );
  });

  it('an explicit deny wins, and says so', async () => {
    const user = await userWithKey(
      doc([
        { Effect: 'Allow', Action: 'iam:*', Resource: '*' },
        { Effect: 'Deny', Action: 'iam:DeleteRole', Resource: '*' },
      ]),
    );
    const a = await fails(
      { Action: 'DeleteRole', RoleName: 'ec2-ssm-instance-role' },
      403,
      'AccessDenied',
      user,
    );
    expect(a.message).toContain('with an explicit deny in an identity-based policy');
  });

  it('evaluates the resource ARN with its path', async () => {
    const user = await userWithKey(
      doc({
        Effect: 'Allow',
        Action: 'iam:CreateRole',
        Resource: `arn:aws:iam::${ACCOUNT}:role/sandbox/*`,
      }),
    );
    await ok(
      {
        Action: 'CreateRole',
        RoleName: unique('in-sandbox'),
        Path: '/sandbox/',
        AssumeRolePolicyDocument: TRUST_EC2,
      },
      user,
    );
    await fails(
      { Action: 'CreateRole', RoleName: unique('outside'), AssumeRolePolicyDocument: TRUST_EC2 },
      403,
      'AccessDenied',
      user,
    );
  });

  it('condition keys: iam:PolicyARN limits which policies may be attached', async () => {
    const role = unique('cond');
    await ok({ Action: 'CreateRole', RoleName: role, AssumeRolePolicyDocument: TRUST_EC2 });
    const user = await userWithKey(
      doc({
        Effect: 'Allow',
        Action: 'iam:AttachRolePolicy',
        Resource: '*',
        Condition: { ArnEquals: { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/ReadOnlyAccess' } },
      }),
    );
    await ok(
      {
        Action: 'AttachRolePolicy',
        RoleName: role,
        PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
      },
      user,
    );
    await fails(
      {
        Action: 'AttachRolePolicy',
        RoleName: role,
        PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
      },
      403,
      'AccessDenied',
      user,
    );
  });

  it('refuses resources of another account', async () => {
    const a = await fails(
      { Action: 'GetPolicy', PolicyArn: 'arn:aws:iam::999999999999:policy/theirs' },
      403,
      'AccessDenied',
    );
    expect(a.message).toContain('on resource: arn:aws:iam::999999999999:policy/theirs');
  });

  it('a GetSessionToken session without MFA cannot call IAM', async () => {
    const user = await userWithKey(doc({ Effect: 'Allow', Action: '*', Resource: '*' }));
    const session = await stsSession({ Action: 'GetSessionToken' }, user);
    const a = await iam({ Action: 'ListRoles' }, session);
    expect(a.status).toBe(403);
    expect(a.code).toBe('AccessDenied');
  });

  it('an assumed-role session is limited to the role permissions', async () => {
    const role = unique('reader-role');
    const trust = doc({
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/admin` },
      Action: 'sts:AssumeRole',
    });
    await ok({ Action: 'CreateRole', RoleName: role, AssumeRolePolicyDocument: trust });
    await ok({
      Action: 'AttachRolePolicy',
      RoleName: role,
      PolicyArn: 'arn:aws:iam::aws:policy/IAMReadOnlyAccess',
    });
    const session = await stsSession(
      {
        Action: 'AssumeRole',
        RoleArn: `arn:aws:iam::${ACCOUNT}:role/${role}`,
        RoleSessionName: 'sess',
      },
      DEMO_ADMIN,
    );
    await ok({ Action: 'ListRoles' }, session);
    const a = await fails(
      { Action: 'CreateUser', UserName: unique('nope') },
      403,
      'AccessDenied',
      session,
    );
    expect(a.message).toContain(
      `User: arn:aws:sts::${ACCOUNT}:assumed-role/${role}/sess is not authorized to perform: iam:CreateUser`,
    );
    const me = await iam({ Action: 'GetUser' }, session);
    expect(me.code).toBe('ValidationError');
  });
});
