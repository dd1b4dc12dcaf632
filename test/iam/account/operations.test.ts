import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { getAccountSummary } from '../../../src/iam/account/operations.ts';
import { KvIamStore } from '../../../src/store/kv.ts';
import type { Credentials } from '../../helpers/aws.ts';
import {
  doc,
  fails,
  iam,
  ok,
  seedAccountAdmin,
  TRUST_EC2,
  unique,
  userWithKey,
  xmlAll,
  testAccount,
  directContext,
  userCaller,
} from '../helpers.ts';
import { countingKv } from '../../helpers/kv-count.ts';

/** A second account, to show aliases are unique across accounts. */
const OTHER = '353000000003';
const OTHER_ADMIN: Credentials = {
  accessKeyId: 'AKIA2XALIASOTHERADMN',
  secretAccessKey: 'alias-other-account-secret-0',
};

beforeAll(async () => {
  await seedAccountAdmin(OTHER, OTHER_ADMIN);
});

async function aliases(credentials?: Credentials): Promise<string[]> {
  const body = await ok({ Action: 'ListAccountAliases' }, credentials);
  expect(body).toContain('<IsTruncated>false</IsTruncated>');
  return xmlAll(body, 'member');
}

/** A fresh alias (lowercase letters, digits and dashes). */
const freshAlias = (base: string) => unique(base).toLowerCase();

describe('account aliases', () => {
  it('ListAccountAliases answers an empty list for an account without one', async () => {
    const body = await ok({ Action: 'ListAccountAliases' }, OTHER_ADMIN);
    expect(body).toMatch(/<AccountAliases\s*\/>|<AccountAliases><\/AccountAliases>/);
  });

  it('CreateAccountAlias sets the one alias; again is a success; a new one replaces it', async () => {
    const first = freshAlias('first');
    const second = freshAlias('second');
    await ok({ Action: 'CreateAccountAlias', AccountAlias: first });
    expect(await aliases()).toEqual([first]);
    await ok({ Action: 'CreateAccountAlias', AccountAlias: first });
    expect(await aliases()).toEqual([first]);
    await ok({ Action: 'CreateAccountAlias', AccountAlias: second });
    expect(await aliases()).toEqual([second]);
    // The replaced alias is free again: another account may take it.
    await ok({ Action: 'CreateAccountAlias', AccountAlias: first }, OTHER_ADMIN);
    expect(await aliases(OTHER_ADMIN)).toEqual([first]);
    await ok({ Action: 'DeleteAccountAlias', AccountAlias: first }, OTHER_ADMIN);
    await ok({ Action: 'DeleteAccountAlias', AccountAlias: second });
  });

  it('an alias another account holds is EntityAlreadyExists, until that account deletes it', async () => {
    const alias = freshAlias('taken');
    await ok({ Action: 'CreateAccountAlias', AccountAlias: alias });
    const a = await fails(
      { Action: 'CreateAccountAlias', AccountAlias: alias },
      409,
      'EntityAlreadyExists',
      OTHER_ADMIN,
    );
    expect(a.message).toBe(`The account alias ${alias} already exists.`);
    expect(await aliases(OTHER_ADMIN)).toEqual([]);
    await ok({ Action: 'DeleteAccountAlias', AccountAlias: alias });
    expect(await aliases()).toEqual([]);
    await ok({ Action: 'CreateAccountAlias', AccountAlias: alias }, OTHER_ADMIN);
    expect(await aliases(OTHER_ADMIN)).toEqual([alias]);
    await fails({ Action: 'CreateAccountAlias', AccountAlias: alias }, 409, 'EntityAlreadyExists');
    await ok({ Action: 'DeleteAccountAlias', AccountAlias: alias }, OTHER_ADMIN);
  });

  it('concurrent claims of one alias by two accounts: exactly one wins', async () => {
    const alias = freshAlias('race');
    const [mine, theirs] = await Promise.all([
      iam({ Action: 'CreateAccountAlias', AccountAlias: alias }),
      iam({ Action: 'CreateAccountAlias', AccountAlias: alias }, OTHER_ADMIN),
    ]);
    expect([mine.status, theirs.status].sort()).toEqual([200, 409]);
    const winner = mine.status === 200 ? undefined : OTHER_ADMIN;
    expect(await aliases(winner)).toEqual([alias]);
    expect(await aliases(winner ? undefined : OTHER_ADMIN)).toEqual([]);
    await ok({ Action: 'DeleteAccountAlias', AccountAlias: alias }, winner);
  });

  it('DeleteAccountAlias of an alias the account does not have is NoSuchEntity', async () => {
    const alias = freshAlias('mine');
    const a = await fails(
      { Action: 'DeleteAccountAlias', AccountAlias: alias },
      404,
      'NoSuchEntity',
    );
    expect(a.message).toBe(`The account alias ${alias} cannot be found.`);
    await ok({ Action: 'CreateAccountAlias', AccountAlias: alias });
    // Another account cannot delete it, even by its name.
    await fails(
      { Action: 'DeleteAccountAlias', AccountAlias: alias },
      404,
      'NoSuchEntity',
      OTHER_ADMIN,
    );
    await fails(
      { Action: 'DeleteAccountAlias', AccountAlias: freshAlias('other') },
      404,
      'NoSuchEntity',
    );
    expect(await aliases()).toEqual([alias]);
    await ok({ Action: 'DeleteAccountAlias', AccountAlias: alias });
    await fails({ Action: 'DeleteAccountAlias', AccountAlias: alias }, 404, 'NoSuchEntity');
  });

  it("refuses aliases outside accountAliasType with AWS's ValidationError", async () => {
    const pattern = '^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$';
    for (const bad of ['Upper', 'a--b', '-ab', 'ab-', 'a_b', 'a.b']) {
      const a = await fails(
        { Action: 'CreateAccountAlias', AccountAlias: bad },
        400,
        'ValidationError',
      );
      expect(a.message).toBe(
        `1 validation error detected: Value '${bad}' at 'accountAlias' failed to satisfy constraint: Member must satisfy regular expression pattern: ${pattern}`,
      );
    }
    const short = await fails(
      { Action: 'CreateAccountAlias', AccountAlias: 'ab' },
      400,
      'ValidationError',
    );
    expect(short.message).toContain('2 validation errors detected');
    expect(short.message).toContain('Member must have length greater than or equal to 3');
    const long = await fails(
      { Action: 'DeleteAccountAlias', AccountAlias: 'a'.repeat(64) },
      400,
      'ValidationError',
    );
    expect(long.message).toContain('Member must have length less than or equal to 63');
    const missing = await fails({ Action: 'CreateAccountAlias' }, 400, 'ValidationError');
    expect(missing.message).toBe(
      "1 validation error detected: Value null at 'accountAlias' failed to satisfy constraint: Member must not be null",
    );
    // The longest and shortest aliases the pattern allows.
    for (const good of ['a'.repeat(63), 'a-b', '0x0']) {
      await ok({ Action: 'CreateAccountAlias', AccountAlias: good });
      await ok({ Action: 'DeleteAccountAlias', AccountAlias: good });
    }
  });

  it('needs iam:CreateAccountAlias, iam:DeleteAccountAlias, iam:ListAccountAliases on *', async () => {
    const nobody = await userWithKey(doc([{ Effect: 'Allow', Action: 's3:*', Resource: '*' }]));
    const alias = freshAlias('authz');
    const denied = await fails(
      { Action: 'CreateAccountAlias', AccountAlias: alias },
      403,
      'AccessDenied',
      nobody,
    );
    expect(denied.message).toContain('iam:CreateAccountAlias on resource: *');
    await fails({ Action: 'DeleteAccountAlias', AccountAlias: alias }, 403, 'AccessDenied', nobody);
    await fails({ Action: 'ListAccountAliases' }, 403, 'AccessDenied', nobody);
    await fails({ Action: 'ListAccountAliases', MaxItems: '0' }, 400, 'ValidationError');
    const creator = await userWithKey(
      doc([{ Effect: 'Allow', Action: 'iam:CreateAccountAlias', Resource: '*' }]),
    );
    await ok({ Action: 'CreateAccountAlias', AccountAlias: alias }, creator);
    await fails(
      { Action: 'DeleteAccountAlias', AccountAlias: alias },
      403,
      'AccessDenied',
      creator,
    );
    await ok({ Action: 'DeleteAccountAlias', AccountAlias: alias });
  });
});

describe('GetAccountSummary', () => {
  /** The SummaryMap as key -> number. */
  async function summary(): Promise<Record<string, number>> {
    const body = await ok({ Action: 'GetAccountSummary' });
    const keys = xmlAll(body, 'key');
    const values = xmlAll(body, 'value').map(Number);
    expect(keys.length).toBe(values.length);
    return Object.fromEntries(keys.map((k, i) => [k, values[i]!]));
  }

  it("answers the account's counts and quotas as <entry><key/><value/></entry> pairs", async () => {
    const before = await summary();
    expect(before.UsersQuota).toBe(5000);
    expect(before.RolesQuota).toBe(1000);
    expect(before.AccessKeysPerUserQuota).toBe(2);
    expect(before.AccountMFAEnabled).toBe(0);
    await ok({
      Action: 'CreateRole',
      RoleName: unique('counted'),
      AssumeRolePolicyDocument: TRUST_EC2,
    });
    await ok({ Action: 'CreateInstanceProfile', InstanceProfileName: unique('counted') });
    const after = await summary();
    expect(after.Roles).toBe(before.Roles! + 1);
    expect(after.InstanceProfiles).toBe(before.InstanceProfiles! + 1);
    expect(after.Users).toBeGreaterThanOrEqual(1);
  });

  it('counts policy versions from the listing of the policies, reading no policy record', async () => {
    const account = testAccount('33000000');
    const admin: Credentials = {
      accessKeyId: `AKIA3SUMMARY${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`,
      secretAccessKey: 'summary-account-secret-0',
    };
    await seedAccountAdmin(account, admin);
    const as = (params: Record<string, string>) => iam(params, admin);
    for (let p = 0; p < 3; p++) {
      expect(
        (
          await as({
            Action: 'CreatePolicy',
            PolicyName: `p${p}`,
            PolicyDocument: doc([{ Effect: 'Allow', Action: 's3:*', Resource: '*' }]),
          })
        ).status,
      ).toBe(200);
      for (let v = 0; v < p; v++)
        expect(
          (
            await as({
              Action: 'CreatePolicyVersion',
              PolicyArn: `arn:aws:iam::${account}:policy/p${p}`,
              PolicyDocument: doc([{ Effect: 'Allow', Action: `s3:Get${v}`, Resource: '*' }]),
            })
          ).status,
        ).toBe(200);
    }
    // A policy written before its key kept the count (no `versions` metadata) is read instead.
    const old = (await new KvIamStore(env.IAM).get(account, 'policy', 'p2'))!;
    await env.IAM.put(
      `acct/${account}/policy/old`,
      JSON.stringify({ ...old, name: 'old', arn: `arn:aws:iam::${account}:policy/old` }),
      { metadata: { path: '/' } },
    );
    const { kv, keysRead } = countingKv();
    const policyReads = () => keysRead.filter((k) => /\/policy\/p\d$/.test(k)).length;
    const store = new KvIamStore(kv);
    const user = (await store.get(account, 'user', 'admin'))!;
    const answer = (await getAccountSummary(
      directContext({ ...env, IAM: kv }, {}, store),
      userCaller(account, user, admin.accessKeyId),
    )) as { SummaryMap: { entries: ReadonlyArray<readonly [string, unknown]> } };
    const counts = new Map(answer.SummaryMap.entries);
    expect(counts.get('Policies')).toBe(4);
    expect(counts.get('PolicyVersionsInUse')).toBe(1 + 2 + 3 + 3);
    // Each record holds every version's document (1,500 policies of five 6 KB versions: 46 MB).
    expect(policyReads()).toBe(0);
  });

  it('needs iam:GetAccountSummary', async () => {
    const nobody = await userWithKey(doc([{ Effect: 'Allow', Action: 's3:*', Resource: '*' }]));
    await fails({ Action: 'GetAccountSummary' }, 403, 'AccessDenied', nobody);
  });
});

describe('what rolecall keeps none of: answered as for an account without it', () => {
  it('GetAccountPasswordPolicy: NoSuchEntity, worded as IAM words it', async () => {
    const a = await fails({ Action: 'GetAccountPasswordPolicy' }, 404, 'NoSuchEntity');
    expect(a.message).toBe('The Password Policy with domain name 123456789012 cannot be found.');
  });

  it('GetServerCertificate, ListServerCertificateTags: NoSuchEntity, worded as IAM words it', async () => {
    for (const Action of ['GetServerCertificate', 'ListServerCertificateTags']) {
      const a = await fails({ Action, ServerCertificateName: 'www-cert' }, 404, 'NoSuchEntity');
      expect(a.message).toBe('The Server Certificate with name www-cert cannot be found.');
      await fails({ Action, ServerCertificateName: 'a b' }, 400, 'ValidationError');
      await fails({ Action }, 400, 'ValidationError');
    }
    const nobody = await userWithKey(doc([{ Effect: 'Allow', Action: 's3:*', Resource: '*' }]));
    const denied = await fails(
      { Action: 'GetServerCertificate', ServerCertificateName: 'www-cert' },
      403,
      'AccessDenied',
      nobody,
    );
    expect(denied.message).toContain(
      'iam:GetServerCertificate on resource: arn:aws:iam::123456789012:server-certificate/www-cert',
    );
  });

  it('ListSAMLProviders and ListServerCertificates: empty lists; PathPrefix checked', async () => {
    const saml = await ok({ Action: 'ListSAMLProviders' });
    expect(saml).toMatch(/<SAMLProviderList\s*\/>|<SAMLProviderList><\/SAMLProviderList>/);
    const certs = await ok({ Action: 'ListServerCertificates', PathPrefix: '/' });
    expect(certs).toContain('<IsTruncated>false</IsTruncated>');
    await fails({ Action: 'ListServerCertificates', PathPrefix: 'nope' }, 400, 'ValidationError');
  });
});
