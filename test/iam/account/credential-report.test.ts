import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { IamAccount } from '../../../src/accounts/account-object.ts';
import { generateCredentialReport } from '../../../src/iam/account/credential-report.ts';
import { KvIamStore } from '../../../src/store/kv.ts';
import {
  ACCOUNT,
  doc,
  fails,
  ok,
  unique,
  userWithKey,
  xmlText,
  seedAccounts,
  directContext,
  userCaller,
} from '../helpers.ts';
import { countingEnv } from '../../helpers/kv-count.ts';

const HEADER =
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,' +
  'password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,' +
  'access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,' +
  'access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,' +
  'access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,' +
  'cert_1_last_rotated,cert_2_active,cert_2_last_rotated';

/** The report's rows by user name (the CSV's first field), from GetCredentialReport. */
async function report(): Promise<{ lines: string[]; rows: Map<string, string[]>; body: string }> {
  const body = await ok({ Action: 'GetCredentialReport' });
  expect(xmlText(body, 'ReportFormat')).toBe('text/csv');
  expect(xmlText(body, 'GeneratedTime')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  const csv = new TextDecoder().decode(
    Uint8Array.from(atob(xmlText(body, 'Content')!), (c) => c.charCodeAt(0)),
  );
  const lines = csv.split('\n');
  const rows = new Map(lines.slice(1).map((l) => [l.split(',')[0]!, l.split(',')]));
  return { lines, rows, body };
}

const ISO_OFFSET = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/;

describe('credential reports', () => {
  it('GetCredentialReport before any report: ReportNotPresent (410)', async () => {
    const a = await fails({ Action: 'GetCredentialReport' }, 410, 'ReportNotPresent');
    expect(a.message).toContain('GenerateCredentialReport');
  });

  it('generates once per four hours: STARTED, then COMPLETE; the CSV lists every user', async () => {
    const odd = unique('comma,user');
    await ok({ Action: 'CreateUser', UserName: odd });
    const first = await ok({ Action: 'GenerateCredentialReport' });
    expect(xmlText(first, 'State')).toBe('STARTED');
    expect(xmlText(first, 'Description')).toBe(
      'No report exists. Starting a new report generation task',
    );
    const again = await ok({ Action: 'GenerateCredentialReport' });
    expect(xmlText(again, 'State')).toBe('COMPLETE');

    const { lines, rows } = await report();
    expect(lines[0]).toBe(HEADER);
    const root = lines[1]!.split(',');
    expect(root.slice(0, 2)).toEqual(['<root_account>', `arn:aws:iam::${ACCOUNT}:root`]);
    expect(root[2]).toMatch(ISO_OFFSET);
    expect(root.slice(3, 9)).toEqual([
      'not_supported',
      'no_information',
      'not_supported',
      'not_supported',
      'false',
      'false',
    ]);
    // The demo admin: one active key, used to sign these very calls (iam, us-east-1).
    const admin = rows.get('admin')!;
    expect(admin.length).toBe(22);
    expect(admin.slice(1, 2)).toEqual([`arn:aws:iam::${ACCOUNT}:user/admin`]);
    expect(admin.slice(3, 8)).toEqual(['false', 'N/A', 'N/A', 'N/A', 'false']);
    expect(admin[8]).toBe('true');
    expect(admin[9]).toMatch(ISO_OFFSET);
    expect(admin[10]).toMatch(ISO_OFFSET);
    expect(admin.slice(11, 13)).toEqual(['us-east-1', 'iam']);
    expect(admin.slice(13)).toEqual([
      'false',
      'N/A',
      'N/A',
      'N/A',
      'N/A',
      'false',
      'N/A',
      'false',
      'N/A',
    ]);
    // A name with a comma, and its ARN, are quoted (RFC 4180).
    const quoted = lines.find((l) => l.startsWith(`"${odd}",`));
    expect(quoted).toMatch(
      new RegExp(
        `^"${odd}","arn:aws:iam::${ACCOUNT}:user/${odd}",\\d{4}-.*,false,N/A,N/A,N/A,false,false,`,
      ),
    );
  });

  it('a report four hours old is ReportExpired; the next GenerateCredentialReport makes a new one', async () => {
    const key = await userWithKey(doc([{ Effect: 'Allow', Action: 's3:*', Resource: '*' }]));
    await ok({
      Action: 'UpdateAccessKey',
      UserName: key.userName,
      AccessKeyId: key.accessKeyId,
      Status: 'Inactive',
    });
    await ok({ Action: 'GenerateCredentialReport' });
    // Ages the report where the account's writes are ordered: through its object's journal.
    const stub = env.ACCOUNTS.get(env.ACCOUNTS.idFromName(ACCOUNT));
    await runInDurableObject(stub, async (object: IamAccount) => {
      const store = new KvIamStore(env.IAM, { journal: object });
      const last = (await store.credentialReport(ACCOUNT))!;
      await store.putCredentialReport(ACCOUNT, {
        ...last,
        generatedAt: Date.now() - 4 * 3600_000 - 1000,
      });
    });
    const a = await fails({ Action: 'GetCredentialReport' }, 410, 'ReportExpired');
    expect(a.message).toContain('GenerateCredentialReport');
    const regenerated = await ok({ Action: 'GenerateCredentialReport' });
    expect(xmlText(regenerated, 'State')).toBe('STARTED');
    const { rows } = await report();
    // The user created since, with its inactive, never used key.
    expect(rows.get(key.userName)!.slice(8, 13)).toEqual([
      'false',
      rows.get(key.userName)![9]!,
      'N/A',
      'N/A',
      'N/A',
    ]);
    expect(rows.get(key.userName)![9]).toMatch(ISO_OFFSET);
  });

  it('needs iam:GenerateCredentialReport and iam:GetCredentialReport on *', async () => {
    const nobody = await userWithKey(
      doc([{ Effect: 'Allow', Action: 'iam:List*', Resource: '*' }]),
    );
    const a = await fails({ Action: 'GenerateCredentialReport' }, 403, 'AccessDenied', nobody);
    expect(a.message).toContain('iam:GenerateCredentialReport on resource: *');
    await fails({ Action: 'GetCredentialReport' }, 403, 'AccessDenied', nobody);
  });
});

describe('a report of many users', () => {
  it(
    '120 users of two keys each: every row, in a bounded number of KV operations',
    { timeout: 60_000 },
    async () => {
      const account = '300000000' + String(Math.floor(Math.random() * 900) + 100);
      const tag = crypto.randomUUID().replace(/-/g, '').slice(0, 8).toUpperCase();
      const keyId = (i: number, k: number) => `AKIA${tag}${String(i).padStart(6, '0')}${k}Z`;
      const users = Array.from({ length: 120 }, (_, i) => ({
        name: `u${String(i).padStart(3, '0')}`,
        accessKeys: [0, 1].map((k) => ({
          accessKeyId: keyId(i, k),
          secretAccessKey: 'x'.repeat(40),
          ...(k === 1 ? { status: 'Inactive' as const } : {}),
        })),
      }));
      const all = {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
      };
      await seedAccounts([
        { id: account, users: [{ name: 'admin', inlinePolicies: { all } }, ...users] },
      ]);
      const counted = countingEnv();
      const store = new KvIamStore(counted.env.IAM);
      const admin = (await store.get(account, 'user', 'admin'))!;
      const answer = await generateCredentialReport(
        directContext(counted.env, {}, store),
        userCaller(account, admin),
      );
      expect(answer).toMatchObject({ State: 'STARTED' });
      // Read user by user (a listing, a read per key and per last use), this was about 600
      // operations, five per user: a Worker invocation may make 1,000.
      expect(counted.ops()).toBeLessThan(30);

      const csv = (await store.credentialReport(account))!.csv.split('\n');
      expect(csv.length).toBe(2 + 1 + 120);
      const row = csv.find((l) => l.startsWith('u099,'))!.split(',');
      expect(row[1]).toBe(`arn:aws:iam::${account}:user/u099`);
      expect([row[8], row[13]]).toEqual(['true', 'false']);
      expect(row[10]).toBe('N/A');
    },
  );
});
