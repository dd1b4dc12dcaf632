import { env, exports } from 'cloudflare:workers';
import { call, type Answer } from '../helpers/worker.ts';
import type { Credentials } from '../helpers/aws.ts';

export interface SandboxAnswer {
  account: string;
  partnerAccount: string;
  expiresAt: string;
  role: string;
  principals: Array<{ name: string; arn: string; accessKeyId: string; secretAccessKey: string }>;
}

let ipCounter = 0;
/** A distinct client address per call site, so tests do not share rate-limit buckets. */
export const freshIp = () => `198.51.100.${++ipCounter % 250}-${crypto.randomUUID().slice(0, 8)}`;

/** POST /demo/v1/sandbox as the page sends it (`query`: `?fresh=true` for "Start over"). */
export function sandboxRequest(
  headers: Record<string, string> = {},
  ip = freshIp(),
  query = '',
): Promise<Response> {
  return exports.default.fetch(
    new Request(`http://127.0.0.1:8787/demo/v1/sandbox${query}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'sec-fetch-site': 'same-origin',
        'cf-connecting-ip': ip,
        ...headers,
      },
      body: '{}',
    }),
  );
}

export interface Visitor {
  sandbox: SandboxAnswer;
  cookie: string;
  key(name: string): Credentials;
}

/** A new visitor: a sandbox and the cookie that names it. */
export async function visitor(): Promise<Visitor> {
  const res = await sandboxRequest();
  if (res.status !== 201) throw new Error(`sandbox: ${res.status} ${await res.text()}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
  const sandbox = (await res.json()) as SandboxAnswer;
  return {
    sandbox,
    cookie,
    key(name) {
      const p = sandbox.principals.find((x) => x.name === name);
      if (!p) throw new Error(`no ${name}`);
      return { accessKeyId: p.accessKeyId, secretAccessKey: p.secretAccessKey };
    },
  };
}

export const iam = (params: Record<string, string>, who: Credentials): Promise<Answer> =>
  call(params, who, { service: 'iam' });
export const sts = (params: Record<string, string>, who: Credentials): Promise<Answer> =>
  call(params, who);

export { env };
