import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { ACCOUNT_QUOTAS } from '../../../src/iam/common/quotas.ts';
import { KvIamStore } from '../../../src/store/kv.ts';
import { visitor, iam } from '../../demo/helpers.ts';

/** Stand-ins for `n` stored entities of a kind: only their names are counted. */
async function fill(account: string, kind: string, n: number): Promise<void> {
  await Promise.all(
    Array.from({ length: n }, (_, i) =>
      env.IAM.put(`acct/${account}/${kind}/filler-${String(i).padStart(5, '0')}`, '{}'),
    ),
  );
}

describe('account-wide IAM quotas', () => {
  it('a sandbox at its OpenID Connect provider quota gets LimitExceeded, then creates again below it', async () => {
    const v = await visitor();
    const account = v.sandbox.account;
    const have = await new KvIamStore(env.IAM).count(account, 'oidc', 1000);
    await fill(account, 'oidc', ACCOUNT_QUOTAS.oidc.limit - have);
    const create = (host: string) =>
      iam(
        {
          Action: 'CreateOpenIDConnectProvider',
          Url: `https://${host}.example.com`,
          'ClientIDList.member.1': 'sts.amazonaws.com',
        },
        v.key('admin'),
      );
    const over = await create('over');
    expect({ status: over.status, code: over.code, message: over.message }).toEqual({
      status: 409,
      code: 'LimitExceeded',
      message: 'Cannot exceed quota for OpenIdConnectProvidersPerAccount: 100',
    });
    await env.IAM.delete(`acct/${account}/oidc/filler-00000`);
    expect((await create('under')).status).toBe(200);
  });

  it('a sandbox at its group quota gets LimitExceeded for CreateGroup', async () => {
    const v = await visitor();
    const account = v.sandbox.account;
    const have = await new KvIamStore(env.IAM).count(account, 'group', 1000);
    await fill(account, 'group', ACCOUNT_QUOTAS.group.limit - have);
    // Counted up to the bound asked, no further.
    expect(await new KvIamStore(env.IAM).count(account, 'group', 10)).toBe(10);
    const a = await iam({ Action: 'CreateGroup', GroupName: 'one-too-many' }, v.key('admin'));
    expect({ status: a.status, code: a.code, message: a.message }).toEqual({
      status: 409,
      code: 'LimitExceeded',
      message: 'Cannot exceed quota for GroupsPerAccount: 300',
    });
  });
});
