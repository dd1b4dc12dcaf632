/**
 * Demo sandboxes (docs/demo.md): each visitor of the page gets two fresh accounts of its own, a
 * sandbox (the demo seed: the EC2/SSM role and the other example roles, an `admin` user and an
 * `alice` user with access keys of their own) and a partner account (a `partner` user: "another
 * account" on the page). Both expire 24 hours after creation with everything stored under them
 * (KV expiration on every key, see KvIamStore); sessions issued in them last at most 1 hour.
 */
import { newAccessKeyId, newSecretAccessKey } from '../auth/keys.ts';
import { openSecret } from '../auth/seal.ts';
import { deriveKeys } from '../auth/secret-keys.ts';
import type { Env } from '../env.ts';
import { SANDBOX_LIFETIME_MS } from './lifetime.ts';
import { applySeedInAccounts } from '../accounts/seed.ts';
import demo from '../seed/demo.json';
import { DEMO_ACCOUNT } from '../seed/demo.ts';
import { seedSchema, type SeedDocument } from '../seed/schema.ts';
import type { IamStore } from '../store/types.ts';

/** The role the page opens with: the seed's classic EC2 instance role for Systems Manager. */
export const SANDBOX_ROLE = 'ec2-ssm-instance-role';

const ASSUME_ANY_ROLE = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'AssumeRoles', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }],
};

export interface SandboxPrincipal {
  name: string;
  arn: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** What the page learns about its sandbox (the visitor's own credentials, never a deployment secret). */
export interface SandboxView {
  account: string;
  partnerAccount: string;
  /** ISO 8601. */
  expiresAt: string;
  role: string;
  principals: SandboxPrincipal[];
}

/** A random 12-digit account id (no leading zero) that no account uses yet. */
async function freshAccountId(store: IamStore): Promise<string> {
  for (;;) {
    const [hi, lo] = crypto.getRandomValues(new Uint32Array(2));
    // 48 random bits reduced to 9e11 values: the bias (< 2^-28) does not matter for an id.
    const n = 100_000_000_000 + ((hi * 2 ** 16 + (lo >>> 16)) % 900_000_000_000);
    const id = String(n);
    if (id !== DEMO_ACCOUNT && !(await store.getAccount(id))) return id;
  }
}

interface NewKey {
  accessKeyId: string;
  secretAccessKey: string;
}

const newKey = (account: string): NewKey => ({
  accessKeyId: newAccessKeyId('AKIA', account),
  secretAccessKey: newSecretAccessKey(),
});

/**
 * The demo seed rewritten for a sandbox: its account id replaced everywhere (ARNs in trust
 * policies), its fixed example keys replaced by fresh ones, sessions of at most 1 hour, one more
 * user (`alice`, allowed sts:AssumeRole only), and the partner account.
 */
function sandboxSeed(account: string, partner: string): SeedDocument {
  const base = seedSchema.parse(JSON.parse(JSON.stringify(demo).replaceAll(DEMO_ACCOUNT, account)));
  const mine = base.accounts[0];
  for (const role of mine.roles ?? []) role.maxSessionDuration = 3600;
  for (const user of mine.users ?? []) user.accessKeys = [newKey(account)];
  // The GitHub provider is served by the sandbox's test issuer (docs/web-identity.md), so the page
  // can mint a GitHub Actions token and exchange it with AssumeRoleWithWebIdentity for real.
  for (const provider of mine.oidcProviders ?? []) {
    provider.tags = [...(provider.tags ?? []), { Key: 'rolecall:keys', Value: 'test-issuer' }];
  }
  mine.users = [
    ...(mine.users ?? []),
    {
      name: 'alice',
      inlinePolicies: { AssumeRoles: ASSUME_ANY_ROLE },
      accessKeys: [newKey(account)],
    },
  ];
  return {
    accounts: [
      mine,
      {
        id: partner,
        users: [
          {
            name: 'partner',
            inlinePolicies: { AssumeRoles: ASSUME_ANY_ROLE },
            accessKeys: [newKey(partner)],
          },
        ],
      },
    ],
  };
}

/**
 * Creates a sandbox and its partner account; returns the sandbox's id and expiry. `cookieHash`: what
 * the sandbox's record keeps of its browser's cookie secret (src/demo/cookie.ts).
 */
export async function createSandbox(
  env: Env,
  store: IamStore,
  now: number,
  cookieHash: string,
): Promise<{ account: string; expiresAt: number }> {
  const account = await freshAccountId(store);
  const partner = await freshAccountId(store);
  const expiresAt = now + SANDBOX_LIFETIME_MS;
  // The account records first: every key written after them carries their expiration. The seed is
  // applied in the accounts' objects, which write the records again before anything else, so their
  // writes know the expiry wherever they run, before KV shows the record there.
  const records = [
    { id: partner, createDate: now, expiresAt },
    { id: account, createDate: now, expiresAt, partner, cookieHash },
  ];
  for (const record of records) await store.putAccount(record);
  await applySeedInAccounts(env, sandboxSeed(account, partner), now, records);
  return { account, expiresAt };
}

/** The page's view of a sandbox, or null when the account is gone (expired) or is not a sandbox. */
export async function viewSandbox(
  env: Env,
  store: IamStore,
  account: string,
): Promise<SandboxView | null> {
  const record = await store.getAccount(account);
  if (!record?.expiresAt || !record.partner) return null;
  const { seal } = await deriveKeys(env.SEAL_KEY);
  const principals: SandboxPrincipal[] = [];
  const wanted: Array<[string, string]> = [
    [account, 'admin'],
    [account, 'alice'],
    [record.partner, 'partner'],
  ];
  for (const [acct, name] of wanted) {
    const user = await store.get(acct, 'user', name);
    if (!user) continue;
    for (const key of await store.listAccessKeys(acct, name)) {
      if (key.status !== 'Active') continue;
      const secret = await openSecret(seal, key.sealedSecret, key.accessKeyId).catch(() => null);
      if (secret === null) continue;
      principals.push({
        name,
        arn: user.arn,
        accessKeyId: key.accessKeyId,
        secretAccessKey: secret,
      });
      break;
    }
  }
  return {
    account,
    partnerAccount: record.partner,
    expiresAt: new Date(record.expiresAt).toISOString(),
    role: SANDBOX_ROLE,
    principals,
  };
}
