import { SignatureV4 } from '@smithy/signature-v4';
import type { HttpRequest } from '@smithy/types';
import { AwsError } from '../../src/protocol/errors.ts';
import type { SigV4Input } from '../../src/auth/sigv4.ts';

type Bytes = Uint8Array<ArrayBuffer>;

const encoder = new TextEncoder();
function bytes(data: string | ArrayBuffer | ArrayBufferView): Bytes {
  if (typeof data === 'string') return new Uint8Array(encoder.encode(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data.slice(0));
  const copy = new Uint8Array(data.byteLength);
  copy.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return copy;
}

/** The SHA-256 / HMAC-SHA-256 hash smithy's signer expects, on Web Crypto (workerd has no node:crypto hashes we want to depend on). */
export class WebSha256 {
  private readonly secret?: Bytes;
  private chunks: Bytes[] = [];
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    if (secret !== undefined) this.secret = bytes(secret);
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.chunks.push(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    const total = new Uint8Array(this.chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of this.chunks) {
      total.set(c, at);
      at += c.length;
    }
    if (this.secret === undefined)
      return new Uint8Array(await crypto.subtle.digest('SHA-256', total));
    const key = await crypto.subtle.importKey(
      'raw',
      this.secret.length ? this.secret : new Uint8Array(64),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    return new Uint8Array(await crypto.subtle.sign('HMAC', key, total));
  }
  reset(): void {
    this.chunks = [];
  }
}

export function awsEncode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

export interface Shape {
  method?: string;
  host?: string;
  path?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
}

export interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

function smithyRequest(shape: Shape) {
  const host = shape.host ?? 'sts.amazonaws.com';
  const [hostname, port] = host.split(':');
  return {
    method: shape.method ?? 'POST',
    protocol: port ? 'http:' : 'https:',
    hostname,
    port: port ? Number(port) : undefined,
    path: shape.path ?? '/',
    query: shape.query ?? {},
    headers: { host, ...(shape.headers ?? {}) },
    body: shape.body,
  };
}

function toInput(req: HttpRequest, body: string | undefined): SigV4Input {
  const qs = Object.entries(req.query ?? {})
    .flatMap(([k, v]) =>
      (Array.isArray(v) ? v : [v ?? '']).map(String).map((x) => `${awsEncode(k)}=${awsEncode(x)}`),
    )
    .join('&');
  const path = req.path
    .split('/')
    .map((s) => awsEncode(s))
    .join('/');
  const port = req.port ? `:${req.port}` : '';
  return {
    method: req.method,
    url: `${req.protocol}//${req.hostname}${port}${path}${qs ? `?${qs}` : ''}`,
    headers: new Headers(req.headers),
    body: bytes(body ?? ''),
  };
}

/** Signs a request shape with AWS's own JS signer (the one the JS SDK uses) and returns it as the Worker would see it. */
export async function signWithSmithy(
  shape: Shape,
  creds: Creds,
  opts: { region?: string; service?: string; date: Date },
): Promise<SigV4Input> {
  const signer = new SignatureV4({
    credentials: creds,
    region: opts.region ?? 'us-east-1',
    service: opts.service ?? 'sts',
    sha256: WebSha256,
  });
  const signed = await signer.sign(smithyRequest(shape), { signingDate: opts.date });
  return toInput(signed, shape.body);
}

/** A presigned URL from AWS's own JS signer. */
export async function presignWithSmithy(
  shape: Shape,
  creds: Creds,
  opts: { region?: string; service?: string; date: Date; expiresIn?: number },
): Promise<SigV4Input> {
  const signer = new SignatureV4({
    credentials: creds,
    region: opts.region ?? 'us-east-1',
    service: opts.service ?? 'sts',
    sha256: WebSha256,
  });
  const signed = await signer.presign(smithyRequest(shape), {
    signingDate: opts.date,
    expiresIn: opts.expiresIn ?? 900,
  });
  return toInput(signed, shape.body);
}

/** Runs `fn` and returns the AwsError it throws (fails the test when it does not throw one). */
export async function awsErrorOf(fn: () => unknown): Promise<AwsError> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof AwsError) return e;
    throw e;
  }
  throw new Error('expected an AwsError, but nothing was thrown');
}

export function withHeader(req: SigV4Input, name: string, value: string | null): SigV4Input {
  const headers = new Headers(req.headers);
  if (value === null) headers.delete(name);
  else headers.set(name, value);
  return { ...req, headers };
}
