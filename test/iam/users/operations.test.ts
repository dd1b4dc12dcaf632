import { describe, expect, it } from 'vitest';
import { DEMO_ADMIN } from '../../helpers/aws.ts';
import { call } from '../../helpers/worker.ts';
import {
  ACCOUNT,
  doc,
  fails,
  iam,
  ok,
  S3_READ,
  unique,
  userWithKey,
  xmlAll,
  xmlText,
} from '../helpers.ts';

describe('users', () => {
  it('creates, gets, lists and deletes a user', async () => {
    const name = unique('alice');
    const body = await ok({
      Action: 'CreateUser',
      UserName: name,
      Path: '/staff/',
      'Tags.member.1.Key': 'team',
      'Tags.member.1.Value': 'x',
    });
    expect(xmlText(body, 'Arn')).toBe(`arn:aws:iam::${ACCOUNT}:user/staff/${name}`);
    expect(xmlText(body, 'UserId')).toMatch(/^AIDA[A-Z2-7]{17}$/);
    const got = await ok({ Action: 'GetUser', UserName: name });
    expect(xmlText(got, 'Tags')).toContain('<Key>team</Key>');
    const list = await ok({ Action: 'ListUsers', PathPrefix: '/staff/' });
    expect(xmlAll(list, 'UserName')).toContain(name);
    await fails({ Action: 'CreateUser', UserName: name.toUpperCase() }, 409, 'EntityAlreadyExists');
    await ok({ Action: 'DeleteUser', UserName: name });
    const a = await fails({ Action: 'GetUser', UserName: name }, 404, 'NoSuchEntity');
    expect(a.message).toBe(`The user with name ${name} cannot be found.`);
  });

  it('GetUser without UserName answers the calling user', async () => {
    const got = await ok({ Action: 'GetUser' });
    expect(xmlText(got, 'UserName')).toBe('admin');
    expect(xmlText(got, 'Arn')).toBe(`arn:aws:iam::${ACCOUNT}:user/admin`);
  });

  it('DeleteUser refuses while access keys or policies remain', async () => {
    const name = unique('bob');
    await ok({ Action: 'CreateUser', UserName: name });
    const key = xmlText(await ok({ Action: 'CreateAccessKey', UserName: name }), 'AccessKeyId')!;
    const a = await fails({ Action: 'DeleteUser', UserName: name }, 409, 'DeleteConflict');
    expect(a.message).toBe('Cannot delete entity, must delete access keys first.');
    await ok({ Action: 'DeleteAccessKey', UserName: name, AccessKeyId: key });
    await ok({ Action: 'PutUserPolicy', UserName: name, PolicyName: 'p', PolicyDocument: S3_READ });
    await fails({ Action: 'DeleteUser', UserName: name }, 409, 'DeleteConflict');
    await ok({ Action: 'DeleteUserPolicy', UserName: name, PolicyName: 'p' });
    await ok({
      Action: 'AttachUserPolicy',
      UserName: name,
      PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
    });
    const b = await fails({ Action: 'DeleteUser', UserName: name }, 409, 'DeleteConflict');
    expect(b.message).toBe('Cannot delete entity, must detach all policies first.');
    await ok({
      Action: 'DetachUserPolicy',
      UserName: name,
      PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
    });
    await ok({ Action: 'DeleteUser', UserName: name });
  });

  it('tags and untags a user', async () => {
    const name = unique('tagged');
    await ok({ Action: 'CreateUser', UserName: name });
    await ok({
      Action: 'TagUser',
      UserName: name,
      'Tags.member.1.Key': 'a',
      'Tags.member.1.Value': '1',
    });
    expect(xmlAll(await ok({ Action: 'ListUserTags', UserName: name }), 'Key')).toEqual(['a']);
    await ok({ Action: 'UntagUser', UserName: name, 'TagKeys.member.1': 'A' });
    expect(xmlAll(await ok({ Action: 'ListUserTags', UserName: name }), 'Key')).toEqual([]);
  });
});

describe('access keys', () => {
  it('returns the secret only at creation, allows 2 keys per user, lists metadata', async () => {
    const name = unique('keys');
    await ok({ Action: 'CreateUser', UserName: name });
    const first = await ok({ Action: 'CreateAccessKey', UserName: name });
    expect(xmlText(first, 'AccessKeyId')).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(xmlText(first, 'SecretAccessKey')).toHaveLength(40);
    expect(xmlText(first, 'Status')).toBe('Active');
    await ok({ Action: 'CreateAccessKey', UserName: name });
    const third = await fails({ Action: 'CreateAccessKey', UserName: name }, 409, 'LimitExceeded');
    expect(third.message).toBe('Cannot exceed quota for AccessKeysPerUser: 2');
    const list = await ok({ Action: 'ListAccessKeys', UserName: name });
    expect(xmlAll(list, 'AccessKeyId')).toHaveLength(2);
    expect(list).not.toContain('SecretAccessKey');
  });

  it('a new key authenticates; an inactive key stops authenticating (InvalidClientTokenId); reactivated works again', async () => {
    const creds = await userWithKey(doc({ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' }));
    const me = await ok({ Action: 'GetUser' }, creds);
    expect(xmlText(me, 'UserName')).toBe(creds.userName);
    await ok({
      Action: 'UpdateAccessKey',
      UserName: creds.userName,
      AccessKeyId: creds.accessKeyId,
      Status: 'Inactive',
    });
    const denied = await iam({ Action: 'GetUser' }, creds);
    expect(denied.status).toBe(403);
    expect(denied.code).toBe('InvalidClientTokenId');
    await ok({
      Action: 'UpdateAccessKey',
      UserName: creds.userName,
      AccessKeyId: creds.accessKeyId,
      Status: 'Active',
    });
    await ok({ Action: 'GetUser' }, creds);
    await fails(
      {
        Action: 'UpdateAccessKey',
        UserName: creds.userName,
        AccessKeyId: creds.accessKeyId,
        Status: 'Sleeping',
      },
      400,
      'ValidationError',
    );
  });

  it('a deleted key no longer authenticates, at once even just after it was used', async () => {
    const creds = await userWithKey(S3_READ);
    // Authenticated (the policy only lacks iam:GetUser), so the key's records were just read.
    expect((await iam({ Action: 'GetUser' }, creds)).code).toBe('AccessDenied');
    await ok({
      Action: 'DeleteAccessKey',
      UserName: creds.userName,
      AccessKeyId: creds.accessKeyId,
    });
    expect((await iam({ Action: 'GetUser' }, creds)).code).toBe('InvalidClientTokenId');
  });

  it("answers NoSuchEntity for another user's key", async () => {
    const creds = await userWithKey(S3_READ);
    const a = await fails(
      { Action: 'DeleteAccessKey', UserName: 'admin', AccessKeyId: creds.accessKeyId },
      404,
      'NoSuchEntity',
    );
    expect(a.message).toContain(creds.accessKeyId);
    expect(DEMO_ADMIN.accessKeyId).toBe('AKIAIOSFODNN7EXAMPLE');
  });
});

describe('user name lengths follow the model', () => {
  // existingUserNameType (1-128) names a user most actions look up; userNameType (1-64) is used by
  // CreateUser and the boundary and managed-policy attachment actions (IAM API Reference).
  const long = 'u'.repeat(100);
  it.each([
    [{ Action: 'GetUser', UserName: long }, 404, 'NoSuchEntity'],
    [{ Action: 'ListUserTags', UserName: long }, 404, 'NoSuchEntity'],
    [{ Action: 'GetUserPolicy', UserName: long, PolicyName: 'p' }, 404, 'NoSuchEntity'],
    [{ Action: 'CreateUser', UserName: long }, 400, 'ValidationError'],
    [
      { Action: 'AttachUserPolicy', UserName: long, PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/p` },
      400,
      'ValidationError',
    ],
    [{ Action: 'DeleteUserPermissionsBoundary', UserName: long }, 400, 'ValidationError'],
  ] as const)('%o answers %i %s', async (params, status, code) => {
    await fails({ ...params }, status, code);
  });

  it('GetAccessKeyLastUsed: N/A before the first use, then the service, Region and date of a use', async () => {
    const creds = await userWithKey(S3_READ);
    const before = await ok({ Action: 'GetAccessKeyLastUsed', AccessKeyId: creds.accessKeyId });
    expect(xmlText(before, 'UserName')).toBe(creds.userName);
    expect(xmlText(before, 'ServiceName')).toBe('N/A');
    expect(xmlText(before, 'Region')).toBe('N/A');
    expect(before).not.toContain('LastUsedDate');

    const start = Date.now();
    const used = await call({ Action: 'GetCallerIdentity' }, creds, { region: 'eu-west-1' });
    expect(used.status, used.body).toBe(200);
    const after = await ok({ Action: 'GetAccessKeyLastUsed', AccessKeyId: creds.accessKeyId });
    expect(xmlText(after, 'ServiceName')).toBe('sts');
    expect(xmlText(after, 'Region')).toBe('eu-west-1');
    const date = Date.parse(xmlText(after, 'LastUsedDate')!);
    expect(date).toBeGreaterThanOrEqual(Math.floor(start / 1000) * 1000);
    expect(date).toBeLessThanOrEqual(Date.now());
  });
});
