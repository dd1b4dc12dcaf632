import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { applySeedInAccounts } from '../../src/accounts/seed.ts';
import { adminRoutes } from '../../src/routes/admin.ts';
import { seedSchema } from '../../src/seed/schema.ts';
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
} from '../iam/helpers.ts';

/**
 * Seeds (POST /admin/v1/apply, the demo seed, sandboxes, `npm run seed`) and the admin "Revoke
 * active sessions" write in the account's object, ordered with the account's IAM API writes: a seed
 * racing API writes to the same record loses neither.
 */
const WRITERS = 30;
const policyArn = (name: string) => `arn:aws:iam::${ACCOUNT}:policy/${name}`;

async function newRole(): Promise<string> {
  const name = unique('seedrace');
  await ok({ Action: 'CreateRole', RoleName: name, AssumeRolePolicyDocument: TRUST_EC2 });
  return name;
}

const seeding = (roles: object[], policies: object[] = []) =>
  seedSchema.parse({ accounts: [{ id: ACCOUNT, policies, roles }] });

const attachmentCount = async (arn: string) =>
  Number(xmlText(await ok({ Action: 'GetPolicy', PolicyArn: arn }), 'AttachmentCount'));

describe('a seed racing IAM API writes', { timeout: 60_000 }, () => {
  it('attaching a managed policy while 30 API writers attach it too: AttachmentCount counts all', async () => {
    const policy = unique('shared');
    await ok({ Action: 'CreatePolicy', PolicyName: policy, PolicyDocument: S3_READ });
    const roles = await Promise.all(Array.from({ length: WRITERS }, () => newRole()));
    const seeded = unique('seeded');
    const attach = (i: number) =>
      iam({ Action: 'AttachRolePolicy', RoleName: roles[i]!, PolicyArn: policyArn(policy) });
    const answers = await Promise.all([
      ...roles.slice(0, WRITERS / 2).map((_, i) => attach(i)),
      applySeedInAccounts(
        env,
        seeding([
          {
            name: seeded,
            assumeRolePolicyDocument: TRUST_EC2,
            attachedPolicies: [policyArn(policy)],
          },
        ]),
        Date.now(),
      ),
      ...roles.slice(WRITERS / 2).map((_, i) => attach(WRITERS / 2 + i)),
    ]);
    expect(answers.filter((a) => 'status' in a && a.status !== 200)).toEqual([]);
    expect(await attachmentCount(policyArn(policy))).toBe(WRITERS + 1);
  });

  it('one document applied twice at once (two first requests seeding the demo): one role, exact counts', async () => {
    const policy = unique('seeded-policy');
    const role = unique('seeded-twice');
    const document = seeding(
      [{ name: role, assumeRolePolicyDocument: TRUST_EC2, attachedPolicies: [policyArn(policy)] }],
      [{ name: policy, document: S3_READ }],
    );
    const [a, b] = await Promise.all([
      applySeedInAccounts(env, document, Date.now()),
      applySeedInAccounts(env, document, Date.now()),
    ]);
    expect([a.created, b.created].sort()).toEqual([0, 2]);
    expect(a.unchanged + b.unchanged).toBe(2);
    expect(await attachmentCount(policyArn(policy))).toBe(1);
  });
});

describe('admin "Revoke active sessions" racing IAM API writes', { timeout: 60_000 }, () => {
  it('30 PutRolePolicy calls around it: every inline policy is kept, and the revocation', async () => {
    const role = await newRole();
    const put = (i: number) =>
      iam({
        Action: 'PutRolePolicy',
        RoleName: role,
        PolicyName: `p${i}`,
        PolicyDocument: doc({ Effect: 'Allow', Action: `s3:Get${i}`, Resource: '*' }),
      });
    const revoke = adminRoutes.request(
      '/roles/revoke-sessions',
      {
        method: 'POST',
        body: JSON.stringify({ roleArn: `arn:aws:iam::${ACCOUNT}:role/${role}` }),
        headers: { 'content-type': 'application/json', authorization: 'Bearer t' },
      },
      { ...env, ADMIN_TOKEN: 't' },
    );
    const all = Array.from({ length: WRITERS }, (_, i) => i);
    const [answers, revoked] = await Promise.all([Promise.all(all.map(put)), revoke]);
    expect(revoked.status).toBe(200);
    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    const names = xmlAll(await ok({ Action: 'ListRolePolicies', RoleName: role }), 'member');
    expect(names.sort()).toEqual([...all.map((i) => `p${i}`), 'AWSRevokeOlderSessions'].sort());
  });
});
