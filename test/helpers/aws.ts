import { SignatureV4 } from '@smithy/signature-v4';

/** SHA-256 / HMAC-SHA256 on WebCrypto, in the shape smithy's signer expects (runs in workerd and Node). */
export class WebCryptoSha256 {
  private chunks: Uint8Array[] = [];
  private readonly secret?: Uint8Array;

  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    if (secret !== undefined) this.secret = bytes(secret);
  }

  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.chunks.push(bytes(data));
  }

  async digest(): Promise<Uint8Array> {
    const data = new Uint8Array(this.chunks.reduce((n, c) => n + c.byteLength, 0));
    let offset = 0;
    for (const c of this.chunks) {
      data.set(c, offset);
      offset += c.byteLength;
    }
    if (this.secret === undefined)
      return new Uint8Array(await crypto.subtle.digest('SHA-256', data));
    const key = await crypto.subtle.importKey(
      'raw',
      this.secret,
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    return new Uint8Array(await crypto.subtle.sign('HMAC', key, data));
  }

  reset(): void {
    this.chunks = [];
  }
}

function bytes(data: string | ArrayBuffer | ArrayBufferView): Uint8Array {
  if (typeof data === 'string') return new TextEncoder().encode(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export const DEMO_ADMIN: Credentials = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};
export const DEMO_ACCOUNT = '123456789012';

export interface SignOptions {
  service?: 'sts' | 'iam';
  region?: string;
  url?: string;
  signingDate?: Date;
  headers?: Record<string, string>;
}

/** Builds a query-protocol POST like the AWS CLI does and signs it with smithy's SigV4 signer. */
export async function signedRequest(
  params: Record<string, string>,
  credentials: Credentials,
  options: SignOptions = {},
): Promise<Request> {
  const service = options.service ?? 'sts';
  const version = service === 'sts' ? '2011-06-15' : '2010-05-08';
  const url = new URL(options.url ?? 'http://127.0.0.1:8787/');
  const body = new URLSearchParams({ Version: version, ...params }).toString();
  const signer = new SignatureV4({
    service,
    region: options.region ?? 'us-east-1',
    credentials,
    sha256: WebCryptoSha256,
  });
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname,
      query: {},
      headers: {
        host: url.host,
        'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
        ...options.headers,
      },
      body,
    },
    { signingDate: options.signingDate },
  );
  return new Request(url, { method: 'POST', headers: signed.headers, body });
}

/**
 * The headers of a POST of `body` to `url`, SigV4-signed (header authentication) with smithy's
 * signer, as the AWS SDKs, aws4fetch or curl --aws-sigv4 send it: `host` plus the given headers.
 */
export async function signedPostHeaders(options: {
  url: URL;
  body: string;
  headers: Record<string, string>;
  credentials: Credentials;
  service: string;
  region?: string;
}): Promise<Record<string, string>> {
  const { url } = options;
  const signer = new SignatureV4({
    service: options.service,
    region: options.region ?? 'us-east-1',
    credentials: options.credentials,
    sha256: WebCryptoSha256,
  });
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: url.pathname,
    query: {},
    headers: { host: url.host, ...options.headers },
    body: options.body,
  });
  return signed.headers;
}

/**
 * The query of a `GET http://127.0.0.1:8787/` presigned with the demo admin's keys (query-string
 * authentication): the given parameters plus the X-Amz-* ones.
 */
export async function presignedQuery(options: {
  service: 'sts' | 'iam';
  query: Record<string, string>;
  expiresIn: number;
  signingDate?: Date;
}): Promise<Record<string, string>> {
  const signer = new SignatureV4({
    service: options.service,
    region: 'us-east-1',
    credentials: DEMO_ADMIN,
    sha256: WebCryptoSha256,
  });
  const signed = await signer.presign(
    {
      method: 'GET',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 8787,
      path: '/',
      query: options.query,
      headers: { host: '127.0.0.1:8787' },
    },
    { expiresIn: options.expiresIn, signingDate: options.signingDate },
  );
  return signed.query as Record<string, string>;
}

/** A query string in the signer's own encoding: `+` is %2B, a space %20. */
export function signerEncoded(query: Record<string, string>): string {
  return Object.entries(query)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
}

/** The text of one XML element (first occurrence); enough for reading query-protocol responses in tests. */
export function xmlText(xml: string, name: string): string | undefined {
  const m = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml);
  return m?.[1];
}
