import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { applySeed } from '../../src/seed/apply.ts';
import { parseSeed } from '../../src/seed/schema.ts';
import { KvIamStore } from '../../src/store/kv.ts';
import { call } from '../helpers/worker.ts';
import { doc, fails, iam, ok, unique, userWithKey, xmlAll } from './helpers.ts';

/**
 * `__proto__`, `constructor` and `toString` are valid policy names, tag keys and condition keys:
 * every name-keyed record treats them as names, nothing else (no prototype semantics).
 */
describe('names that are also Object.prototype members', () => {
  it('PutUserPolicy stores a policy named __proto__, and Get/List/Delete find it', async () => {
    const user = unique('proto');
    await ok({ Action: 'CreateUser', UserName: user });
    const policy = doc([{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }]);
    await ok({
      Action: 'PutUserPolicy',
      UserName: user,
      PolicyName: '__proto__',
      PolicyDocument: policy,
    });
    const list = await ok({ Action: 'ListUserPolicies', UserName: user });
    expect(xmlAll(list, 'member')).toEqual(['__proto__']);
    const got = await ok({ Action: 'GetUserPolicy', UserName: user, PolicyName: '__proto__' });
    expect(decodeURIComponent(/<PolicyDocument>([^<]*)</.exec(got)![1]!)).toBe(policy);
    await ok({ Action: 'DeleteUserPolicy', UserName: user, PolicyName: '__proto__' });
    expect(xmlAll(await ok({ Action: 'ListUserPolicies', UserName: user }), 'member')).toEqual([]);
  });

  it.each(['constructor', 'toString', 'hasOwnProperty'])(
    'GetUserPolicy %s on a user without it is NoSuchEntity',
    async (name) => {
      const user = unique('proto');
      await ok({ Action: 'CreateUser', UserName: user });
      await fails(
        { Action: 'GetUserPolicy', UserName: user, PolicyName: name },
        404,
        'NoSuchEntity',
      );
      await fails(
        { Action: 'DeleteUserPolicy', UserName: user, PolicyName: name },
        404,
        'NoSuchEntity',
      );
    },
  );

  it('a stored condition on the key __proto__ is kept: the Allow needs that key', async () => {
    // Written as text: in an object literal, a `__proto__` key would set the prototype.
    const caller = await userWithKey(
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers",' +
        '"Resource":"*","Condition":{"StringEquals":{"__proto__":"never"}}}]}',
    );
    const a = await iam({ Action: 'ListUsers' }, caller);
    expect({ status: a.status, code: a.code }, a.body).toEqual({
      status: 403,
      code: 'AccessDenied',
    });
  });

  it('a principal tag with the key __proto__ is aws:PrincipalTag/__proto__', async () => {
    const user = unique('tagged');
    const caller = await userWithKey(
      doc([
        {
          Effect: 'Allow',
          Action: 'iam:ListUsers',
          Resource: '*',
          Condition: { StringEquals: { 'aws:PrincipalTag/__proto__': 'blue' } },
        },
      ]),
      user,
    );
    await ok({
      Action: 'TagUser',
      UserName: user,
      'Tags.member.1.Key': '__proto__',
      'Tags.member.1.Value': 'blue',
    });
    const a = await call({ Action: 'ListUsers' }, caller, { service: 'iam' });
    expect(a.status, a.body).toBe(200);
  });

  it('a seed file may name an inline policy __proto__, and it is stored', async () => {
    const user = unique('seeded-proto');
    const text =
      `{"accounts":[{"id":"123456789012","users":[{"name":"${user}","inlinePolicies":` +
      '{"__proto__":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}}}]}]}';
    const parsed = parseSeed(JSON.parse(text));
    expect(parsed.success).toBe(true);
    await applySeed(env, new KvIamStore(env.IAM), parsed.data!, Date.now());
    const list = await ok({ Action: 'ListUserPolicies', UserName: user });
    expect(xmlAll(list, 'member')).toEqual(['__proto__']);
  });
});
