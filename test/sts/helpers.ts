import { expect } from 'vitest';
import { DEMO_ADMIN, xmlText, type Credentials } from '../helpers/aws.ts';
import { call, type Answer } from '../helpers/worker.ts';

export { call, type Answer } from '../helpers/worker.ts';

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
