import { toBase64, utf8 } from '../../auth/encoding.ts';
import type { Caller } from '../../caller/types.ts';
import type { OperationContext } from '../../operation.ts';
import { AwsError } from '../../protocol/errors.ts';
import { isoSeconds, type XmlObject } from '../../protocol/xml.ts';
import { lastUses, type LastUse } from '../../store/last-used.ts';
import type { AccessKeyRecord } from '../../store/types.ts';
import { authorizeIam } from '../common/authorize.ts';
import { forEachEntity } from '../common/paging.ts';

/**
 * Credential reports (IAM User Guide, "Generate credential reports for your AWS account"; IAM API
 * Reference: GenerateCredentialReport, GetCredentialReport): a CSV of every user of the account and
 * the state of its credentials, as security scanners read it. A report is generated at most once
 * every four hours; GenerateCredentialReport within four hours of the last one answers COMPLETE and
 * keeps it, later ones generate a new one. rolecall generates the report within the call, so it is
 * ready for GetCredentialReport at once (the first call still answers STARTED, as IAM does for an
 * account without a report). GetCredentialReport answers the report as a base64 blob, ReportNotPresent
 * before the first and ReportExpired once it is four hours old.
 *
 * rolecall keeps no console passwords or signing certificates, and its accounts have no root user
 * that signs in: the `<root_account>` row IAM always writes first is there with no credentials (as
 * GetAccountSummary's AccountMFAEnabled and AccountAccessKeysPresent are 0), users' password and
 * certificate columns are `false` / `N/A`. Access keys are listed in creation order with their
 * last use as rolecall tracks it (docs/sts-iam.md, Last use).
 */
const REPORT_LIFETIME_MS = 4 * 3600_000;

const COLUMNS = [
  'user',
  'arn',
  'user_creation_time',
  'password_enabled',
  'password_last_used',
  'password_last_changed',
  'password_next_rotation',
  'mfa_active',
  ...[1, 2].flatMap((n) =>
    ['active', 'last_rotated', 'last_used_date', 'last_used_region', 'last_used_service'].map(
      (c) => `access_key_${n}_${c}`,
    ),
  ),
  'cert_1_active',
  'cert_1_last_rotated',
  'cert_2_active',
  'cert_2_last_rotated',
];

/** ISO 8601 with an explicit offset, as the report writes times (`2026-01-02T03:04:05+00:00`). */
const reportTime = (ms: number) => isoSeconds(ms).replace(/Z$/, '+00:00');

const NO_CERTIFICATES = ['false', 'N/A', 'false', 'N/A'];

export async function generateCredentialReport(
  ctx: OperationContext,
  caller: Caller,
): Promise<XmlObject> {
  await authorizeIam(ctx, caller, 'iam:GenerateCredentialReport', '*');
  const account = caller.account;
  const now = ctx.info.now;
  const last = await ctx.store.credentialReport(account);
  if (last !== null && now - last.generatedAt < REPORT_LIFETIME_MS) return { State: 'COMPLETE' };
  await ctx.store.putCredentialReport(account, {
    generatedAt: now,
    csv: await report(ctx, account),
  });
  return last === null
    ? { State: 'STARTED', Description: 'No report exists. Starting a new report generation task' }
    : { State: 'STARTED' };
}

export async function getCredentialReport(
  ctx: OperationContext,
  caller: Caller,
): Promise<XmlObject> {
  await authorizeIam(ctx, caller, 'iam:GetCredentialReport', '*');
  const last = await ctx.store.credentialReport(caller.account);
  if (last === null) {
    throw new AwsError(
      'ReportNotPresent',
      'The credential report does not exist. To generate a credential report, use GenerateCredentialReport.',
      410,
    );
  }
  if (ctx.info.now - last.generatedAt >= REPORT_LIFETIME_MS) {
    throw new AwsError(
      'ReportExpired',
      'The most recent credential report has expired. To generate a new credential report, use GenerateCredentialReport.',
      410,
    );
  }
  return {
    Content: toBase64(utf8(last.csv)),
    ReportFormat: 'text/csv',
    GeneratedTime: isoSeconds(last.generatedAt),
  };
}

/**
 * The report's CSV: the header, the root row, then one row per user in name order. Its KV
 * operations are bounded whatever the account holds (a Worker invocation may make 1,000): the users
 * a page of records at a time (only their rows are kept), every access key of the account from one
 * listing of the key index and bulk reads, and their last uses in bulk reads too. Read user by user
 * (a listing, a read per key and per last use), 300 users took more than 1,000 operations.
 */
async function report(ctx: OperationContext, account: string): Promise<string> {
  const { store } = ctx;
  const created = (await store.getAccount(account))?.createDate ?? ctx.info.now;
  const rows = [
    COLUMNS,
    [
      '<root_account>',
      `arn:aws:iam::${account}:root`,
      reportTime(created),
      'not_supported',
      'no_information',
      'not_supported',
      'not_supported',
      'false',
      ...noKey(),
      ...noKey(),
      ...NO_CERTIFICATES,
    ],
  ];
  const keysByUser = await store.accessKeysByUser(account);
  const users: Array<{
    name: string;
    arn: string;
    created: number;
    mfa: boolean;
    keys: AccessKeyRecord[];
  }> = [];
  await forEachEntity(store, account, 'user', (u) => {
    const keys = (keysByUser.get(u.name.toLowerCase()) ?? [])
      .sort((a, b) => a.createDate - b.createDate)
      .slice(0, 2);
    users.push({
      name: u.name,
      arn: u.arn,
      created: u.createDate,
      mfa: (u.mfaDevices ?? []).length > 0,
      keys,
    });
  });
  const used = await lastUses(
    ctx.env.IAM,
    account,
    users.flatMap((u) => u.keys.map((k) => k.accessKeyId)),
  );
  for (const u of users) {
    rows.push([
      u.name,
      u.arn,
      reportTime(u.created),
      'false',
      'N/A',
      'N/A',
      'N/A',
      String(u.mfa),
      ...keyColumns(u.keys[0], used),
      ...keyColumns(u.keys[1], used),
      ...NO_CERTIFICATES,
    ]);
  }
  return rows.map((r) => r.map(csvField).join(',')).join('\n');
}

/** RFC 4180: a field with a comma or a quote (IAM names and paths may hold both) is quoted. */
const csvField = (f: string) => (/[",\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f);

function noKey(): string[] {
  return ['false', 'N/A', 'N/A', 'N/A', 'N/A'];
}

function keyColumns(key: AccessKeyRecord | undefined, used: Map<string, LastUse>): string[] {
  if (key === undefined) return noKey();
  const use = used.get(key.accessKeyId);
  return [
    String(key.status === 'Active'),
    reportTime(key.createDate),
    use ? reportTime(use.date) : 'N/A',
    use?.region ?? 'N/A',
    use?.service ?? 'N/A',
  ];
}
