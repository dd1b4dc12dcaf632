import { describe, expect, it } from 'vitest';
import { LIST_PAGE } from '../../../src/iam/common/paging.ts';
import {
  decodeXml,
  doc,
  fails,
  ok,
  S3_READ,
  TRUST_EC2,
  unique,
  userWithKey,
  xmlText,
} from '../helpers.ts';

/** An element of an IAM answer: its name, its child elements in order, its text. */
interface Node {
  name: string;
  children: Node[];
  text: string;
}

/** IAM's XML (elements and text only, as the query API answers) as a tree. */
function parse(xml: string): Node {
  const root: Node = { name: '#root', children: [], text: '' };
  const stack = [root];
  for (const m of xml.matchAll(/<(\/?)([A-Za-z][\w.-]*)[^>]*?(\/?)>|([^<]+)/g)) {
    const top = stack[stack.length - 1]!;
    if (m[4] !== undefined) {
      top.text += decodeXml(m[4]);
    } else if (m[1]) {
      stack.pop();
    } else {
      const node: Node = { name: m[2]!, children: [], text: '' };
      top.children.push(node);
      if (!m[3]) stack.push(node);
    }
  }
  return root.children[0]!;
}

const child = (n: Node | undefined, name: string) => n?.children.find((c) => c.name === name);
const text = (n: Node | undefined, name: string) => child(n, name)?.text;
const members = (n: Node | undefined) => n?.children.filter((c) => c.name === 'member') ?? [];
const names = (n: Node | undefined) => n?.children.map((c) => c.name) ?? [];

async function details(params: Record<string, string> = {}): Promise<Node> {
  const body = await ok({ Action: 'GetAccountAuthorizationDetails', ...params });
  return child(parse(body), 'GetAccountAuthorizationDetailsResult')!;
}

/** Every page, MaxItems at a time: the result of each. */
async function allPages(params: Record<string, string>, maxItems: number): Promise<Node[]> {
  const pages: Node[] = [];
  let marker: string | undefined;
  do {
    const page = await details({
      ...params,
      MaxItems: String(maxItems),
      ...(marker ? { Marker: marker } : {}),
    });
    pages.push(page);
    marker = text(page, 'Marker');
    expect(text(page, 'IsTruncated')).toBe(marker === undefined ? 'false' : 'true');
    expect(pages.length).toBeLessThan(200);
  } while (marker);
  return pages;
}

const LISTS = ['UserDetailList', 'GroupDetailList', 'RoleDetailList', 'Policies'] as const;
const NAME_OF = {
  UserDetailList: 'UserName',
  GroupDetailList: 'GroupName',
  RoleDetailList: 'RoleName',
  Policies: 'Arn',
} as const;

/** The items of each list of the pages, by name (ARN for policies). */
function itemsOf(pages: Node[]): Record<(typeof LISTS)[number], string[]> {
  const out = {
    UserDetailList: [],
    GroupDetailList: [],
    RoleDetailList: [],
    Policies: [],
  } as Record<(typeof LISTS)[number], string[]>;
  for (const page of pages)
    for (const list of LISTS)
      out[list].push(...members(child(page, list)).map((m) => text(m, NAME_OF[list])!));
  return out;
}

/** A user in a group, a role in an instance profile, a customer policy of two versions. */
async function fixture() {
  const policy = unique('gaad-policy');
  const created = await ok({
    Action: 'CreatePolicy',
    PolicyName: policy,
    Path: '/gaad/',
    PolicyDocument: S3_READ,
    Description: 'for GetAccountAuthorizationDetails',
  });
  const policyArn = xmlText(created, 'Arn')!;
  const v2 = doc([{ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' }]);
  await ok({ Action: 'CreatePolicyVersion', PolicyArn: policyArn, PolicyDocument: v2 });

  const group = unique('gaad-group');
  await ok({ Action: 'CreateGroup', GroupName: group });
  await ok({
    Action: 'PutGroupPolicy',
    GroupName: group,
    PolicyName: 'g',
    PolicyDocument: S3_READ,
  });
  await ok({ Action: 'AttachGroupPolicy', GroupName: group, PolicyArn: policyArn });

  const user = unique('gaad-user');
  await ok({
    Action: 'CreateUser',
    UserName: user,
    Path: '/gaad/',
    PermissionsBoundary: policyArn,
    'Tags.member.1.Key': 'team',
    'Tags.member.1.Value': 'core',
  });
  await ok({
    Action: 'PutUserPolicy',
    UserName: user,
    PolicyName: 'zeta',
    PolicyDocument: S3_READ,
  });
  await ok({ Action: 'PutUserPolicy', UserName: user, PolicyName: 'Alpha', PolicyDocument: v2 });
  await ok({
    Action: 'AttachUserPolicy',
    UserName: user,
    PolicyArn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
  });
  await ok({ Action: 'AddUserToGroup', GroupName: group, UserName: user });

  const role = unique('gaad-role');
  await ok({
    Action: 'CreateRole',
    RoleName: role,
    AssumeRolePolicyDocument: TRUST_EC2,
    'Tags.member.1.Key': 'env',
    'Tags.member.1.Value': 'ci',
  });
  await ok({ Action: 'PutRolePolicy', RoleName: role, PolicyName: 'r', PolicyDocument: S3_READ });
  await ok({ Action: 'AttachRolePolicy', RoleName: role, PolicyArn: policyArn });
  const profile = unique('gaad-profile');
  await ok({ Action: 'CreateInstanceProfile', InstanceProfileName: profile });
  await ok({ Action: 'AddRoleToInstanceProfile', InstanceProfileName: profile, RoleName: role });
  return { policy, policyArn, v2, group, user, role, profile };
}

describe('GetAccountAuthorizationDetails', () => {
  it("answers users, groups, roles and policies with their relationships, in the model's elements and order", async () => {
    const f = await fixture();
    const all = await details({ MaxItems: '1000' });
    expect(names(all)).toEqual([...LISTS, 'IsTruncated']);
    expect(text(all, 'IsTruncated')).toBe('false');

    const user = members(child(all, 'UserDetailList')).find((m) => text(m, 'UserName') === f.user)!;
    expect(names(user)).toEqual([
      'Path',
      'UserName',
      'UserId',
      'Arn',
      'CreateDate',
      'UserPolicyList',
      'GroupList',
      'AttachedManagedPolicies',
      'PermissionsBoundary',
      'Tags',
    ]);
    expect(text(user, 'Path')).toBe('/gaad/');
    expect(text(user, 'UserId')).toMatch(/^AIDA/);
    const inline = members(child(user, 'UserPolicyList'));
    expect(inline.map((p) => text(p, 'PolicyName'))).toEqual(['Alpha', 'zeta']);
    // Documents are URL-encoded, as IAM returns them.
    expect(text(inline[0], 'PolicyDocument')).toBe(encodeURIComponent(f.v2));
    expect(members(child(user, 'GroupList')).map((m) => m.text)).toEqual([f.group]);
    expect(members(child(user, 'AttachedManagedPolicies')).map((p) => names(p))).toEqual([
      ['PolicyName', 'PolicyArn'],
    ]);
    expect(text(members(child(user, 'AttachedManagedPolicies'))[0], 'PolicyName')).toBe(
      'AmazonS3ReadOnlyAccess',
    );
    expect(text(child(user, 'PermissionsBoundary'), 'PermissionsBoundaryArn')).toBe(f.policyArn);
    expect(text(child(user, 'PermissionsBoundary'), 'PermissionsBoundaryType')).toBe(
      'PermissionsBoundaryPolicy',
    );
    expect(members(child(user, 'Tags')).map((t) => [text(t, 'Key'), text(t, 'Value')])).toEqual([
      ['team', 'core'],
    ]);

    const group = members(child(all, 'GroupDetailList')).find(
      (m) => text(m, 'GroupName') === f.group,
    )!;
    expect(names(group)).toEqual([
      'Path',
      'GroupName',
      'GroupId',
      'Arn',
      'CreateDate',
      'GroupPolicyList',
      'AttachedManagedPolicies',
    ]);
    expect(members(child(group, 'GroupPolicyList')).map((p) => text(p, 'PolicyName'))).toEqual([
      'g',
    ]);
    expect(
      members(child(group, 'AttachedManagedPolicies')).map((p) => text(p, 'PolicyArn')),
    ).toEqual([f.policyArn]);

    const role = members(child(all, 'RoleDetailList')).find((m) => text(m, 'RoleName') === f.role)!;
    expect(names(role)).toEqual([
      'Path',
      'RoleName',
      'RoleId',
      'Arn',
      'CreateDate',
      'AssumeRolePolicyDocument',
      'InstanceProfileList',
      'RolePolicyList',
      'AttachedManagedPolicies',
      'Tags',
      'RoleLastUsed',
    ]);
    expect(text(role, 'AssumeRolePolicyDocument')).toBe(encodeURIComponent(TRUST_EC2));
    const [held] = members(child(role, 'InstanceProfileList'));
    expect(names(held)).toEqual([
      'Path',
      'InstanceProfileName',
      'InstanceProfileId',
      'Arn',
      'CreateDate',
      'Roles',
    ]);
    expect(text(held, 'InstanceProfileName')).toBe(f.profile);
    expect(members(child(held, 'Roles')).map((r) => text(r, 'RoleName'))).toEqual([f.role]);
    expect(members(child(role, 'RolePolicyList')).map((p) => text(p, 'PolicyName'))).toEqual(['r']);
    expect(members(child(role, 'Tags')).map((t) => text(t, 'Key'))).toEqual(['env']);
    // Never used: an empty RoleLastUsed, as GetRole answers.
    expect(names(child(role, 'RoleLastUsed'))).toEqual([]);

    const policies = members(child(all, 'Policies'));
    const policy = policies.find((p) => text(p, 'Arn') === f.policyArn)!;
    expect(names(policy)).toEqual([
      'PolicyName',
      'PolicyId',
      'Arn',
      'Path',
      'DefaultVersionId',
      'AttachmentCount',
      'PermissionsBoundaryUsageCount',
      'IsAttachable',
      'Description',
      'CreateDate',
      'UpdateDate',
      'PolicyVersionList',
    ]);
    expect(text(policy, 'AttachmentCount')).toBe('2');
    expect(text(policy, 'PermissionsBoundaryUsageCount')).toBe('1');
    const versions = members(child(policy, 'PolicyVersionList'));
    expect(versions.map((v) => [text(v, 'VersionId'), text(v, 'IsDefaultVersion')])).toEqual([
      ['v1', 'true'],
      ['v2', 'false'],
    ]);
    expect(versions.map((v) => text(v, 'Document'))).toEqual([
      encodeURIComponent(S3_READ),
      encodeURIComponent(f.v2),
    ]);
    // AWS managed policies: the ones the account uses, not the whole catalogue.
    const awsArns = policies.map((p) => text(p, 'Arn')!).filter((a) => a.includes(':aws:policy/'));
    expect(awsArns).toContain('arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess');
    expect(awsArns).not.toContain('arn:aws:iam::aws:policy/IAMFullAccess');
  });

  it('Filter picks the kinds listed', async () => {
    const f = await fixture();
    const only = async (...kinds: string[]) => {
      const params = Object.fromEntries(kinds.map((k, i) => [`Filter.member.${i + 1}`, k]));
      return itemsOf([await details({ ...params, MaxItems: '1000' })]);
    };
    const roles = await only('Role');
    expect(roles.RoleDetailList).toContain(f.role);
    expect([roles.UserDetailList, roles.GroupDetailList, roles.Policies]).toEqual([[], [], []]);
    const users = await only('User', 'Group');
    expect(users.UserDetailList).toContain(f.user);
    expect(users.GroupDetailList).toContain(f.group);
    expect([users.RoleDetailList, users.Policies]).toEqual([[], []]);
    const local = await only('LocalManagedPolicy');
    expect(local.Policies).toContain(f.policyArn);
    expect(local.Policies.every((a) => !a.includes(':aws:policy/'))).toBe(true);
    const aws = await only('AWSManagedPolicy');
    expect(aws.Policies).toContain('arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess');
    expect(aws.Policies.every((a) => a.includes(':aws:policy/'))).toBe(true);
  });

  it('pages with MaxItems and Marker through every kind, each item once', async () => {
    await fixture();
    const whole = itemsOf([await details({ MaxItems: '1000' })]);
    const total = LISTS.reduce((n, l) => n + whole[l].length, 0);
    for (const size of [1, 3]) {
      const pages = await allPages({}, size);
      for (const page of pages) {
        const count = LISTS.reduce((n, l) => n + members(child(page, l)).length, 0);
        expect(count).toBeLessThanOrEqual(size);
      }
      expect(itemsOf(pages)).toEqual(whole);
      expect(pages.length).toBeGreaterThanOrEqual(Math.ceil(total / size));
    }
    // With a filter, the marker pages that filter's kinds.
    expect(itemsOf(await allPages({ 'Filter.member.1': 'Role' }, 2)).RoleDetailList).toEqual(
      whole.RoleDetailList,
    );
  });

  it('ends a page early once its records reach LIST_PAGE characters, and resumes after its last item', async () => {
    await fixture();
    await fixture();
    const whole = itemsOf([await details({ MaxItems: '1000' })]);
    const total = LISTS.reduce((n, l) => n + whole[l].length, 0);
    const saved = LIST_PAGE.chars;
    try {
      // Every record is over the bound: one item a page, whatever MaxItems allows.
      LIST_PAGE.chars = 1;
      const single = await allPages({}, 1000);
      expect(itemsOf(single)).toEqual(whole);
      for (const page of single.slice(0, -1))
        expect(LISTS.reduce((n, l) => n + members(child(page, l)).length, 0)).toBe(1);
      expect(single.length).toBe(total);
      // A few records a page: fewer pages, still every item exactly once.
      LIST_PAGE.chars = 3000;
      const few = await allPages({}, 1000);
      expect(itemsOf(few)).toEqual(whole);
      expect(few.length).toBeGreaterThan(1);
      expect(few.length).toBeLessThan(total);
      // Within one kind, with MaxItems bounding some pages and the size others.
      const roles = await allPages({ 'Filter.member.1': 'Role' }, 2);
      expect(itemsOf(roles).RoleDetailList).toEqual(whole.RoleDetailList);
    } finally {
      LIST_PAGE.chars = saved;
    }
  });

  it("refuses a Marker it did not issue, and one of another kind's filter", async () => {
    const page = await details({ MaxItems: '1' });
    const marker = text(page, 'Marker')!;
    expect(marker).toBeDefined();
    await fails(
      { Action: 'GetAccountAuthorizationDetails', Marker: 'bogus' },
      400,
      'ValidationError',
    );
    // A ListRoles marker is refused here (markers are bound to their action).
    const roles = await ok({ Action: 'ListRoles', MaxItems: '1' });
    const a = await fails(
      { Action: 'GetAccountAuthorizationDetails', Marker: xmlText(roles, 'Marker')! },
      400,
      'ValidationError',
    );
    expect(a.message).toBe('Invalid Marker.');
    // A marker within users, given with a filter that lists no users.
    await fails(
      { Action: 'GetAccountAuthorizationDetails', Marker: marker, 'Filter.member.1': 'Role' },
      400,
      'ValidationError',
    );
  });

  it("checks Filter and MaxItems with AWS's ValidationError", async () => {
    const a = await fails(
      { Action: 'GetAccountAuthorizationDetails', 'Filter.member.1': 'Bogus' },
      400,
      'ValidationError',
    );
    expect(a.message).toBe(
      "1 validation error detected: Value 'Bogus' at 'filter.1.member' failed to satisfy constraint: Member must satisfy enum value set: [User, Role, Group, LocalManagedPolicy, AWSManagedPolicy]",
    );
    await fails(
      { Action: 'GetAccountAuthorizationDetails', MaxItems: '1001' },
      400,
      'ValidationError',
    );
  });

  it('needs iam:GetAccountAuthorizationDetails on *', async () => {
    const nobody = await userWithKey(
      doc([{ Effect: 'Allow', Action: 'iam:List*', Resource: '*' }]),
    );
    const a = await fails(
      { Action: 'GetAccountAuthorizationDetails' },
      403,
      'AccessDenied',
      nobody,
    );
    expect(a.message).toContain('iam:GetAccountAuthorizationDetails on resource: *');
    const reader = await userWithKey(
      doc([{ Effect: 'Allow', Action: 'iam:GetAccountAuthorizationDetails', Resource: '*' }]),
    );
    await ok({ Action: 'GetAccountAuthorizationDetails', MaxItems: '1' }, reader);
  });
});
