import { exports } from 'cloudflare:workers';
import { DEMO_ACCOUNT, DEMO_ADMIN, signedPostHeaders, type Credentials } from '../helpers/aws.ts';
import { call } from '../helpers/worker.ts';

export const ORIGIN = 'http://127.0.0.1:8787';
export const ISSUER = `https://127.0.0.1:8787/oidc/${DEMO_ACCOUNT}`;
export const PROVIDER_ARN = `arn:aws:iam::${DEMO_ACCOUNT}:oidc-provider/127.0.0.1:8787/oidc/${DEMO_ACCOUNT}`;

/** A SigV4-signed JSON POST (credential scope `sts`), as aws4fetch or curl --aws-sigv4 would send it. */
export async function signedJson(
  path: string,
  body: unknown,
  credentials: Credentials = DEMO_ADMIN,
  service = 'sts',
): Promise<Response> {
  const url = new URL(path, ORIGIN);
  const text = JSON.stringify(body);
  const headers = await signedPostHeaders({
    url,
    body: text,
    headers: { 'content-type': 'application/json' },
    credentials,
    service,
  });
  return exports.default.fetch(new Request(url, { method: 'POST', headers, body: text }));
}

/** Mints a token from the demo account's test issuer. */
export async function mint(
  body: Record<string, unknown> = {},
  account = DEMO_ACCOUNT,
): Promise<string> {
  const res = await signedJson(`/oidc/${account}/token`, body);
  const json = (await res.json()) as { token?: string; error?: unknown };
  if (res.status !== 200 || !json.token)
    throw new Error(`mint failed ${res.status}: ${JSON.stringify(json)}`);
  return json.token;
}

/** An unsigned AssumeRoleWithWebIdentity, as the SDKs send it. */
export async function assumeWithToken(params: Record<string, string>) {
  const body = new URLSearchParams({
    Action: 'AssumeRoleWithWebIdentity',
    Version: '2011-06-15',
    RoleSessionName: 'ci',
    ...params,
  }).toString();
  const res = await exports.default.fetch(
    new Request(`${ORIGIN}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body,
    }),
  );
  const text = await res.text();
  const tag = (name: string) => new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(text)?.[1];
  return { status: res.status, body: text, code: tag('Code'), message: tag('Message'), tag };
}

/** Registers the demo account's own test issuer as an IAM OIDC provider (idempotent). */
export async function registerTestIssuer(clientIds = ['sts.amazonaws.com']): Promise<void> {
  const params: Record<string, string> = { Action: 'CreateOpenIDConnectProvider', Url: ISSUER };
  clientIds.forEach((id, i) => (params[`ClientIDList.member.${i + 1}`] = id));
  const res = await call(params, DEMO_ADMIN, { service: 'iam' });
  if (res.status !== 200 && res.code !== 'EntityAlreadyExists') throw new Error(res.body);
}

export async function createRole(name: string, trust: unknown): Promise<string> {
  const res = await call(
    {
      Action: 'CreateRole',
      RoleName: name,
      AssumeRolePolicyDocument: JSON.stringify(trust),
    },
    DEMO_ADMIN,
    { service: 'iam' },
  );
  if (res.status !== 200) throw new Error(res.body);
  return `arn:aws:iam::${DEMO_ACCOUNT}:role/${name}`;
}

export function trustFor(providerArn: string, conditions: Record<string, unknown> = {}) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: providerArn },
        Action: ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession', 'sts:SetSourceIdentity'],
        ...(Object.keys(conditions).length > 0 ? { Condition: conditions } : {}),
      },
    ],
  };
}
