import { exports } from 'cloudflare:workers';
import { DEMO_ADMIN, signedRequest, xmlText, type Credentials, type SignOptions } from './aws.ts';

export interface Answer {
  status: number;
  body: string;
  code?: string;
  message?: string;
}

/** Sends one SigV4-signed query request (STS by default) to the Worker under test, as the AWS CLI would. */
export async function call(
  params: Record<string, string>,
  credentials: Credentials = DEMO_ADMIN,
  options: SignOptions = {},
): Promise<Answer> {
  return answer(await signedRequest(params, credentials, options));
}

/** Sends a request to the Worker under test and reads its answer (the AWS error's code and message, if any). */
export async function answer(request: Request): Promise<Answer> {
  const res = await exports.default.fetch(request);
  const body = await res.text();
  return {
    status: res.status,
    body,
    code: xmlText(body, 'Code'),
    message: xmlText(body, 'Message'),
  };
}
