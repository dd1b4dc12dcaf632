import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { worker } from '../../src/app.ts';
import { AwsError } from '../../src/protocol/errors.ts';
import { adminRoutes } from '../../src/routes/admin.ts';
import { readBody } from '../../src/routes/body.ts';
import { DEMO_ACCOUNT, DEMO_ADMIN, signedPostHeaders } from '../helpers/aws.ts';

/** A body whose stream fails after `first` (as workerd's does on malformed chunked framing). */
function failingBody(first = 'Action=GetCallerIdentity'): ReadableStream<Uint8Array> {
  let sent = false;
  return new ReadableStream({
    pull(controller) {
      if (sent) return controller.error(new Error('Network connection lost.'));
      sent = true;
      controller.enqueue(new TextEncoder().encode(first));
    },
  });
}

function post(url: string, headers: Record<string, string>): Request {
  return new Request(url, { method: 'POST', headers, body: failingBody() });
}

// The Worker's handler in this isolate: a stream failing here reaches the route as it fails at the
// socket (through a service binding the runtime would end it early instead).
const fetchWorker = (request: Request) => worker.fetch(request, env);

describe('a request body that cannot be read in full', () => {
  it('readBody throws IncompleteBody (400), with or without a Content-Length', async () => {
    for (const headers of [{}, { 'content-length': '100' }] as Record<string, string>[]) {
      const error = await readBody(post('http://x/', headers), 1024).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AwsError);
      expect((error as AwsError).code).toBe('IncompleteBody');
      expect((error as AwsError).status).toBe(400);
    }
  });

  it('a body that stops arriving is 400 RequestTimeout at the deadline, not held open', async () => {
    for (const headers of [{}, { 'content-length': '100' }] as Record<string, string>[]) {
      // Its first bytes, then nothing, as a client that declared more than it sends.
      let sent = false;
      const stalled = new ReadableStream<Uint8Array>({
        pull(controller): Promise<void> {
          if (sent) return new Promise<void>(() => {});
          sent = true;
          controller.enqueue(new TextEncoder().encode('Action='));
          return Promise.resolve();
        },
      });
      const req = new Request('http://x/', { method: 'POST', headers, body: stalled });
      const started = Date.now();
      const error = await readBody(req, 1024, 50).catch((e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(error).toBeInstanceOf(AwsError);
      expect((error as AwsError).code).toBe('RequestTimeout');
      expect((error as AwsError).status).toBe(400);
    }
  });

  it('the query API answers it in its XML envelope, not a 500', async () => {
    const res = await fetchWorker(
      post('http://127.0.0.1:8787/', { 'content-type': 'application/x-www-form-urlencoded' }),
    );
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('<Code>IncompleteBody</Code>');
  });

  it.each(['/v1/simulate', '/access/v1/evaluation', '/oidc/123456789012/token'])(
    'POST %s answers a JSON 400',
    async (path) => {
      const res = await fetchWorker(
        post(`http://127.0.0.1:8787${path}`, { 'content-type': 'application/json' }),
      );
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('IncompleteBody');
    },
  );

  it('the admin routes read a bounded body: a chunked one past 1 MiB is 413 before it ends', async () => {
    const token = 'body-test-token';
    // 4 MiB in 64 KiB chunks: read whole, it would be pulled to its end.
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (++pulled > 64) return controller.close();
        controller.enqueue(new Uint8Array(64 * 1024).fill(0x20));
      },
    });
    const res = await adminRoutes.request(
      '/apply',
      {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: endless,
      },
      { ...env, ADMIN_TOKEN: token },
    );
    expect(res.status).toBe(413);
    expect(pulled).toBeLessThan(32);
  });
});

describe('JSON bodies that are not UTF-8 are refused, never read with replacement characters', () => {
  // `~` in the JSON text becomes the byte 0xFF, not UTF-8: read leniently it would be U+FFFD.
  const bytes = (text: string) => {
    const [head, tail] = text.split('~');
    return new Uint8Array([
      ...new TextEncoder().encode(head),
      0xff,
      ...new TextEncoder().encode(tail),
    ]);
  };

  it('POST /v1/simulate: 400 MalformedRequest', async () => {
    const body = bytes(
      JSON.stringify({
        request: {
          principal: 'arn:aws:iam::111122223333:user/alice',
          action: 's3:GetObject',
          resource: 'arn:aws:s3:::b/k',
          context: { 'aws:username': 'a~b' },
        },
      }),
    );
    const res = await fetchWorker(
      new Request('http://127.0.0.1:8787/v1/simulate', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      }),
    );
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('MalformedRequest');
  });

  it('POST /oidc/<account>/token (signed): 400', async () => {
    const url = new URL(`/oidc/${DEMO_ACCOUNT}/token`, 'http://127.0.0.1:8787');
    const body = bytes(JSON.stringify({ claims: { sub: 'a~b' } }));
    const headers = await signedPostHeaders({
      url,
      // The signer hashes bytes as they are.
      body: body as unknown as string,
      headers: { 'content-type': 'application/json' },
      credentials: DEMO_ADMIN,
      service: 'sts',
    });
    const res = await fetchWorker(new Request(url, { method: 'POST', headers, body }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('ValidationError');
  });

  it('POST /admin/v1/sessions/revoke: 400 InvalidJson', async () => {
    const token = 'body-test-token';
    const res = await adminRoutes.request(
      '/sessions/revoke',
      {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: bytes(JSON.stringify({ sessionToken: 'a~b' })),
      },
      { ...env, ADMIN_TOKEN: token },
    );
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('InvalidJson');
  });
});
