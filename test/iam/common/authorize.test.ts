import { describe, expect, it } from 'vitest';
import { DEMO_ADMIN } from '../../helpers/aws.ts';
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
} from '../helpers.ts';

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

  it('names what stopped an identity-based allow: the session policy, or the boundary the caller has', async () => {
    const session = await stsSession(
      {
        Action: 'AssumeRole',
        RoleArn: `arn:aws:iam::${ACCOUNT}:role/demo-readonly`,
        RoleSessionName: 'narrowed',
        Policy: doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }),
      },
      DEMO_ADMIN,
    );
    const a = await fails({ Action: 'ListRoles' }, 403, 'AccessDenied', session);
    expect(a.message).toBe(
      `User: arn:aws:sts::${ACCOUNT}:assumed-role/demo-readonly/narrowed is not authorized to perform: iam:ListRoles on resource: * because no session policy allows the iam:ListRoles action`,
    );
    const bounded = await userWithKey(doc({ Effect: 'Allow', Action: 'iam:*', Resource: '*' }));
    await ok({
      Action: 'PutUserPermissionsBoundary',
      UserName: bounded.userName,
      PermissionsBoundary: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
    });
    const b = await fails({ Action: 'ListRoles' }, 403, 'AccessDenied', bounded);
    expect(b.message).toContain('because no permissions boundary allows the iam:ListRoles action');
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

  it('a federated-user session cannot call IAM, whatever its policies allow', async () => {
    const user = await userWithKey(doc({ Effect: 'Allow', Action: '*', Resource: '*' }));
    const fed = await stsSession(
      {
        Action: 'GetFederationToken',
        Name: 'fed-iam',
        Policy: doc({ Effect: 'Allow', Action: '*', Resource: '*' }),
      },
      user,
    );
    const a = await fails({ Action: 'ListRoles' }, 403, 'AccessDenied', fed);
    expect(a.message).toBe(
      `User: arn:aws:sts::${ACCOUNT}:federated-user/fed-iam is not authorized to perform: ` +
        'iam:ListRoles on resource: * because no identity-based policy allows the iam:ListRoles action',
    );
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

describe('UpdateUser needs iam:UpdateUser on the user before and after the change', () => {
  const mayUpdate = (...patterns: string[]) =>
    doc({
      Effect: 'Allow',
      Action: 'iam:UpdateUser',
      Resource: patterns.map((p) => `arn:aws:iam::${ACCOUNT}:user/${p}`),
    });

  it('a rename to a name the caller may not update is denied on the new ARN, and changes nothing', async () => {
    const tag = unique('rn');
    const from = `src-${tag}`;
    await ok({ Action: 'CreateUser', UserName: from });
    const caller = await userWithKey(mayUpdate('src-*'));
    const a = await fails(
      { Action: 'UpdateUser', UserName: from, NewUserName: `dst-${tag}` },
      403,
      'AccessDenied',
      caller,
    );
    expect(a.message).toContain(
      `iam:UpdateUser on resource: arn:aws:iam::${ACCOUNT}:user/dst-${tag} because`,
    );
    await ok({ Action: 'GetUser', UserName: from });
    await fails({ Action: 'GetUser', UserName: `dst-${tag}` }, 404, 'NoSuchEntity');
    const both = await userWithKey(mayUpdate('src-*', 'dst-*'));
    await ok({ Action: 'UpdateUser', UserName: from, NewUserName: `dst-${tag}` }, both);
    await ok({ Action: 'GetUser', UserName: `dst-${tag}` });
  });

  it('a move to a path the caller may not update is denied on the new ARN', async () => {
    const name = unique('mv');
    await ok({ Action: 'CreateUser', UserName: name, Path: '/open/' });
    const caller = await userWithKey(mayUpdate('open/*'));
    const a = await fails(
      { Action: 'UpdateUser', UserName: name, NewPath: '/locked/' },
      403,
      'AccessDenied',
      caller,
    );
    expect(a.message).toContain(`on resource: arn:aws:iam::${ACCOUNT}:user/locked/${name} `);
    await ok({ Action: 'UpdateUser', UserName: name, NewPath: '/open/sub/' }, caller);
  });
});

describe('list actions without a resource type are authorized on *', () => {
  // Service Authorization Reference: ListRoles, ListUsers, ListGroups, ListPolicies and
  // ListOpenIDConnectProviders define no resource type.
  const lists: Array<[string, string]> = [
    ['ListRoles', 'role'],
    ['ListUsers', 'user'],
    ['ListGroups', 'group'],
    ['ListPolicies', 'policy'],
    ['ListOpenIDConnectProviders', 'oidc-provider'],
  ];
  it.each(lists)(
    '%s: a statement on %s ARNs does not allow it; one on * does',
    async (action, type) => {
      const scoped = await userWithKey(
        doc({
          Effect: 'Allow',
          Action: `iam:${action}`,
          Resource: `arn:aws:iam::${ACCOUNT}:${type}/*`,
        }),
      );
      const a = await fails({ Action: action }, 403, 'AccessDenied', scoped);
      expect(a.message).toContain(`iam:${action} on resource: * because`);
      const anything = await userWithKey(
        doc({ Effect: 'Allow', Action: `iam:${action}`, Resource: '*' }),
      );
      await ok({ Action: action }, anything);
    },
  );
});

describe('the resource entity reaches the condition keys', () => {
  const TEAM_ABAC = (actions: string[], key: string) =>
    doc({
      Effect: 'Allow',
      Action: actions,
      Resource: '*',
      Condition: { StringEquals: { [key]: '${aws:PrincipalTag/team}' } },
    });

  async function taggedCaller(policy: string, team: string) {
    const caller = await userWithKey(policy);
    await ok({
      Action: 'TagUser',
      UserName: caller.userName,
      'Tags.member.1.Key': 'team',
      'Tags.member.1.Value': team,
    });
    return caller;
  }

  async function role(team?: string): Promise<string> {
    const name = unique('abac');
    await ok({
      Action: 'CreateRole',
      RoleName: name,
      AssumeRolePolicyDocument: TRUST_EC2,
      ...(team ? { 'Tags.member.1.Key': 'team', 'Tags.member.1.Value': team } : {}),
    });
    return name;
  }

  it.each(['iam:ResourceTag/team', 'aws:ResourceTag/team'])(
    "%s is the role's tag: a caller acts only on its team's roles",
    async (key) => {
      const caller = await taggedCaller(
        TEAM_ABAC(['iam:GetRole', 'iam:UpdateRoleDescription'], key),
        'blue',
      );
      const blue = await role('blue');
      await ok({ Action: 'GetRole', RoleName: blue }, caller);
      await ok({ Action: 'UpdateRoleDescription', RoleName: blue, Description: 'ours' }, caller);
      await fails({ Action: 'GetRole', RoleName: await role('red') }, 403, 'AccessDenied', caller);
      await fails({ Action: 'GetRole', RoleName: await role() }, 403, 'AccessDenied', caller);
    },
  );

  it("iam:ResourceTag is the user's tag for actions on a user", async () => {
    const caller = await taggedCaller(
      TEAM_ABAC(['iam:GetUser', 'iam:ListUserTags'], 'iam:ResourceTag/team'),
      'blue',
    );
    const teammate = unique('mate');
    await ok({
      Action: 'CreateUser',
      UserName: teammate,
      'Tags.member.1.Key': 'team',
      'Tags.member.1.Value': 'blue',
    });
    const stranger = unique('stranger');
    await ok({
      Action: 'CreateUser',
      UserName: stranger,
      'Tags.member.1.Key': 'team',
      'Tags.member.1.Value': 'red',
    });
    await ok({ Action: 'GetUser', UserName: teammate }, caller);
    await ok({ Action: 'ListUserTags', UserName: teammate }, caller);
    await fails({ Action: 'GetUser', UserName: stranger }, 403, 'AccessDenied', caller);
  });

  it("aws:ResourceTag is a managed policy's tag; iam:ResourceTag is not set for policies", async () => {
    const name = unique('tagged-pol');
    await ok({
      Action: 'CreatePolicy',
      PolicyName: name,
      PolicyDocument: doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }),
      'Tags.member.1.Key': 'team',
      'Tags.member.1.Value': 'blue',
    });
    const arn = `arn:aws:iam::${ACCOUNT}:policy/${name}`;
    const byAws = await taggedCaller(TEAM_ABAC(['iam:GetPolicy'], 'aws:ResourceTag/team'), 'blue');
    await ok({ Action: 'GetPolicy', PolicyArn: arn }, byAws);
    const byIam = await taggedCaller(TEAM_ABAC(['iam:GetPolicy'], 'iam:ResourceTag/team'), 'blue');
    await fails({ Action: 'GetPolicy', PolicyArn: arn }, 403, 'AccessDenied', byIam);
  });

  it("iam:PermissionsBoundary is the entity's boundary: a delegated admin manages only bounded users", async () => {
    const boundary = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
    const admin = await userWithKey(
      doc({
        Effect: 'Allow',
        Action: ['iam:PutUserPolicy', 'iam:AttachUserPolicy', 'iam:DeleteUserPolicy'],
        Resource: '*',
        Condition: { StringEquals: { 'iam:PermissionsBoundary': boundary } },
      }),
    );
    const bounded = unique('bounded');
    await ok({ Action: 'CreateUser', UserName: bounded, PermissionsBoundary: boundary });
    const free = unique('free');
    await ok({ Action: 'CreateUser', UserName: free });
    const put = (user: string) => ({
      Action: 'PutUserPolicy',
      UserName: user,
      PolicyName: 'p',
      PolicyDocument: doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }),
    });
    await ok(put(bounded), admin);
    await ok({ Action: 'DeleteUserPolicy', UserName: bounded, PolicyName: 'p' }, admin);
    await fails(put(free), 403, 'AccessDenied', admin);
  });
});
