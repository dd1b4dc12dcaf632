import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { groupMembers } from '../../../src/iam/groups/membership.ts';
import { KvIamStore } from '../../../src/store/kv.ts';
import { seedAccounts, testAccount } from '../helpers.ts';
import { countingKv } from '../../helpers/kv-count.ts';

describe("a group's members", () => {
  it('are found from the listing of the users: no other user record is read', async () => {
    const account = testAccount('35000000');
    const name = (i: number) => `u${String(i).padStart(2, '0')}`;
    await seedAccounts([
      {
        id: account,
        groups: [{ name: 'g' }, { name: 'h' }],
        users: Array.from({ length: 30 }, (_, i) => ({
          name: name(i),
          groups: i % 6 === 0 ? ['g', 'h'] : i % 2 === 0 ? ['h'] : [],
        })),
      },
    ]);
    const store = new KvIamStore(env.IAM);
    const group = (await store.get(account, 'group', 'g'))!;
    // A member written before user keys kept their groups: its record is read instead.
    const old = (await store.get(account, 'user', name(0)))!;
    await env.IAM.put(
      `acct/${account}/user/old`,
      JSON.stringify({
        ...old,
        name: 'old',
        id: 'AIDAOLDMEMBER0000000',
        arn: `arn:aws:iam::${account}:user/old`,
      }),
      { metadata: { path: '/' } },
    );
    const { kv, keysRead } = countingKv();
    const members = await groupMembers(new KvIamStore(kv), account, group);
    expect(members.map((m) => m.name)).toEqual(['old', 'u00', 'u06', 'u12', 'u18', 'u24']);
    expect(members[1]).toEqual({
      path: '/',
      name: 'u00',
      id: old.id,
      arn: old.arn,
      createDate: old.createDate,
    });
    // Read every user record (30 of them, 5000 at the quota), GetGroup read only these.
    const read = keysRead.map((k) => k.split('/').pop()!);
    expect(read.sort()).toEqual(['old', 'u00', 'u06', 'u12', 'u18', 'u24']);
  });
});
