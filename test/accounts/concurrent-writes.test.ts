import { describe, expect, it } from 'vitest';
import {
  ACCOUNT,
  doc,
  iam,
  ok,
  S3_READ,
  TRUST_EC2,
  unique,
  xmlAll,
  xmlText,
  type Answer,
} from '../iam/helpers.ts';

/**
 * IAM writes of one account are ordered by the account's Durable Object: 50 writers at once on one
 * role, one policy or one account lose nothing, and quotas hold exactly (IAM and AWS STS quotas:
 * 10 managed policies per role, 5 versions per managed policy).
 */
const WRITERS = 50;
const policyArn = (name: string) => `arn:aws:iam::${ACCOUNT}:policy/${name}`;

function all(make: (i: number) => Record<string, string>): Promise<Answer[]> {
  return Promise.all(Array.from({ length: WRITERS }, (_, i) => iam(make(i))));
}

function statuses(answers: Answer[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of answers) {
    const k = a.status === 200 ? '200' : `${a.status} ${a.code}`;
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

async function newRole(): Promise<string> {
  const name = unique('conc');
  await ok({ Action: 'CreateRole', RoleName: name, AssumeRolePolicyDocument: TRUST_EC2 });
  return name;
}

async function newPolicy(): Promise<string> {
  const name = unique('cpol');
  await ok({ Action: 'CreatePolicy', PolicyName: name, PolicyDocument: S3_READ });
  return name;
}

describe('50 concurrent writers on one role', { timeout: 60_000 }, () => {
  it('TagRole: every tag is kept', async () => {
    const role = await newRole();
    const answers = await all((i) => ({
      Action: 'TagRole',
      RoleName: role,
      'Tags.member.1.Key': `k${i}`,
      'Tags.member.1.Value': `v${i}`,
    }));
    expect(statuses(answers)).toEqual({ '200': WRITERS });
    const tags = xmlAll(await ok({ Action: 'ListRoleTags', RoleName: role }), 'Key');
    expect(tags.sort()).toEqual(Array.from({ length: WRITERS }, (_, i) => `k${i}`).sort());
  });

  it('PutRolePolicy: every inline policy is kept', async () => {
    const role = await newRole();
    const answers = await all((i) => ({
      Action: 'PutRolePolicy',
      RoleName: role,
      PolicyName: `p${i}`,
      PolicyDocument: doc({ Effect: 'Allow', Action: `s3:Get${i}`, Resource: '*' }),
    }));
    expect(statuses(answers)).toEqual({ '200': WRITERS });
    const names = xmlAll(await ok({ Action: 'ListRolePolicies', RoleName: role }), 'member');
    expect(names).toHaveLength(WRITERS);
  });

  it('AttachRolePolicy: exactly 10 of 50 policies attach, and each count is exact', async () => {
    const role = await newRole();
    const policies = await Promise.all(Array.from({ length: WRITERS }, () => newPolicy()));
    const answers = await all((i) => ({
      Action: 'AttachRolePolicy',
      RoleName: role,
      PolicyArn: policyArn(policies[i]!),
    }));
    expect(statuses(answers)).toEqual({ '200': 10, '409 LimitExceeded': WRITERS - 10 });
    const attached = xmlAll(
      await ok({ Action: 'ListAttachedRolePolicies', RoleName: role }),
      'PolicyArn',
    );
    expect(attached).toHaveLength(10);
    const counts = await Promise.all(
      policies.map(async (p) =>
        Number(
          xmlText(await ok({ Action: 'GetPolicy', PolicyArn: policyArn(p) }), 'AttachmentCount'),
        ),
      ),
    );
    expect(counts.reduce((a, b) => a + b, 0)).toBe(10);
    const ok200 = policies.filter((_, i) => answers[i]!.status === 200).map(policyArn);
    expect(attached.sort()).toEqual(ok200.sort());
  });

  it('attach and detach one policy 50 times: the count ends where the role does', async () => {
    const role = await newRole();
    const policy = policyArn(await newPolicy());
    const answers = await all((i) => ({
      Action: i % 2 === 0 ? 'AttachRolePolicy' : 'DetachRolePolicy',
      RoleName: role,
      PolicyArn: policy,
    }));
    expect(answers.every((a) => a.status === 200 || a.code === 'NoSuchEntity')).toBe(true);
    const attached = xmlAll(
      await ok({ Action: 'ListAttachedRolePolicies', RoleName: role }),
      'PolicyArn',
    );
    const count = xmlText(await ok({ Action: 'GetPolicy', PolicyArn: policy }), 'AttachmentCount');
    expect(Number(count)).toBe(attached.length);
  });
});

describe('50 concurrent writers on one managed policy', { timeout: 60_000 }, () => {
  it('AttachRolePolicy from 50 roles: AttachmentCount is 50', async () => {
    const policy = policyArn(await newPolicy());
    const roles = await Promise.all(Array.from({ length: WRITERS }, () => newRole()));
    const answers = await all((i) => ({
      Action: 'AttachRolePolicy',
      RoleName: roles[i]!,
      PolicyArn: policy,
    }));
    expect(statuses(answers)).toEqual({ '200': WRITERS });
    const got = await ok({ Action: 'GetPolicy', PolicyArn: policy });
    expect(xmlText(got, 'AttachmentCount')).toBe(String(WRITERS));
  });

  it('CreatePolicyVersion: exactly 4 more versions, 5 in all', async () => {
    const policy = policyArn(await newPolicy());
    const answers = await all((i) => ({
      Action: 'CreatePolicyVersion',
      PolicyArn: policy,
      PolicyDocument: doc({ Effect: 'Allow', Action: `s3:Put${i}`, Resource: '*' }),
    }));
    expect(statuses(answers)).toEqual({ '200': 4, '409 LimitExceeded': WRITERS - 4 });
    const versions = xmlAll(
      await ok({ Action: 'ListPolicyVersions', PolicyArn: policy }),
      'VersionId',
    );
    expect(versions.sort()).toEqual(['v1', 'v2', 'v3', 'v4', 'v5']);
  });
});

describe('50 concurrent writers on one account', { timeout: 60_000 }, () => {
  it('CreateUser burst: every user exists afterwards', async () => {
    const base = unique('burst');
    const answers = await all((i) => ({ Action: 'CreateUser', UserName: `${base}-${i}` }));
    expect(statuses(answers)).toEqual({ '200': WRITERS });
    const listed = await ok({ Action: 'ListUsers', MaxItems: '1000' });
    const names = new Set(xmlAll(listed, 'UserName'));
    for (let i = 0; i < WRITERS; i++) expect(names.has(`${base}-${i}`)).toBe(true);
  });

  it('CreateUser of one name 50 times: exactly one is created', async () => {
    const name = unique('once');
    const answers = await all(() => ({ Action: 'CreateUser', UserName: name }));
    expect(statuses(answers)).toEqual({ '200': 1, '409 EntityAlreadyExists': WRITERS - 1 });
    const ids = new Set(
      answers.filter((a) => a.status === 200).map((a) => xmlText(a.body, 'UserId')),
    );
    const got = await ok({ Action: 'GetUser', UserName: name });
    expect(ids).toEqual(new Set([xmlText(got, 'UserId')]));
  });
});
