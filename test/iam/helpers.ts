import { env } from 'cloudflare:workers';
import { expect } from 'vitest';
import { applySeed } from '../../src/seed/apply.ts';
import { seedSchema } from '../../src/seed/schema.ts';
import type { Caller } from '../../src/caller/types.ts';
import type { Env } from '../../src/env.ts';
import type { OperationContext } from '../../src/operation.ts';
import { QueryParams } from '../../src/protocol/query.ts';
import { KvIamStore } from '../../src/store/kv.ts';
import type { IamStore, UserRecord } from '../../src/store/types.ts';
import { DEMO_ADMIN, xmlText, type Credentials } from '../helpers/aws.ts';
import { call, type Answer } from '../helpers/worker.ts';

export type { Answer };

export const ACCOUNT = '123456789012';

/** One IAM query call, signed with the given credentials (the demo admin by default). */
export function iam(
  params: Record<string, string>,
  credentials: Credentials = DEMO_ADMIN,
): Promise<Answer> {
  return call(params, credentials, { service: 'iam' });
}

/** A call that must succeed; returns the response body. */
export async function ok(
  params: Record<string, string>,
  credentials?: Credentials,
): Promise<string> {
  const a = await iam(params, credentials);
  expect(a.status, a.body).toBe(200);
  return a.body;
}

/** A call that must fail with this HTTP status and AWS error code; returns the answer. */
export async function fails(
  params: Record<string, string>,
  status: number,
  code: string,
  credentials?: Credentials,
): Promise<Answer> {
  const a = await iam(params, credentials);
  expect({ status: a.status, code: a.code }, a.body).toEqual({ status, code });
  return a;
}

/** Every value of an element, in document order. */
export function xmlAll(xml: string, name: string): string[] {
  return [...xml.matchAll(new RegExp(`<${name}>([\\s\\S]*?)</${name}>`, 'g'))].map((m) => m[1]!);
}

export const decodeXml = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** A name unique to this test run (KV state persists between tests of one file). */
let counter = 0;
export const unique = (base: string) =>
  `${base}-${Date.now().toString(36)}${(counter++).toString(36)}`;

export const TRUST_EC2 = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
});

export const doc = (statement: object | object[]) =>
  JSON.stringify({ Version: '2012-10-17', Statement: statement });

export const S3_READ = doc([{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }]);

/** Creates a user with an inline policy and an access key, through the API; returns its credentials. */
export async function userWithKey(
  policy: string,
  name = unique('user'),
): Promise<Credentials & { userName: string }> {
  await ok({ Action: 'CreateUser', UserName: name });
  await ok({ Action: 'PutUserPolicy', UserName: name, PolicyName: 'p', PolicyDocument: policy });
  const body = await ok({ Action: 'CreateAccessKey', UserName: name });
  return {
    accessKeyId: xmlText(body, 'AccessKeyId')!,
    secretAccessKey: xmlText(body, 'SecretAccessKey')!,
    userName: name,
  };
}

export { xmlText };

/** Temporary credentials from an STS call (GetSessionToken, AssumeRole, ...) that must succeed. */
export async function stsSession(
  params: Record<string, string>,
  credentials: Credentials,
): Promise<Credentials> {
  const { status, body } = await call(params, credentials);
  expect(status, body).toBe(200);
  return {
    accessKeyId: xmlText(body, 'AccessKeyId')!,
    secretAccessKey: xmlText(body, 'SecretAccessKey')!,
    sessionToken: xmlText(body, 'SessionToken')!,
  };
}

/**
 * What an IAM operation is run with when a test calls it directly (not over HTTP): `env`'s store
 * (the counting one of countingEnv, say), these parameters, a signed-request's info.
 */
export function directContext(
  testEnv: Env,
  params: Record<string, string> = {},
  store: IamStore = new KvIamStore(testEnv.IAM),
): OperationContext {
  return {
    env: testEnv,
    store,
    params: QueryParams.fromPairs(Object.entries(params)),
    info: {
      requestId: 'r',
      now: Date.now(),
      service: 'iam',
      region: 'us-east-1',
      secureTransport: true,
    },
  };
}

/** The caller an IAM user of `account` is when it signs with a long-term key. */
export function userCaller(account: string, user: UserRecord, accessKeyId = 'AKIA'): Caller {
  return { kind: 'User', account, arn: user.arn, userId: user.id, accessKeyId, user };
}

/** Applies a seed document of these accounts (docs/seeding.md) to the test IAM state. */
export async function seedAccounts(accounts: unknown[]): Promise<void> {
  await applySeed(env, new KvIamStore(env.IAM), seedSchema.parse({ accounts }), Date.now());
}

/** An account id of `prefix` (8 digits) and 4 random ones, so that runs and suites do not meet. */
export function testAccount(prefix: string): string {
  return prefix + String(Math.floor(Math.random() * 9000) + 1000);
}

/** Seeds another account whose user `admin` (allowed everything) signs with `credentials`. */
export async function seedAccountAdmin(account: string, credentials: Credentials): Promise<void> {
  const all = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
  };
  await seedAccounts([
    {
      id: account,
      users: [{ name: 'admin', inlinePolicies: { all }, accessKeys: [credentials] }],
    },
  ]);
}
