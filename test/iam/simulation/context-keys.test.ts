import { describe, expect, it } from 'vitest';
import { ACCOUNT, doc, fails, ok, unique, userWithKey, xmlAll } from '../helpers.ts';

const keysOf = (body: string) =>
  xmlAll(body.split('<ContextKeyNames>')[1]?.split('</ContextKeyNames>')[0] ?? '', 'member');

/** The example of the IAM User Guide ("Use GetContextKeysForCustomPolicy with a CLI"). */
const GUIDE_EXAMPLE = JSON.stringify({
  Version: '2012-10-17',
  Statement: {
    Effect: 'Allow',
    Action: 'dynamodb:*',
    Resource: 'arn:aws:dynamodb:us-west-2:123456789012:table/${aws:username}',
    Condition: { DateGreaterThan: { 'aws:CurrentTime': '2015-08-16T12:00:00Z' } },
  },
});

function custom(...policies: string[]): Record<string, string> {
  return {
    Action: 'GetContextKeysForCustomPolicy',
    ...Object.fromEntries(policies.map((p, i) => [`PolicyInputList.member.${i + 1}`, p])),
  };
}

describe('GetContextKeysForCustomPolicy', () => {
  it("answers the IAM User Guide's example as it does: aws:username, aws:CurrentTime", async () => {
    expect(keysOf(await ok(custom(GUIDE_EXAMPLE)))).toEqual(['aws:username', 'aws:CurrentTime']);
  });

  it('lists each key once across policies, with variables of condition values; none for 2008-10-17', async () => {
    const first = doc([
      {
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: 'arn:aws:s3:::b',
        Condition: {
          StringLike: { 's3:prefix': ['home/${aws:username}/*', '${*}'] },
          Bool: { 'aws:SecureTransport': 'true' },
        },
      },
      {
        Effect: 'Deny',
        Action: '*',
        NotResource: "arn:aws:s3:::b/${aws:PrincipalTag/team, 'none'}/*",
        Condition: { StringEquals: { 'AWS:USERNAME': 'x' } },
      },
    ]);
    const second = doc([
      {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: '*',
        Condition: { StringEquals: { 'aws:RequestTag/env': 'ci' } },
      },
    ]);
    const old = JSON.stringify({
      Version: '2008-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::${aws:userid}' }],
    });
    expect(keysOf(await ok(custom(first, second, old)))).toEqual([
      's3:prefix',
      'aws:username',
      'aws:SecureTransport',
      'aws:PrincipalTag/team',
      'aws:RequestTag/env',
    ]);
    const none = await ok(custom(doc([{ Effect: 'Allow', Action: '*', Resource: '*' }])));
    expect(none).toMatch(/<ContextKeyNames\s*\/>|<ContextKeyNames><\/ContextKeyNames>/);
  });

  it('40,000 `${` that nothing closes: the variables before them, found in one pass', async () => {
    const policy = doc([
      {
        Effect: 'Allow',
        Action: '*',
        Resource: 'arn:aws:s3:::b/' + '${'.repeat(20_000),
        Condition: { StringLike: { 'aws:x': '${aws:username}${a${b}' + '${'.repeat(20_000) } },
      },
    ]);
    expect(keysOf(await ok(custom(policy)))).toEqual(['aws:x', 'aws:username', 'a${b']);
  });

  it('a policy that is not one is InvalidInput; no policy is ValidationError', async () => {
    await fails(custom('{"Version":"2012-10-17"'), 400, 'InvalidInput');
    const a = await fails({ Action: 'GetContextKeysForCustomPolicy' }, 400, 'ValidationError');
    expect(a.message).toContain("at 'policyInputList' failed to satisfy constraint");
  });
});

describe('GetContextKeysForPrincipalPolicy', () => {
  it("a user's own policies, its groups' and the given ones", async () => {
    const user = unique('ctx-user');
    const group = unique('ctx-group');
    await ok({ Action: 'CreateUser', UserName: user });
    await ok({ Action: 'CreateGroup', GroupName: group });
    await ok({ Action: 'AddUserToGroup', GroupName: group, UserName: user });
    const cond = (key: string) =>
      doc([
        { Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { Null: { [key]: 'false' } } },
      ]);
    await ok({
      Action: 'PutUserPolicy',
      UserName: user,
      PolicyName: 'own',
      PolicyDocument: cond('aws:SourceIp'),
    });
    await ok({
      Action: 'PutGroupPolicy',
      GroupName: group,
      PolicyName: 'g',
      PolicyDocument: cond('aws:MultiFactorAuthPresent'),
    });
    const body = await ok({
      Action: 'GetContextKeysForPrincipalPolicy',
      PolicySourceArn: `arn:aws:iam::${ACCOUNT}:user/${user}`,
      'PolicyInputList.member.1': cond('aws:SourceVpc'),
    });
    expect(keysOf(body)).toEqual(['aws:SourceIp', 'aws:MultiFactorAuthPresent', 'aws:SourceVpc']);
  });

  it('NoSuchEntity for an entity that does not exist; needs the action on its ARN', async () => {
    await fails(
      {
        Action: 'GetContextKeysForPrincipalPolicy',
        PolicySourceArn: `arn:aws:iam::${ACCOUNT}:role/${unique('none')}`,
      },
      404,
      'NoSuchEntity',
    );
    const nobody = await userWithKey(
      doc([{ Effect: 'Allow', Action: 'iam:List*', Resource: '*' }]),
    );
    const a = await fails(
      {
        Action: 'GetContextKeysForPrincipalPolicy',
        PolicySourceArn: `arn:aws:iam::${ACCOUNT}:user/admin`,
      },
      403,
      'AccessDenied',
      nobody,
    );
    expect(a.message).toContain(
      `iam:GetContextKeysForPrincipalPolicy on resource: arn:aws:iam::${ACCOUNT}:user/admin`,
    );
    await fails(custom(GUIDE_EXAMPLE), 403, 'AccessDenied', nobody);
  });
});
