import { describe, expect, it } from 'vitest';
import {
  ACCOUNT,
  doc,
  fails,
  ok,
  TRUST_EC2,
  unique,
  userWithKey,
  xmlAll,
  xmlText,
} from '../helpers.ts';

describe('instance profiles', () => {
  it('creates, gets, lists, holds one role, and deletes as IAM does', async () => {
    const [name, role] = [unique('profile'), unique('ec2-role')];
    const created = await ok({
      Action: 'CreateInstanceProfile',
      InstanceProfileName: name,
      Path: '/ec2/',
      'Tags.member.1.Key': 'team',
      'Tags.member.1.Value': 'infra',
    });
    expect(xmlText(created, 'Arn')).toBe(`arn:aws:iam::${ACCOUNT}:instance-profile/ec2/${name}`);
    expect(xmlText(created, 'InstanceProfileId')).toMatch(/^AIPA[A-Z2-7]{17}$/);
    expect(created).toMatch(/<Roles\s*\/>|<Roles><\/Roles>/);
    await fails(
      { Action: 'CreateInstanceProfile', InstanceProfileName: name.toUpperCase() },
      409,
      'EntityAlreadyExists',
    );

    await ok({ Action: 'CreateRole', RoleName: role, AssumeRolePolicyDocument: TRUST_EC2 });
    await ok({ Action: 'AddRoleToInstanceProfile', InstanceProfileName: name, RoleName: role });
    const got = await ok({ Action: 'GetInstanceProfile', InstanceProfileName: name });
    expect(xmlAll(got, 'RoleName')).toEqual([role]);
    expect(xmlText(got, 'Key')).toBe('team');
    const other = unique('second-role');
    await ok({ Action: 'CreateRole', RoleName: other, AssumeRolePolicyDocument: TRUST_EC2 });
    const full = await fails(
      { Action: 'AddRoleToInstanceProfile', InstanceProfileName: name, RoleName: other },
      409,
      'LimitExceeded',
    );
    expect(full.message).toBe('Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1');

    const listed = await ok({ Action: 'ListInstanceProfiles', PathPrefix: '/ec2/' });
    expect(xmlAll(listed, 'InstanceProfileName')).toContain(name);
    expect(listed).not.toContain('<Tags>');
    const forRole = await ok({ Action: 'ListInstanceProfilesForRole', RoleName: role });
    expect(xmlAll(forRole, 'InstanceProfileName')).toEqual([name]);

    const roleBusy = await fails({ Action: 'DeleteRole', RoleName: role }, 409, 'DeleteConflict');
    expect(roleBusy.message).toBe(
      'Cannot delete entity, must remove roles from instance profile first.',
    );
    await fails(
      { Action: 'DeleteInstanceProfile', InstanceProfileName: name },
      409,
      'DeleteConflict',
    );
    await ok({
      Action: 'RemoveRoleFromInstanceProfile',
      InstanceProfileName: name,
      RoleName: role,
    });
    await fails(
      { Action: 'RemoveRoleFromInstanceProfile', InstanceProfileName: name, RoleName: role },
      404,
      'NoSuchEntity',
    );
    await ok({ Action: 'DeleteInstanceProfile', InstanceProfileName: name });
    const gone = await fails(
      { Action: 'GetInstanceProfile', InstanceProfileName: name },
      404,
      'NoSuchEntity',
    );
    expect(gone.message).toBe(`Instance Profile ${name} cannot be found.`);
    await ok({ Action: 'DeleteRole', RoleName: role });
  });

  it('tags: Tag, Untag, ListInstanceProfileTags', async () => {
    const name = unique('tagged-profile');
    await ok({ Action: 'CreateInstanceProfile', InstanceProfileName: name });
    await ok({
      Action: 'TagInstanceProfile',
      InstanceProfileName: name,
      'Tags.member.1.Key': 'a',
      'Tags.member.1.Value': '1',
      'Tags.member.2.Key': 'b',
      'Tags.member.2.Value': '2',
    });
    await ok({
      Action: 'UntagInstanceProfile',
      InstanceProfileName: name,
      'TagKeys.member.1': 'A',
    });
    const tags = await ok({ Action: 'ListInstanceProfileTags', InstanceProfileName: name });
    expect(xmlAll(tags, 'Key')).toEqual(['b']);
  });

  it('AddRoleToInstanceProfile needs iam:PassRole on the role', async () => {
    const [name, role] = [unique('pass-profile'), unique('pass-role')];
    await ok({ Action: 'CreateInstanceProfile', InstanceProfileName: name });
    await ok({ Action: 'CreateRole', RoleName: role, AssumeRolePolicyDocument: TRUST_EC2 });
    const noPass = await userWithKey(
      doc([{ Effect: 'Allow', Action: 'iam:AddRoleToInstanceProfile', Resource: '*' }]),
    );
    const params = {
      Action: 'AddRoleToInstanceProfile',
      InstanceProfileName: name,
      RoleName: role,
    };
    const a = await fails(params, 403, 'AccessDenied', noPass);
    expect(a.message).toContain('iam:PassRole');
    const withPass = await userWithKey(
      doc([
        {
          Effect: 'Allow',
          Action: ['iam:AddRoleToInstanceProfile', 'iam:PassRole'],
          Resource: '*',
        },
      ]),
    );
    await ok(params, withPass);
  });
});
