import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { applySeed, SeedError } from '../../../src/seed/apply.ts';
import { seedSchema, type SeedDocument } from '../../../src/seed/schema.ts';
import { KvIamStore } from '../../../src/store/kv.ts';
import {
  ACCOUNT,
  decodeXml,
  doc,
  fails,
  ok,
  S3_READ,
  unique,
  userWithKey,
  xmlAll,
  xmlText,
} from '../helpers.ts';

const groupArn = (name: string, path = '/') => `arn:aws:iam::${ACCOUNT}:group${path}${name}`;
const policyArn = (name: string) => `arn:aws:iam::${ACCOUNT}:policy/${name}`;

async function group(path = '/'): Promise<string> {
  const name = unique('grp');
  await ok({ Action: 'CreateGroup', GroupName: name, Path: path });
  return name;
}

async function user(): Promise<string> {
  const name = unique('member');
  await ok({ Action: 'CreateUser', UserName: name });
  return name;
}

const join = (g: string, u: string) => ok({ Action: 'AddUserToGroup', GroupName: g, UserName: u });
const leave = (g: string, u: string) =>
  ok({ Action: 'RemoveUserFromGroup', GroupName: g, UserName: u });
const membersOf = async (g: string) =>
  xmlAll(await ok({ Action: 'GetGroup', GroupName: g }), 'UserName');
const groupsOfUser = async (u: string) =>
  xmlAll(await ok({ Action: 'ListGroupsForUser', UserName: u }), 'GroupName');

/** An identity policy of about `size` characters (whitespace not counted). */
const sized = (size: number) =>
  doc({
    Effect: 'Allow',
    Action: Array.from(
      { length: Math.ceil(size / 18) },
      (_, i) => `s3:Get${String(i).padStart(9, '0')}`,
    ),
    Resource: '*',
  });

describe('CreateGroup / GetGroup / ListGroups', () => {
  it('creates a group with an AGPA id and an ARN carrying its path, and reads it back', async () => {
    const name = unique('dev');
    const body = await ok({ Action: 'CreateGroup', GroupName: name, Path: '/eng/' });
    expect(xmlText(body, 'Arn')).toBe(groupArn(name, '/eng/'));
    expect(xmlText(body, 'GroupId')).toMatch(/^AGPA[A-Z2-7]{17}$/);
    expect(xmlText(body, 'Path')).toBe('/eng/');
    expect(xmlText(body, 'CreateDate')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const got = await ok({ Action: 'GetGroup', GroupName: name.toUpperCase() });
    expect(xmlText(got, 'GroupName')).toBe(name);
    expect(xmlText(got, 'GroupId')).toBe(xmlText(body, 'GroupId'));
    expect(xmlAll(got, 'UserName')).toEqual([]);
    expect(xmlText(got, 'IsTruncated')).toBe('false');
  });

  it('names are unique case-insensitively (EntityAlreadyExists)', async () => {
    const name = await group();
    const a = await fails(
      { Action: 'CreateGroup', GroupName: name.toUpperCase() },
      409,
      'EntityAlreadyExists',
    );
    expect(a.message).toBe(`Group with name ${name.toUpperCase()} already exists.`);
  });

  it('answers NoSuchEntity for a missing group, worded as IAM words it', async () => {
    const name = unique('none');
    for (const Action of ['GetGroup', 'DeleteGroup', 'ListGroupPolicies']) {
      const a = await fails({ Action, GroupName: name }, 404, 'NoSuchEntity');
      expect(a.message).toBe(`The group with name ${name} cannot be found.`);
    }
  });

  it.each([
    ['a name outside [\\w+=,.@-]+', { GroupName: 'a/b' }, "at 'groupName'"],
    ['a name of 129 characters', { GroupName: 'g'.repeat(129) }, 'less than or equal to 128'],
    ['a path without slashes', { GroupName: 'ok', Path: 'eng' }, "at 'path'"],
    ['no name', {}, "at 'groupName' failed to satisfy constraint: Member must not be null"],
  ])('CreateGroup refuses %s (ValidationError)', async (_, params, fragment) => {
    const a = await fails({ Action: 'CreateGroup', ...params }, 400, 'ValidationError');
    expect(a.message).toContain(fragment);
  });

  it('accepts a 128-character name (groupNameType is 1-128)', async () => {
    const name = `${unique('long')}-`.padEnd(128, 'x');
    await ok({ Action: 'CreateGroup', GroupName: name });
    await ok({ Action: 'DeleteGroup', GroupName: name });
  });

  it('ListGroups filters by PathPrefix and paginates with Marker/MaxItems', async () => {
    const path = `/${unique('list')}/`;
    const names = [await group(path), await group(path), await group(path)].sort();
    const all = await ok({ Action: 'ListGroups', PathPrefix: path });
    expect(xmlAll(all, 'GroupName')).toEqual(names);
    const seen: string[] = [];
    let marker: string | undefined;
    do {
      const page = await ok({
        Action: 'ListGroups',
        PathPrefix: path,
        MaxItems: '2',
        ...(marker ? { Marker: marker } : {}),
      });
      seen.push(...xmlAll(page, 'GroupName'));
      marker = xmlText(page, 'IsTruncated') === 'true' ? xmlText(page, 'Marker') : undefined;
    } while (marker);
    expect(seen).toEqual(names);
  });
});

describe('membership', () => {
  it('AddUserToGroup / GetGroup / ListGroupsForUser / RemoveUserFromGroup', async () => {
    const g = await group();
    const [a, b] = [await user(), await user()];
    await join(g, a);
    await join(g, b);
    await join(g, a); // already a member: unchanged
    expect(await membersOf(g)).toEqual([a, b].sort());
    expect(await groupsOfUser(a)).toEqual([g]);
    const first = await ok({ Action: 'GetGroup', GroupName: g, MaxItems: '1' });
    expect(xmlAll(first, 'UserName')).toHaveLength(1);
    expect(xmlText(first, 'IsTruncated')).toBe('true');
    const second = await ok({
      Action: 'GetGroup',
      GroupName: g,
      Marker: xmlText(first, 'Marker')!,
    });
    expect([...xmlAll(first, 'UserName'), ...xmlAll(second, 'UserName')]).toEqual([a, b].sort());
    await leave(g, a);
    expect(await membersOf(g)).toEqual([b]);
    expect(await groupsOfUser(a)).toEqual([]);
    await leave(g, a); // not a member: nothing to do
  });

  it('answers NoSuchEntity for a missing group or user', async () => {
    const g = await group();
    const u = await user();
    const missing = unique('nobody');
    for (const Action of ['AddUserToGroup', 'RemoveUserFromGroup']) {
      const a = await fails({ Action, GroupName: missing, UserName: u }, 404, 'NoSuchEntity');
      expect(a.message).toBe(`The group with name ${missing} cannot be found.`);
      const b = await fails({ Action, GroupName: g, UserName: missing }, 404, 'NoSuchEntity');
      expect(b.message).toBe(`The user with name ${missing} cannot be found.`);
    }
    const c = await fails({ Action: 'ListGroupsForUser', UserName: missing }, 404, 'NoSuchEntity');
    expect(c.message).toBe(`The user with name ${missing} cannot be found.`);
  });

  it('a user can be in at most 10 groups (LimitExceeded GroupsPerUser)', async () => {
    const u = await user();
    for (let i = 0; i < 10; i++) await join(await group(), u);
    const extra = await group();
    const a = await fails(
      { Action: 'AddUserToGroup', GroupName: extra, UserName: u },
      409,
      'LimitExceeded',
    );
    expect(a.message).toBe('Cannot exceed quota for GroupsPerUser: 10');
    expect(await groupsOfUser(u)).toHaveLength(10);
    expect(await membersOf(extra)).toEqual([]);
  });

  it('DeleteUser refuses while the user is in a group', async () => {
    const g = await group();
    const u = await user();
    await join(g, u);
    const a = await fails({ Action: 'DeleteUser', UserName: u }, 409, 'DeleteConflict');
    expect(a.message).toBe('Cannot delete entity, must remove users from group first.');
    await leave(g, u);
    await ok({ Action: 'DeleteUser', UserName: u });
  });

  it('a renamed user stays a member', async () => {
    const g = await group();
    const u = await user();
    await join(g, u);
    const renamed = unique('renamed');
    await ok({ Action: 'UpdateUser', UserName: u, NewUserName: renamed });
    expect(await membersOf(g)).toEqual([renamed]);
  });
});

describe('UpdateGroup / DeleteGroup', () => {
  it('renames and moves a group; members and policies follow; the old name is gone', async () => {
    const g = await group();
    const u = await user();
    await join(g, u);
    await ok({ Action: 'PutGroupPolicy', GroupName: g, PolicyName: 'p', PolicyDocument: S3_READ });
    const id = xmlText(await ok({ Action: 'GetGroup', GroupName: g }), 'GroupId');
    const renamed = unique('renamed');
    await ok({ Action: 'UpdateGroup', GroupName: g, NewGroupName: renamed, NewPath: '/moved/' });
    const got = await ok({ Action: 'GetGroup', GroupName: renamed });
    expect(xmlText(got, 'Arn')).toBe(groupArn(renamed, '/moved/'));
    expect(xmlText(got, 'GroupId')).toBe(id);
    expect(xmlAll(got, 'UserName')).toEqual([u]);
    expect(await groupsOfUser(u)).toEqual([renamed]);
    expect(xmlAll(await ok({ Action: 'ListGroupPolicies', GroupName: renamed }), 'member')).toEqual(
      ['p'],
    );
    await fails({ Action: 'GetGroup', GroupName: g }, 404, 'NoSuchEntity');
  });

  it('refuses a new name another group has (EntityAlreadyExists) and a missing group', async () => {
    const [a, b] = [await group(), await group()];
    const e = await fails(
      { Action: 'UpdateGroup', GroupName: a, NewGroupName: b.toUpperCase() },
      409,
      'EntityAlreadyExists',
    );
    expect(e.message).toBe(`Group with name ${b.toUpperCase()} already exists.`);
    await fails(
      { Action: 'UpdateGroup', GroupName: unique('none'), NewPath: '/x/' },
      404,
      'NoSuchEntity',
    );
  });

  it('needs iam:UpdateGroup on the new name as well as the old one', async () => {
    const g = await group();
    const updater = await userWithKey(
      doc({ Effect: 'Allow', Action: 'iam:UpdateGroup', Resource: groupArn(g) }),
    );
    const target = unique('target');
    const a = await fails(
      { Action: 'UpdateGroup', GroupName: g, NewGroupName: target },
      403,
      'AccessDenied',
      updater,
    );
    expect(a.message).toContain(`iam:UpdateGroup on resource: ${groupArn(target)}`);
    await ok({ Action: 'GetGroup', GroupName: g });
    await ok({ Action: 'UpdateGroup', GroupName: g, NewPath: '/' }, updater);
  });

  it('DeleteGroup refuses while users, inline policies or attached policies remain', async () => {
    const g = await group();
    const u = await user();
    await join(g, u);
    await ok({ Action: 'PutGroupPolicy', GroupName: g, PolicyName: 'p', PolicyDocument: S3_READ });
    const arn = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
    await ok({ Action: 'AttachGroupPolicy', GroupName: g, PolicyArn: arn });
    const steps: Array<[string, () => Promise<unknown>]> = [
      ['Cannot delete entity, must remove users from group first.', () => leave(g, u)],
      [
        'Cannot delete entity, must delete policies first.',
        () => ok({ Action: 'DeleteGroupPolicy', GroupName: g, PolicyName: 'p' }),
      ],
      [
        'Cannot delete entity, must detach all policies first.',
        () => ok({ Action: 'DetachGroupPolicy', GroupName: g, PolicyArn: arn }),
      ],
    ];
    for (const [message, fix] of steps) {
      const a = await fails({ Action: 'DeleteGroup', GroupName: g }, 409, 'DeleteConflict');
      expect(a.message).toBe(message);
      await fix();
    }
    await ok({ Action: 'DeleteGroup', GroupName: g });
    await fails({ Action: 'GetGroup', GroupName: g }, 404, 'NoSuchEntity');
  });
});

describe('group inline policies', () => {
  it('puts, gets (URL-encoded), lists, replaces and deletes', async () => {
    const g = await group();
    await ok({
      Action: 'PutGroupPolicy',
      GroupName: g,
      PolicyName: 'Read',
      PolicyDocument: S3_READ,
    });
    const got = await ok({ Action: 'GetGroupPolicy', GroupName: g, PolicyName: 'read' });
    expect(xmlText(got, 'GroupName')).toBe(g);
    expect(xmlText(got, 'PolicyName')).toBe('Read');
    expect(decodeURIComponent(decodeXml(xmlText(got, 'PolicyDocument')!))).toBe(S3_READ);
    const other = doc({ Effect: 'Allow', Action: 's3:PutObject', Resource: '*' });
    await ok({ Action: 'PutGroupPolicy', GroupName: g, PolicyName: 'READ', PolicyDocument: other });
    await ok({ Action: 'PutGroupPolicy', GroupName: g, PolicyName: 'b', PolicyDocument: S3_READ });
    const list = await ok({ Action: 'ListGroupPolicies', GroupName: g });
    expect(xmlAll(list, 'member')).toEqual(['b', 'Read']);
    await ok({ Action: 'DeleteGroupPolicy', GroupName: g, PolicyName: 'read' });
    const a = await fails(
      { Action: 'GetGroupPolicy', GroupName: g, PolicyName: 'Read' },
      404,
      'NoSuchEntity',
    );
    expect(a.message).toBe('The group policy with name Read cannot be found.');
    await fails(
      { Action: 'DeleteGroupPolicy', GroupName: g, PolicyName: 'Read' },
      404,
      'NoSuchEntity',
    );
  });

  it('limits a group to 5,120 characters of inline policy in aggregate (LimitExceeded)', async () => {
    const g = await group();
    // Over a user's 2,048 but within a group's 5,120.
    await ok({
      Action: 'PutGroupPolicy',
      GroupName: g,
      PolicyName: 'a',
      PolicyDocument: sized(4000),
    });
    const a = await fails(
      { Action: 'PutGroupPolicy', GroupName: g, PolicyName: 'b', PolicyDocument: sized(1500) },
      409,
      'LimitExceeded',
    );
    expect(a.message).toBe(`Maximum policy size of 5120 bytes exceeded for group ${g}`);
    expect(xmlAll(await ok({ Action: 'ListGroupPolicies', GroupName: g }), 'member')).toEqual([
      'a',
    ]);
  });

  it('refuses an identity policy with a Principal (MalformedPolicyDocument)', async () => {
    const g = await group();
    await fails(
      {
        Action: 'PutGroupPolicy',
        GroupName: g,
        PolicyName: 'p',
        PolicyDocument: doc({ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*' }),
      },
      400,
      'MalformedPolicyDocument',
    );
  });
});

describe('group managed policies', () => {
  it('attaches, lists and detaches; counts and ListEntitiesForPolicy include the group', async () => {
    const g = await group('/team/');
    const name = unique('gpol');
    await ok({ Action: 'CreatePolicy', PolicyName: name, PolicyDocument: S3_READ });
    await ok({ Action: 'AttachGroupPolicy', GroupName: g, PolicyArn: policyArn(name) });
    await ok({ Action: 'AttachGroupPolicy', GroupName: g, PolicyArn: policyArn(name) });
    const listed = await ok({ Action: 'ListAttachedGroupPolicies', GroupName: g });
    expect(xmlAll(listed, 'PolicyArn')).toEqual([policyArn(name)]);
    expect(
      xmlText(await ok({ Action: 'GetPolicy', PolicyArn: policyArn(name) }), 'AttachmentCount'),
    ).toBe('1');
    const entities = await ok({ Action: 'ListEntitiesForPolicy', PolicyArn: policyArn(name) });
    expect(xmlAll(entities, 'GroupName')).toEqual([g]);
    expect(xmlAll(entities, 'GroupId')[0]).toMatch(/^AGPA/);
    const onlyRoles = await ok({
      Action: 'ListEntitiesForPolicy',
      PolicyArn: policyArn(name),
      EntityFilter: 'Role',
    });
    expect(xmlAll(onlyRoles, 'GroupName')).toEqual([]);
    const otherPath = await ok({
      Action: 'ListEntitiesForPolicy',
      PolicyArn: policyArn(name),
      PathPrefix: '/elsewhere/',
    });
    expect(xmlAll(otherPath, 'GroupName')).toEqual([]);
    const conflict = await fails(
      { Action: 'DeletePolicy', PolicyArn: policyArn(name) },
      409,
      'DeleteConflict',
    );
    expect(conflict.message).toBe('Cannot delete a policy attached to entities.');
    await ok({ Action: 'DetachGroupPolicy', GroupName: g, PolicyArn: policyArn(name) });
    await fails(
      { Action: 'DetachGroupPolicy', GroupName: g, PolicyArn: policyArn(name) },
      404,
      'NoSuchEntity',
    );
    expect(
      xmlText(await ok({ Action: 'GetPolicy', PolicyArn: policyArn(name) }), 'AttachmentCount'),
    ).toBe('0');
    await ok({ Action: 'DeletePolicy', PolicyArn: policyArn(name) });
  });

  it('AWS managed policies count group attachments too', async () => {
    const g = await group();
    const arn = 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess';
    const count = async () =>
      Number(xmlText(await ok({ Action: 'GetPolicy', PolicyArn: arn }), 'AttachmentCount'));
    const before = await count();
    await ok({ Action: 'AttachGroupPolicy', GroupName: g, PolicyArn: arn });
    expect(await count()).toBe(before + 1);
    await ok({ Action: 'DetachGroupPolicy', GroupName: g, PolicyArn: arn });
    expect(await count()).toBe(before);
  });

  it('allows 10 managed policies per group (LimitExceeded PoliciesPerGroup)', async () => {
    const g = await group();
    const arns: string[] = [];
    for (let i = 0; i < 11; i++) {
      const name = unique('cap');
      await ok({ Action: 'CreatePolicy', PolicyName: name, PolicyDocument: S3_READ });
      arns.push(policyArn(name));
    }
    for (const arn of arns.slice(0, 10))
      await ok({ Action: 'AttachGroupPolicy', GroupName: g, PolicyArn: arn });
    const a = await fails(
      { Action: 'AttachGroupPolicy', GroupName: g, PolicyArn: arns[10]! },
      409,
      'LimitExceeded',
    );
    expect(a.message).toBe('Cannot exceed quota for PoliciesPerGroup: 10');
  });

  it('refuses a policy that does not exist (NoSuchEntity) or a malformed ARN (InvalidInput)', async () => {
    const g = await group();
    const missing = policyArn(unique('missing'));
    const a = await fails(
      { Action: 'AttachGroupPolicy', GroupName: g, PolicyArn: missing },
      404,
      'NoSuchEntity',
    );
    expect(a.message).toBe(`Policy ${missing} does not exist or is not attachable.`);
    await fails(
      { Action: 'AttachGroupPolicy', GroupName: g, PolicyArn: 'not-an-arn-at-all-really' },
      400,
      'InvalidInput',
    );
  });
});

describe('group policies in evaluation', () => {
  const LIST_GROUPS = doc({ Effect: 'Allow', Action: 'iam:ListGroups', Resource: '*' });

  it('a user allowed only through a group inline policy can act, and loses it when removed', async () => {
    const member = await userWithKey(S3_READ);
    await fails({ Action: 'ListGroups' }, 403, 'AccessDenied', member);
    const g = await group();
    await ok({
      Action: 'PutGroupPolicy',
      GroupName: g,
      PolicyName: 'p',
      PolicyDocument: LIST_GROUPS,
    });
    await fails({ Action: 'ListGroups' }, 403, 'AccessDenied', member);
    await join(g, member.userName);
    await ok({ Action: 'ListGroups' }, member);
    await leave(g, member.userName);
    await fails({ Action: 'ListGroups' }, 403, 'AccessDenied', member);
  });

  it("a group's attached managed policy applies to its members", async () => {
    const member = await userWithKey(S3_READ);
    const g = await group();
    await join(g, member.userName);
    await fails({ Action: 'ListRoles' }, 403, 'AccessDenied', member);
    const arn = 'arn:aws:iam::aws:policy/IAMReadOnlyAccess';
    await ok({ Action: 'AttachGroupPolicy', GroupName: g, PolicyArn: arn });
    await ok({ Action: 'ListRoles' }, member);
    await ok({ Action: 'DetachGroupPolicy', GroupName: g, PolicyArn: arn });
    await fails({ Action: 'ListRoles' }, 403, 'AccessDenied', member);
  });

  it("an explicit Deny in a group policy overrides the user's own Allow", async () => {
    const member = await userWithKey(LIST_GROUPS);
    await ok({ Action: 'ListGroups' }, member);
    const g = await group();
    await ok({
      Action: 'PutGroupPolicy',
      GroupName: g,
      PolicyName: 'deny',
      PolicyDocument: doc({ Effect: 'Deny', Action: 'iam:ListGroups', Resource: '*' }),
    });
    await join(g, member.userName);
    const a = await fails({ Action: 'ListGroups' }, 403, 'AccessDenied', member);
    expect(a.message).toContain('with an explicit deny in an identity-based policy');
  });

  it('group actions are authorized on the group ARN (a reader may get but not change a group)', async () => {
    const reader = await userWithKey(
      doc({ Effect: 'Allow', Action: ['iam:Get*', 'iam:List*'], Resource: '*' }),
    );
    const g = await group('/ro/');
    await ok({ Action: 'GetGroup', GroupName: g }, reader);
    await ok({ Action: 'ListGroupsForUser', UserName: reader.userName }, reader);
    const a = await fails(
      { Action: 'AddUserToGroup', GroupName: g, UserName: reader.userName },
      403,
      'AccessDenied',
      reader,
    );
    expect(a.message).toBe(
      `User: arn:aws:iam::${ACCOUNT}:user/${reader.userName} is not authorized to perform: iam:AddUserToGroup on resource: ${groupArn(g, '/ro/')} because no identity-based policy allows the iam:AddUserToGroup action`,
    );
    const name = unique('nope');
    const b = await fails({ Action: 'CreateGroup', GroupName: name }, 403, 'AccessDenied', reader);
    expect(b.message).toContain(`iam:CreateGroup on resource: ${groupArn(name)}`);
    await fails({ Action: 'GetGroup', GroupName: name }, 404, 'NoSuchEntity');
  });
});

describe('SimulatePrincipalPolicy with groups', () => {
  const statement = doc({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' });

  it("a user's simulation includes its groups' policies, typed as group policies", async () => {
    const u = await user();
    const g = await group();
    await ok({
      Action: 'PutGroupPolicy',
      GroupName: g,
      PolicyName: 'send',
      PolicyDocument: statement,
    });
    const simulate = () =>
      ok({
        Action: 'SimulatePrincipalPolicy',
        PolicySourceArn: `arn:aws:iam::${ACCOUNT}:user/${u}`,
        'ActionNames.member.1': 'sqs:SendMessage',
      });
    expect(xmlText(await simulate(), 'EvalDecision')).toBe('implicitDeny');
    await join(g, u);
    const body = await simulate();
    expect(xmlText(body, 'EvalDecision')).toBe('allowed');
    expect(xmlText(body, 'SourcePolicyId')).toBe('send');
    expect(xmlText(body, 'SourcePolicyType')).toBe('group');
  });

  it('accepts a group ARN as PolicySourceArn', async () => {
    const g = await group('/sim/');
    await ok({
      Action: 'PutGroupPolicy',
      GroupName: g,
      PolicyName: 'send',
      PolicyDocument: statement,
    });
    const body = await ok({
      Action: 'SimulatePrincipalPolicy',
      PolicySourceArn: groupArn(g, '/sim/'),
      'ActionNames.member.1': 'sqs:SendMessage',
      'ActionNames.member.2': 'sqs:DeleteQueue',
    });
    expect(xmlAll(body, 'EvalDecision')).toEqual(['allowed', 'implicitDeny']);
    await fails(
      {
        Action: 'SimulatePrincipalPolicy',
        PolicySourceArn: groupArn(unique('none')),
        'ActionNames.member.1': 'sqs:SendMessage',
      },
      404,
      'NoSuchEntity',
    );
  });
});

describe('seeding groups', () => {
  const ACCT = '410987654321';
  const KEY = {
    accessKeyId: 'AKIAGROUPSEED0000001',
    secretAccessKey: 'groupSeedSecretForTestsOnly0000000000000',
  };
  const seed = (): SeedDocument =>
    seedSchema.parse({
      accounts: [
        {
          id: ACCT,
          policies: [
            {
              name: 'list-roles',
              document: {
                Version: '2012-10-17',
                Statement: [{ Effect: 'Allow', Action: 'iam:ListRoles', Resource: '*' }],
              },
            },
          ],
          groups: [
            {
              name: 'readers',
              path: '/team/',
              inlinePolicies: {
                'get-user': {
                  Version: '2012-10-17',
                  Statement: [{ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' }],
                },
              },
              attachedPolicies: [`arn:aws:iam::${ACCT}:policy/list-roles`],
            },
            { name: 'empty' },
          ],
          users: [{ name: 'ci', groups: ['Readers', 'empty'], accessKeys: [KEY] }],
        },
      ],
    });

  async function snapshot(): Promise<Record<string, string | null>> {
    const out: Record<string, string | null> = {};
    const page = await env.IAM.list({ prefix: `acct/${ACCT}` });
    for (const k of page.keys) out[k.name] = await env.IAM.get(k.name);
    return out;
  }

  it('applies groups and memberships idempotently; members get the group permissions', async () => {
    const store = new KvIamStore(env.IAM);
    const first = await applySeed(env, store, seed(), Date.parse('2026-01-01T00:00:00Z'));
    expect(first.created).toBeGreaterThan(0);
    const before = await snapshot();
    const second = await applySeed(env, store, seed(), Date.parse('2026-03-01T00:00:00Z'));
    expect(second.created + second.updated).toBe(0);
    expect(await snapshot()).toEqual(before);

    const me = await ok({ Action: 'GetUser' }, KEY);
    expect(xmlText(me, 'Arn')).toBe(`arn:aws:iam::${ACCT}:user/ci`);
    await ok({ Action: 'ListRoles' }, KEY);
    await fails({ Action: 'ListGroups' }, 403, 'AccessDenied', KEY);
    const record = await store.get(ACCT, 'group', 'readers');
    expect(record?.arn).toBe(`arn:aws:iam::${ACCT}:group/team/readers`);
    expect((await store.get(ACCT, 'user', 'ci'))?.groups?.map((g) => g.name)).toEqual([
      'readers',
      'empty',
    ]);
    expect((await store.get(ACCT, 'policy', 'list-roles'))?.attachmentCount).toBe(1);
  });

  it('a user left out of a group by a later seed loses the membership and its permissions', async () => {
    const store = new KvIamStore(env.IAM);
    await applySeed(env, store, seed(), Date.now());
    const changed = seed();
    changed.accounts[0]!.users![0]!.groups = ['empty'];
    await applySeed(env, store, changed, Date.now());
    await fails({ Action: 'GetUser' }, 403, 'AccessDenied', KEY);
    await applySeed(env, store, seed(), Date.now());
    await ok({ Action: 'GetUser' }, KEY);
  });

  it.each([
    [
      'a user in a group that does not exist',
      (s: SeedDocument) => {
        s.accounts[0]!.users![0]!.groups = ['ghosts'];
      },
      'NoSuchEntity',
      'accounts[0].users[0] (ci).groups',
    ],
    [
      'a user in 11 groups',
      (s: SeedDocument) => {
        const names = Array.from({ length: 11 }, (_, i) => `g${i}`);
        s.accounts[0]!.groups = names.map((name) => ({ name }));
        s.accounts[0]!.users![0]!.groups = names;
      },
      'LimitExceeded',
      'accounts[0].users[0] (ci).groups',
    ],
    [
      'a group with too much inline policy',
      (s: SeedDocument) => {
        s.accounts[0]!.groups![1]!.inlinePolicies = { big: sized(5200) };
      },
      'LimitExceeded',
      'accounts[0].groups[1] (empty).inlinePolicies',
    ],
    [
      'a group name outside the pattern',
      (s: SeedDocument) => {
        s.accounts[0]!.groups![1]!.name = 'a/b';
      },
      'ValidationError',
      'accounts[0].groups[1] (a/b)',
    ],
  ])('refuses %s before writing anything', async (_, mutate, code, where) => {
    const s: SeedDocument = JSON.parse(JSON.stringify(seed()).replaceAll(ACCT, '510987654321'));
    s.accounts[0]!.users![0]!.accessKeys = [];
    mutate(s);
    const err = await applySeed(env, new KvIamStore(env.IAM), s, Date.now()).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SeedError);
    expect((err as SeedError).code).toBe(code);
    expect((err as SeedError).message.startsWith(where)).toBe(true);
    expect((await env.IAM.list({ prefix: 'acct/510987654321' })).keys).toEqual([]);
  });
});
