import { describe, expect, it } from 'vitest';
import { ACCOUNT, doc, fails, ok, unique, userWithKey } from '../helpers.ts';

/** Each namespace's policies, as `TYPE name [entity]`, parsed from the answer's XML. */
function entries(body: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const list = body
    .split('<PoliciesGrantingServiceAccess>')[1]!
    .split('</PoliciesGrantingServiceAccess>')[0]!;
  for (const m of list.matchAll(
    /<member><ServiceNamespace>([^<]*)<\/ServiceNamespace><Policies>([\s\S]*?)<\/Policies><\/member>/g,
  )) {
    out[m[1]!] = [...m[2]!.matchAll(/<member>([\s\S]*?)<\/member>/g)].map((p) => {
      const field = (n: string) => new RegExp(`<${n}>([^<]*)</${n}>`).exec(p[1]!)?.[1];
      return [
        field('PolicyType'),
        field('PolicyName'),
        field('EntityType'),
        field('EntityName'),
        field('PolicyArn'),
      ]
        .filter((x) => x !== undefined)
        .join(' ');
    });
  }
  return out;
}

const allow = (action: object) => doc([{ Effect: 'Allow', ...action, Resource: '*' }]);

describe('ListPoliciesGrantingServiceAccess', () => {
  it("a user's own and its groups' policies, per service, by Action and NotAction", async () => {
    const user = unique('svc-user');
    const group = unique('svc-group');
    await ok({ Action: 'CreateUser', UserName: user });
    await ok({ Action: 'CreateGroup', GroupName: group });
    await ok({ Action: 'AddUserToGroup', GroupName: group, UserName: user });
    const put = (PolicyName: string, PolicyDocument: string) =>
      ok({ Action: 'PutUserPolicy', UserName: user, PolicyName, PolicyDocument });
    await put('s3-read', allow({ Action: ['s3:GetObject'] }));
    await put('wild', allow({ Action: 'SQS:Send*' }));
    await put('all-but-iam', allow({ NotAction: 'iam:*' }));
    await put('deny-s3', doc([{ Effect: 'Deny', Action: 's3:*', Resource: '*' }]));
    await ok({
      Action: 'PutGroupPolicy',
      GroupName: group,
      PolicyName: 'iam-list',
      PolicyDocument: allow({ Action: 'IAM:List*' }),
    });
    await ok({
      Action: 'AttachGroupPolicy',
      GroupName: group,
      PolicyArn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
    });
    const body = await ok({
      Action: 'ListPoliciesGrantingServiceAccess',
      Arn: `arn:aws:iam::${ACCOUNT}:user/${user}`,
      'ServiceNamespaces.member.1': 's3',
      'ServiceNamespaces.member.2': 'iam',
      'ServiceNamespaces.member.3': 'sqs',
      'ServiceNamespaces.member.4': 'ec2',
    });
    expect(body).toContain('<IsTruncated>false</IsTruncated>');
    expect(entries(body)).toEqual({
      s3: [
        `INLINE s3-read USER ${user}`,
        `INLINE all-but-iam USER ${user}`,
        'MANAGED AmazonS3ReadOnlyAccess arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
      ],
      iam: [`INLINE iam-list GROUP ${group}`],
      sqs: [`INLINE wild USER ${user}`, `INLINE all-but-iam USER ${user}`],
      ec2: [`INLINE all-but-iam USER ${user}`],
    });
  });

  it('NoSuchEntity, InvalidInput, ValidationError and AccessDenied as IAM answers them', async () => {
    const base = {
      Action: 'ListPoliciesGrantingServiceAccess',
      'ServiceNamespaces.member.1': 's3',
    };
    await fails(
      { ...base, Arn: `arn:aws:iam::${ACCOUNT}:role/${unique('none')}` },
      404,
      'NoSuchEntity',
    );
    await fails({ ...base, Arn: 'arn:aws:s3:::not-an-identity' }, 400, 'InvalidInput');
    await fails(
      { Action: 'ListPoliciesGrantingServiceAccess', Arn: `arn:aws:iam::${ACCOUNT}:user/admin` },
      400,
      'ValidationError',
    );
    const bad = await fails(
      { ...base, Arn: `arn:aws:iam::${ACCOUNT}:user/admin`, 'ServiceNamespaces.member.1': 's 3' },
      400,
      'ValidationError',
    );
    expect(bad.message).toContain(
      "at 'serviceNamespaces.1.member' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]*",
    );
    const nobody = await userWithKey(doc([{ Effect: 'Allow', Action: 's3:*', Resource: '*' }]));
    await fails(
      { ...base, Arn: `arn:aws:iam::${ACCOUNT}:user/admin` },
      403,
      'AccessDenied',
      nobody,
    );
    // A role's own policies.
    const body = await ok({ ...base, Arn: `arn:aws:iam::${ACCOUNT}:role/demo-readonly` });
    expect(Object.keys(entries(body))).toEqual(['s3']);
  });
});
