import { exports } from 'cloudflare:workers';
import type { Answer } from '../../src/decisions/evaluate.ts';
import { DEMO_ADMIN, signedPostHeaders, type Credentials } from '../helpers/aws.ts';

/** Every shape the AuthZEN routes answer, as one type tests can read. */
export interface AnswerBody extends Partial<Answer> {
  evaluations?: Answer[];
  error?: { code: string; message: string };
  [extension: string]: unknown;
}

export interface JsonAnswer {
  status: number;
  headers: Headers;
  body: AnswerBody;
}

export interface SendOptions {
  credentials?: Credentials | null;
  service?: string;
  region?: string;
  headers?: Record<string, string>;
  /** Raw body text instead of JSON.stringify(body). */
  raw?: string;
  url?: string;
}

/** A JSON request to the Worker under test, SigV4-signed (service iam) with the AWS SDK's signer. */
export async function authzen(
  path: string,
  body: unknown,
  options: SendOptions = {},
): Promise<JsonAnswer> {
  const url = new URL(path, options.url ?? 'http://127.0.0.1:8787');
  const text = options.raw ?? JSON.stringify(body);
  let headers: Record<string, string> = {
    host: url.host,
    'content-type': 'application/json',
    ...options.headers,
  };
  const credentials = options.credentials === undefined ? DEMO_ADMIN : options.credentials;
  if (credentials !== null) {
    headers = await signedPostHeaders({
      url,
      body: text,
      headers,
      credentials,
      service: options.service ?? 'iam',
      region: options.region ?? 'us-east-1',
    });
  }
  const res = await exports.default.fetch(
    new Request(url, { method: 'POST', headers, body: text }),
  );
  const answer = await res.text();
  let parsed: AnswerBody;
  try {
    parsed = JSON.parse(answer) as AnswerBody;
  } catch {
    throw new Error(`not JSON (${res.status}): ${answer.slice(0, 300)}`);
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

export const evaluation = (body: unknown, options?: SendOptions) =>
  authzen('/access/v1/evaluation', body, options);
export const evaluations = (body: unknown, options?: SendOptions) =>
  authzen('/access/v1/evaluations', body, options);

export const user = (account: string, name: string, path = '/') => ({
  type: 'iam_principal',
  id: `arn:aws:iam::${account}:user${path}${name}`,
});
export const s3 = (key: string, properties?: object) => ({
  type: 'aws_resource',
  id: `arn:aws:s3:::${key}`,
  ...(properties ? { properties } : {}),
});

/**
 * The first request of a test file seeds the demo account, which can take seconds on a busy
 * machine: done once in beforeAll, with its own timeout, so no test pays for it.
 */
export async function seedDemo(): Promise<void> {
  await evaluation({
    subject: { type: 'iam_principal', id: 'arn:aws:iam::123456789012:user/admin' },
    action: { name: 's3:GetObject' },
    resource: s3('warm-up'),
  });
}
