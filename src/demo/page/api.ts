/**
 * The page's server calls. Its sandbox comes from `POST /demo/v1/sandbox` (cookie-bound); everything
 * else is the public STS/IAM query API, signed in the browser with SigV4 (aws4fetch) with the
 * sandbox's own keys: the page does exactly what the CLI commands it shows do, and the server has no
 * demo-only way to change an account.
 */
import { AwsClient } from 'aws4fetch';

export interface Principal {
  name: string;
  arn: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface Sandbox {
  account: string;
  partnerAccount: string;
  expiresAt: string;
  role: string;
  principals: Principal[];
}

export interface Keys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export type ApiResult =
  | { ok: true; xml: Document; text: string }
  | { ok: false; status: number; code: string; message: string; text: string };

export class PageError extends Error {
  /** Seconds the server asked to wait (Retry-After of a 429), when it did. */
  retryAfter?: number;
}

/** The browser's sandbox (the cookie's), or a new one; `fresh`: a new one whatever the cookie names. */
export async function loadSandbox(fresh = false): Promise<Sandbox> {
  const res = await fetch(`/demo/v1/sandbox${fresh ? '?fresh=true' : ''}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
    credentials: 'same-origin',
  });
  const body = (await res.json().catch(() => null)) as
    (Sandbox & { error?: undefined }) | { error: { code: string; message: string } } | null;
  if (!res.ok || !body || body.error) {
    const error = new PageError(
      body?.error?.message ?? `The sandbox could not be prepared (HTTP ${res.status}).`,
    );
    const wait = Number(res.headers.get('retry-after'));
    if (res.status === 429 && Number.isInteger(wait) && wait > 0) error.retryAfter = wait;
    throw error;
  }
  return body as Sandbox;
}

const first = (doc: Document, tag: string) => doc.getElementsByTagName(tag)[0]?.textContent ?? '';

/** A query API answer: the parsed XML, or AWS's error code and message from its error document. */
async function resultOf(res: Response): Promise<ApiResult> {
  const text = await res.text();
  const xml = new DOMParser().parseFromString(text, 'application/xml');
  if (res.ok) return { ok: true, xml, text };
  return {
    ok: false,
    status: res.status,
    code: first(xml, 'Code') || `HTTP ${res.status}`,
    message: first(xml, 'Message') || text.slice(0, 300),
    text,
  };
}

/** One query API call (Action + parameters), signed for `service` with `keys`. */
export async function call(
  service: 'sts' | 'iam',
  keys: Keys,
  params: Record<string, string>,
): Promise<ApiResult> {
  const client = new AwsClient({ ...keys, service, region: 'us-east-1', retries: 0 });
  const version = service === 'sts' ? '2011-06-15' : '2010-05-08';
  const res = await client.fetch(new URL('/', location.href).href, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: new URLSearchParams({ ...params, Version: version }).toString(),
  });
  return resultOf(res);
}

export interface Credentials extends Keys {
  sessionToken: string;
  expiration: string;
  assumedRoleArn: string;
  assumedRoleId: string;
}

/** The credentials and assumed-role user of an AssumeRole answer. */
export function credentialsOf(xml: Document): Credentials {
  return {
    accessKeyId: first(xml, 'AccessKeyId'),
    secretAccessKey: first(xml, 'SecretAccessKey'),
    sessionToken: first(xml, 'SessionToken'),
    expiration: first(xml, 'Expiration'),
    assumedRoleArn: first(xml, 'Arn'),
    assumedRoleId: first(xml, 'AssumedRoleId'),
  };
}

/** An unsigned query API call (AssumeRoleWithWebIdentity authenticates by its token). */
export async function callUnsigned(params: Record<string, string>): Promise<ApiResult> {
  const res = await fetch('/', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: new URLSearchParams({ ...params, Version: '2011-06-15' }).toString(),
  });
  return resultOf(res);
}

/**
 * A GitHub Actions OIDC token from the sandbox's test issuer (docs/web-identity.md), minted with
 * GitHub's issuer (the sandbox's GitHub provider is served by the test issuer) and the claims given.
 */
export async function mintGithubToken(
  admin: Keys,
  account: string,
  claims: Record<string, unknown>,
  audience: string,
): Promise<{ ok: true; token: string } | { ok: false; code: string; message: string }> {
  const client = new AwsClient({ ...admin, service: 'sts', region: 'us-east-1', retries: 0 });
  const res = await client.fetch(new URL(`/oidc/${account}/token`, location.href).href, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      issuer: 'https://token.actions.githubusercontent.com',
      claims,
      audience,
    }),
  });
  const body = (await res.json().catch(() => null)) as {
    token?: string;
    error?: { code: string; message: string };
  } | null;
  if (res.ok && body?.token) return { ok: true, token: body.token };
  return {
    ok: false,
    code: body?.error?.code ?? `HTTP ${res.status}`,
    message: body?.error?.message ?? 'The test issuer refused to mint a token.',
  };
}

/** POST /v1/simulate: the server's decision for requests no key of the sandbox can sign. */
export async function simulateOnServer(body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch('/v1/simulate', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await res.json()) as Record<string, unknown>;
}
