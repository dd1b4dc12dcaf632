import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { ok, TRUST_EC2, unique, xmlAll } from '../iam/helpers.ts';

/**
 * KV may answer an older value for up to a minute after a write, even where the write was made.
 * The account's object reads its own recent writes from its journal first, so a read-modify-write
 * there never builds on a stale KV answer.
 */
describe('the account object reads its own recent writes first', () => {
  it('a tag added while KV still answers the older role is not lost', async () => {
    const role = unique('journal');
    await ok({ Action: 'CreateRole', RoleName: role, AssumeRolePolicyDocument: TRUST_EC2 });
    const key = `acct/123456789012/role/${role.toLowerCase()}`;
    const created = await env.IAM.get(key, 'text');
    await ok({
      Action: 'TagRole',
      RoleName: role,
      'Tags.member.1.Key': 'first',
      'Tags.member.1.Value': '1',
    });
    // KV answers the role as it was before the first tag (a stale read at the object's location).
    await env.IAM.put(key, created!);
    await ok({
      Action: 'TagRole',
      RoleName: role,
      'Tags.member.1.Key': 'second',
      'Tags.member.1.Value': '2',
    });
    const stored = JSON.parse((await env.IAM.get(key, 'text'))!) as { tags: { Key: string }[] };
    expect(stored.tags.map((t) => t.Key)).toEqual(['first', 'second']);
    const listed = await ok({ Action: 'ListRoleTags', RoleName: role });
    expect(xmlAll(listed, 'Key')).toEqual(['first', 'second']);
  });
});
