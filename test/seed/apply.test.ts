import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminRoutes } from '../../src/routes/admin.ts';
import { applySeed, SeedError } from '../../src/seed/apply.ts';
import { seedSchema, type SeedDocument } from '../../src/seed/schema.ts';
import { KvIamStore } from '../../src/store/kv.ts';
import ci from '../fixtures/seed-ci.json';
import { base32Decode, hotp, timeStep, totpKey } from '../../src/auth/totp.ts';
import { call } from '../helpers/worker.ts';
import { fails, ok, xmlText } from '../iam/helpers.ts';

const CI = {
  accessKeyId: 'AKIACISEEDEXAMPLE001',
  secretAccessKey: 'ciSeedSecretKeyForTestsOnly0000000000000',
};

/** Every KV entry of an account plus the global access-key entries of the seed's keys. */
async function snapshot(
  account: string,
  keyPrefix = 'akey/AKIACISEED',
): Promise<Record<string, string | null>> {
  const out: Record<string, string | null> = {};
  for (const prefix of [`acct/${account}`, keyPrefix]) {
    const page = await env.IAM.list({ prefix });
    for (const k of page.keys) out[k.name] = await env.IAM.get(k.name);
  }
  return out;
}

const withAccount = (seed: SeedDocument, id: string): SeedDocument =>
  JSON.parse(JSON.stringify(seed).replaceAll('210987654321', id));

/** An alias the demo account holds, for the seeds that must not take it. */
const HELD_ALIAS = 'held-by-the-demo-account';

describe('applySeed', () => {
  beforeAll(async () => {
    await ok({ Action: 'CreateAccountAlias', AccountAlias: HELD_ALIAS });
  });

  it('is idempotent: a second apply leaves every stored byte as it was', async () => {
    const seed = seedSchema.parse(ci);
    const store = new KvIamStore(env.IAM);
    const first = await applySeed(env, store, seed, Date.parse('2026-01-01T00:00:00Z'));
    expect(first.created).toBeGreaterThan(0);
    const before = await snapshot('210987654321');
    const second = await applySeed(env, store, seed, Date.parse('2026-06-01T00:00:00Z'));
    expect(second.created + second.updated).toBe(0);
    expect(await snapshot('210987654321')).toEqual(before);
  });

  it('seeded state is served by the API: pinned key authenticates, counts and boundary are set', async () => {
    await applySeed(env, new KvIamStore(env.IAM), seedSchema.parse(ci), Date.now());
    const me = await ok({ Action: 'GetUser' }, CI);
    expect(xmlText(me, 'Arn')).toBe('arn:aws:iam::210987654321:user/deployer');
    expect(xmlText(me, 'PermissionsBoundaryArn')).toBe(
      'arn:aws:iam::210987654321:policy/ci-boundary',
    );
    const policy = await ok(
      { Action: 'GetPolicy', PolicyArn: 'arn:aws:iam::210987654321:policy/ci/ci-artifacts' },
      CI,
    );
    expect(xmlText(policy, 'AttachmentCount')).toBe('2');
    const role = await ok({ Action: 'GetRole', RoleName: 'deploy' }, CI);
    expect(xmlText(role, 'MaxSessionDuration')).toBe('7200');
    // The boundary does not allow iam:CreateRole even if policies did.
    await fails(
      { Action: 'CreateRole', RoleName: 'x1', AssumeRolePolicyDocument: '{}' },
      403,
      'AccessDenied',
      CI,
    );
  });

  it('a changed policy document becomes a new default version; ids and creation dates stay', async () => {
    const id = '310987654321';
    const store = new KvIamStore(env.IAM);
    const seed = withAccount(seedSchema.parse(ci), id);
    // Without the users (their pinned keys belong to the other account), the role trusts the root.
    seed.accounts[0]!.users = [];
    seed.accounts[0]!.roles![0]!.assumeRolePolicyDocument = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${id}:root` },
          Action: 'sts:AssumeRole',
        },
      ],
    };
    await applySeed(env, store, seed, Date.parse('2026-01-01T00:00:00Z'));
    const before = await store.get(id, 'policy', 'ci-artifacts');
    const changed = structuredClone(seed);
    changed.accounts[0]!.policies![0]!.document = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
    };
    const summary = await applySeed(env, store, changed, Date.parse('2026-02-01T00:00:00Z'));
    expect(summary.updated).toBe(1);
    const after = await store.get(id, 'policy', 'ci-artifacts');
    expect(after!.id).toBe(before!.id);
    expect(after!.createDate).toBe(before!.createDate);
    expect(after!.defaultVersionId).toBe('v2');
    expect(after!.version).toBe(before!.version + 1);
  });

  const broken: Array<[string, (s: SeedDocument) => void, string, string]> = [
    [
      'a trust policy with Resource',
      (s) => {
        s.accounts[0]!.roles![0]!.assumeRolePolicyDocument = {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole', Resource: '*' }],
        };
      },
      'MalformedPolicyDocument',
      'accounts[0].roles[0] (deploy)',
    ],
    [
      'an unknown attached policy',
      (s) => {
        s.accounts[0]!.roles![0]!.attachedPolicies = ['arn:aws:iam::aws:policy/NoSuchThing'];
      },
      'NoSuchEntity',
      'accounts[0].roles[0] (deploy)',
    ],
    [
      'a bad role name',
      (s) => {
        s.accounts[0]!.roles![0]!.name = 'bad/name';
      },
      'ValidationError',
      'accounts[0].roles[0]',
    ],
    [
      'MaxSessionDuration out of range',
      (s) => {
        s.accounts[0]!.roles![0]!.maxSessionDuration = 60;
      },
      'ValidationError',
      'accounts[0].roles[0]',
    ],
    [
      'an oversized managed policy',
      (s) => {
        s.accounts[0]!.policies![0]!.document = {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: Array.from({ length: 500 }, (_, i) => `s3:Action${i}`),
              Resource: '*',
            },
          ],
        };
      },
      'LimitExceeded',
      'accounts[0].policies[0]',
    ],
    [
      'an alias outside accountAliasType',
      (s) => {
        s.accounts[0]!.alias = 'Not--Valid';
      },
      'ValidationError',
      'accounts[0].alias',
    ],
    [
      'an alias another account holds',
      (s) => {
        s.accounts[0]!.alias = HELD_ALIAS;
      },
      'EntityAlreadyExists',
      'accounts[0].alias',
    ],
  ];
  it.each(broken)(
    'refuses %s, locating it, and writes nothing',
    async (_l, breakIt, code, where) => {
      const id = String(400000000000 + Math.floor(Math.random() * 1e9));
      const seed = withAccount(seedSchema.parse(ci), id);
      seed.accounts[0]!.users![0]!.accessKeys = [];
      breakIt(seed);
      const err = await applySeed(env, new KvIamStore(env.IAM), seed, Date.now()).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(SeedError);
      expect((err as SeedError).code).toBe(code);
      expect((err as SeedError).message.startsWith(where)).toBe(true);
      expect(await snapshot(id, `akey/none-${id}`)).toEqual({});
    },
  );

  it('sets the account alias: listed by ListAccountAliases, unchanged when applied again', async () => {
    const id = String(500000000000 + Math.floor(Math.random() * 1e9));
    const seed = withAccount(seedSchema.parse(ci), id);
    seed.accounts[0]!.users![0]!.accessKeys = [];
    seed.accounts[0]!.alias = `seeded-${id}`;
    const store = new KvIamStore(env.IAM);
    await applySeed(env, store, seed, Date.now());
    expect(await store.accountAlias(id)).toBe(`seeded-${id}`);
    expect(await store.aliasOwner(`seeded-${id}`)).toBe(id);
    const again = await applySeed(env, store, seed, Date.now());
    expect(again.created + again.updated).toBe(0);
    // A new alias replaces the old one, which is free again; two accounts of a document cannot share one.
    seed.accounts[0]!.alias = `renamed-${id}`;
    const renamed = await applySeed(env, store, seed, Date.now());
    expect(renamed.updated).toBe(1);
    expect(await store.aliasOwner(`seeded-${id}`)).toBeNull();
    const twice = withAccount(seed, String(Number(id) + 1));
    const both = { accounts: [...seed.accounts, ...twice.accounts] };
    const err = await applySeed(env, store, both, Date.now()).catch((e: unknown) => e);
    expect((err as SeedError).code).toBe('EntityAlreadyExists');
  });

  it('the demo seed validates against the schema', async () => {
    const demo = await import('../../src/seed/demo.json');
    expect(seedSchema.safeParse(demo.default).success).toBe(true);
  });
});

describe('POST /admin/v1/apply', () => {
  const TOKEN = 'test-admin-token-0123456789';
  const call = (body: string, auth?: string, enabled = true) =>
    adminRoutes.request(
      '/apply',
      {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
      },
      { ...env, ADMIN_TOKEN: enabled ? TOKEN : undefined },
    );

  it('is disabled (404) when ADMIN_TOKEN is unset', async () => {
    const res = await call(JSON.stringify(ci), `Bearer ${TOKEN}`, false);
    expect(res.status).toBe(404);
  });

  it.each([
    ['no token', undefined],
    ['a wrong token', 'Bearer nope'],
    ['a token prefix', `Bearer ${TOKEN.slice(0, -1)}`],
    ['another scheme', `Basic ${TOKEN}`],
  ])('answers 401 with %s', async (_l, auth) => {
    const res = await call(JSON.stringify(ci), auth);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('Unauthorized');
  });

  it('applies a document and answers a summary; twice gives no changes', async () => {
    const doc = JSON.stringify(ci)
      .replaceAll('210987654321', '510987654321')
      .replaceAll('AKIACISEEDEXAMPLE001', 'AKIACISEEDEXAMPLE005');
    const first = await call(doc, `Bearer ${TOKEN}`);
    expect(first.status).toBe(200);
    const again = await call(doc, `Bearer ${TOKEN}`);
    const body = (await again.json()) as {
      applied: { created: number; updated: number; unchanged: number };
    };
    expect(body.applied.created + body.applied.updated).toBe(0);
    expect(body.applied.unchanged).toBeGreaterThan(0);
  });

  it('answers 400 with the zod issue path for an invalid document', async () => {
    const res = await call(
      JSON.stringify({ accounts: [{ id: '12', roles: [{ name: 'x' }] }] }),
      `Bearer ${TOKEN}`,
    );
    expect(res.status).toBe(400);
    const body = (await res.json()) as {
      error: { code: string; message: string; issues: Array<{ path: string }> };
    };
    expect(body.error.code).toBe('InvalidSeed');
    expect(body.error.issues.map((i) => i.path)).toEqual(
      expect.arrayContaining(['accounts.0.id', 'accounts.0.roles.0.assumeRolePolicyDocument']),
    );
  });

  it('answers 400 for non-JSON and for IAM-invalid content', async () => {
    expect((await call('{nope', `Bearer ${TOKEN}`)).status).toBe(400);
    const bad = JSON.stringify({
      accounts: [
        {
          id: '610987654321',
          roles: [
            {
              name: 'r',
              assumeRolePolicyDocument: { Version: '2012-10-17', Statement: [] },
              maxSessionDuration: 1,
            },
          ],
        },
      ],
    });
    const res = await call(bad, `Bearer ${TOKEN}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('ValidationError');
  });
});

describe('seeded virtual MFA devices', () => {
  it('declares a virtual MFA device with a known seed: CI computes codes for it', async () => {
    await applySeed(env, new KvIamStore(env.IAM), seedSchema.parse(ci), Date.now());
    const serial = 'arn:aws:iam::210987654321:mfa/ci/deployer-ci';
    const listed = await ok({ Action: 'ListMFADevices' }, CI);
    expect(xmlText(listed, 'SerialNumber')).toBe(serial);
    const key = await totpKey(base32Decode('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP')!);
    const code = await hotp(key, timeStep(Date.now()) + 1);
    const params = { Action: 'GetSessionToken', SerialNumber: serial, TokenCode: code };
    const first = await call(params, CI);
    expect(first.status, first.body).toBe(200);
    expect((await call(params, CI)).code).toBe('AccessDenied');
  });

  it('refuses a declared MFA seed shorter than 128 bits', async () => {
    const seed = withAccount(seedSchema.parse(ci), '310987654321');
    seed.accounts[0]!.users![0]!.mfaDevices = [{ name: 'short', seed: 'JBSWY3DP' }];
    await expect(applySeed(env, new KvIamStore(env.IAM), seed, Date.now())).rejects.toThrow(
      /at least 16 bytes/,
    );
  });
});
