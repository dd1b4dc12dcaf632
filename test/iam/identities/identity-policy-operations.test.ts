import { describe, expect, it } from 'vitest';
import {
  decodeXml,
  doc,
  fails,
  ok,
  S3_READ,
  TRUST_EC2,
  unique,
  xmlAll,
  xmlText,
} from '../helpers.ts';

const big = (n: number) =>
  doc([
    {
      Effect: 'Allow',
      Action: Array.from({ length: n }, (_, i) => `s3:Action${i}`),
      Resource: '*',
    },
  ]);

describe.each(['Role', 'User'] as const)('%s inline policies', (kind) => {
  const create = async () => {
    const name = unique(kind.toLowerCase());
    if (kind === 'Role')
      await ok({ Action: 'CreateRole', RoleName: name, AssumeRolePolicyDocument: TRUST_EC2 });
    else await ok({ Action: 'CreateUser', UserName: name });
    return { [`${kind}Name`]: name };
  };

  it('puts, gets (URL-encoded), lists, replaces and deletes', async () => {
    const who = await create();
    await ok({
      Action: `Put${kind}Policy`,
      ...who,
      PolicyName: 'b-reads',
      PolicyDocument: S3_READ,
    });
    await ok({
      Action: `Put${kind}Policy`,
      ...who,
      PolicyName: 'a-more',
      PolicyDocument: doc({ Effect: 'Deny', Action: 's3:*', Resource: '*' }),
    });
    const got = await ok({ Action: `Get${kind}Policy`, ...who, PolicyName: 'B-READS' });
    expect(xmlText(got, 'PolicyName')).toBe('b-reads');
    expect(xmlText(got, `${kind}Name`)).toBe(Object.values(who)[0]);
    expect(decodeURIComponent(decodeXml(xmlText(got, 'PolicyDocument')!))).toBe(S3_READ);
    expect(xmlAll(await ok({ Action: `List${kind}Policies`, ...who }), 'member')).toEqual([
      'a-more',
      'b-reads',
    ]);
    await ok({ Action: `Delete${kind}Policy`, ...who, PolicyName: 'a-more' });
    expect(xmlAll(await ok({ Action: `List${kind}Policies`, ...who }), 'member')).toEqual([
      'b-reads',
    ]);
    const a = await fails(
      { Action: `Get${kind}Policy`, ...who, PolicyName: 'a-more' },
      404,
      'NoSuchEntity',
    );
    expect(a.message).toBe(`The ${kind.toLowerCase()} policy with name a-more cannot be found.`);
  });

  it('refuses an identity policy with a Principal, and an aggregate over the quota', async () => {
    const who = await create();
    await fails(
      {
        Action: `Put${kind}Policy`,
        ...who,
        PolicyName: 'p',
        PolicyDocument: doc({ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*' }),
      },
      400,
      'MalformedPolicyDocument',
    );
    const limit = kind === 'Role' ? 10240 : 2048;
    const a = await fails(
      {
        Action: `Put${kind}Policy`,
        ...who,
        PolicyName: 'huge',
        PolicyDocument: big(kind === 'Role' ? 700 : 150),
      },
      409,
      'LimitExceeded',
    );
    expect(a.message).toBe(
      `Maximum policy size of ${limit} bytes exceeded for ${kind.toLowerCase()} ${Object.values(who)[0]}`,
    );
    expect(xmlAll(await ok({ Action: `List${kind}Policies`, ...who }), 'member')).toEqual([]);
  });

  it('answers NoSuchEntity when the entity does not exist', async () => {
    await fails(
      {
        Action: `Put${kind}Policy`,
        [`${kind}Name`]: 'ghost-entity',
        PolicyName: 'p',
        PolicyDocument: S3_READ,
      },
      404,
      'NoSuchEntity',
    );
  });
});
