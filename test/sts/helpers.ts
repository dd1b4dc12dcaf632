import { exports } from 'cloudflare:workers';
import { expect } from 'vitest';
import {
  DEMO_ADMIN,
  signedRequest,
  xmlText,
  type Credentials,
  type SignOptions,
} from '../helpers/aws.ts';

export interface Answer {
  status: number;
  body: string;
  code?: string;
  message?: string;
}

/** Sends one signed STS/IAM query request to the Worker under test. */
export async function call(
  params: Record<string, string>,
  credentials: Credentials = DEMO_ADMIN,
  options: SignOptions = {},
): Promise<Answer> {
  const res = await exports.default.fetch(await signedRequest(params, credentials, options));
  const body = await res.text();
  return {
    status: res.status,
    body,
    code: xmlText(body, 'Code'),
    message: xmlText(body, 'Message'),
  };
}

export async function assumeRole(
  params: Record<string, string>,
  credentials: Credentials = DEMO_ADMIN,
): Promise<Credentials & { answer: Answer }> {
  const answer = await call({ Action: 'AssumeRole', ...params }, credentials);
  expect(answer.status, answer.body).toBe(200);
  return {
    accessKeyId: xmlText(answer.body, 'AccessKeyId')!,
    secretAccessKey: xmlText(answer.body, 'SecretAccessKey')!,
    sessionToken: xmlText(answer.body, 'SessionToken')!,
    answer,
  };
}

export const role = (name: string) => `arn:aws:iam::123456789012:role/${name}`;
