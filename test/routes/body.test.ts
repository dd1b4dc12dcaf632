import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { worker } from '../../src/app.ts';
import { AwsError } from '../../src/protocol/errors.ts';
import { adminRoutes } from '../../src/routes/admin.ts';
import { readBody } from '../../src/routes/body.ts';

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
