import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { worker } from '../../src/app.ts';
import { FREE_BODIES, kindOf, MAX_CLIENT_BODY_BYTES } from '../../src/routes/limits.ts';
import {
  DEMO_ACCOUNT,
  DEMO_ADMIN,
  signedPostHeaders,
  signedRequest,
  xmlText,
} from '../helpers/aws.ts';
import { call } from '../helpers/worker.ts';
import { createRole, mint, PROVIDER_ARN, registerTestIssuer, trustFor } from '../oidc/helpers.ts';

// The limits of wrangler.toml (docs/security.md). Windows are fixed (aligned to the clock), so a
// client gets at least LIMIT and at most 2 x LIMIT (+1) before its first refusal.
const PUBLIC = 120;
const FAILURES = 60;
const ORIGIN = 'http://127.0.0.1:8787';

/**
 * A client address of its own per call site, so tests do not share buckets: an IPv6 address in a
 * /64 of its own (the limits count IPv6 clients by their /64, src/routes/client-ip.ts).
 */
const freshIp = () => {
  const b = crypto.getRandomValues(new Uint16Array(3));
  return `2001:db8:${b[0]!.toString(16)}:${b[1]!.toString(16)}::${b[2]!.toString(16)}`;
};

function from(ip: string, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('cf-connecting-ip', ip);
  return exports.default.fetch(new Request(ORIGIN + path, { ...init, headers }));
}

/** A signed query API call from `ip`. */
async function signed(
  ip: string,
  params: Record<string, string>,
  credentials = DEMO_ADMIN,
  service: 'sts' | 'iam' = 'sts',
) {
  return call(params, credentials, { service, headers: { 'cf-connecting-ip': ip } });
}

function unsignedWebIdentity(ip: string, roleArn: string, token: string, session = 'limits') {
  return from(ip, '/', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: new URLSearchParams({
      Action: 'AssumeRoleWithWebIdentity',
      Version: '2011-06-15',
      RoleArn: roleArn,
      RoleSessionName: session,
      WebIdentityToken: token,
    }).toString(),
  });
}

/** Whether an answer is a throttle: AWS's Throttling (query API) or a JSON 429. */
async function throttled(res: Response): Promise<boolean> {
  const text = await res.text();
  if (res.status === 429 && res.headers.get('content-type')?.startsWith('text/html')) {
    // The page: says what happened, and reloads itself once the window has passed.
    expect(text).toContain('Too many requests from your network address');
    const wait = Number(res.headers.get('retry-after'));
    expect(text).toContain(`<meta http-equiv="refresh" content="${wait}">`);
    expect(text).toContain(`reloads itself in ${wait} seconds`);
    return true;
  }
  if (res.status === 429) {
    expect(JSON.parse(text).error.code).toBe('ThrottlingException');
    const wait = Number(res.headers.get('retry-after'));
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(10);
    return true;
  }
  if (xmlText(text, 'Code') === 'Throttling') {
    expect(res.status).toBe(400);
    expect(xmlText(text, 'Message')).toBe('Rate exceeded');
    expect(xmlText(text, 'Type')).toBe('Sender');
    return true;
  }
  expect(res.status).toBeLessThan(500);
  return false;
}

/** Sends `requests` in turn until one is throttled; the index of that one (or -1). */
async function firstThrottle(cap: number, request: (i: number) => Promise<Response>) {
  for (let i = 0; i < cap; i++) {
    if (await throttled(await request(i))) return i;
  }
  return -1;
}

describe('request classes (kindOf)', () => {
  it.each([
    ['GET', '/', `${ORIGIN}/`, 'page'],
    ['GET', '/', `${ORIGIN}/?`, 'page'],
    ['HEAD', '/', `${ORIGIN}/`, 'page'],
    ['GET', '/', `${ORIGIN}/?Action=GetCallerIdentity`, 'query'],
    ['POST', '/', `${ORIGIN}/`, 'query'],
    ['GET', '/health', `${ORIGIN}/health`, 'public'],
    ['POST', '/v1/simulate', `${ORIGIN}/v1/simulate`, 'public'],
    ['GET', '/assets/app.js', `${ORIGIN}/assets/app.js`, 'public'],
    ['GET', '/assets/app.0123456789ab.js', '', 'bundle'],
    ['GET', '/assets/app.0123456789ab.css', '', 'bundle'],
    ['GET', '/assets/app.0123456789ab.js.br', '', 'public'],
    ['POST', '/assets/app.0123456789ab.js', '', 'public'],
    ['GET', '/.well-known/authzen-configuration', '', 'public'],
    ['GET', '/oidc/123456789012/.well-known/jwks.json', '', 'public'],
    ['GET', '/outbound/x/.well-known/openid-configuration', '', 'public'],
    ['GET', '/nowhere', '', 'public'],
    ['POST', '/access/v1/evaluation', '', 'credentialed'],
    ['POST', '/admin/v1/apply', '', 'credentialed'],
    ['POST', '/oidc/123456789012/token', '', 'credentialed'],
    ['POST', '/oidc/123456789012/keys/rotate', '', 'credentialed'],
    ['POST', '/oidc/123456789012/github/runner', '', 'credentialed'],
    ['GET', '/oidc/123456789012/github/token', '', 'credentialed'],
    ['POST', '/demo/v1/sandbox', '', 'own'],
    ['GET', '/demo/v1/sandbox', '', 'public'],
    ['POST', '/demo/v1/other', '', 'public'],
    // The router decodes percent-escapes: an escaped path is the route it reaches.
    ['POST', '/%61ccess/v1/evaluation', '', 'credentialed'],
    ['POST', '/%61dmin/v1/apply', '', 'credentialed'],
    ['POST', '/oidc/123456789012/%74oken', '', 'credentialed'],
    ['POST', '/demo/v1/%73andbox', '', 'own'],
    ['GET', '/%2F', `${ORIGIN}/%2F?Action=GetCallerIdentity`, 'public'],
  ])('%s %s (%s) is %s', (method, path, url, kind) => {
    expect(kindOf(method, url || ORIGIN + path)).toBe(kind);
  });
});

describe('requests without credentials share one per-client limit', { timeout: 60_000 }, () => {
  it('every public path counts; past the limit a JSON 429 with Retry-After', async () => {
    const ip = freshIp();
    const paths: Array<[string, RequestInit?]> = [
      ['/health'],
      ['/'],
      ['/assets/app.js'],
      ['/v1/simulate', { method: 'POST', headers: { 'content-type': 'application/json' } }],
      ['/.well-known/authzen-configuration'],
      [`/oidc/${DEMO_ACCOUNT}/.well-known/openid-configuration`],
      [`/oidc/${DEMO_ACCOUNT}/.well-known/jwks.json`],
      ['/outbound/nothing-here/.well-known/jwks.json'],
      ['/no/such/route'],
    ];
    const first = await firstThrottle(2 * PUBLIC + 2, (i) => {
      const [path, init] = paths[i % paths.length]!;
      return from(ip, path, init);
    });
    expect(first).toBeGreaterThanOrEqual(PUBLIC);
    // Signed calls are not public requests: the exhausted public budget does not concern them.
    expect((await signed(ip, { Action: 'GetCallerIdentity' })).status).toBe(200);
    // Another client is not concerned either.
    expect((await from(freshIp(), '/health')).status).toBe(200);
  });

  it('an IPv6 client is counted by its /64: another address of its network gets no fresh budget', async () => {
    const network = freshIp().replace(/::[0-9a-f]+$/, '');
    let host = 0;
    // Every request from another address of the same /64, as a client rotating addresses sends.
    const first = await firstThrottle(2 * PUBLIC + 2, () =>
      from(`${network}:${(++host).toString(16)}:0:0:1`, '/health'),
    );
    expect(first).toBeGreaterThanOrEqual(PUBLIC);
    expect(first).toBeLessThanOrEqual(2 * PUBLIC + 1);
    expect(await throttled(await from(`${network}::ffff:1`, '/health'))).toBe(true);
    // The next /64 is another client.
    const [a, b, c] = network.split(':');
    const next = `${a}:${b}:${c}:${(parseInt(network.split(':')[3]!, 16) ^ 1).toString(16)}::1`;
    expect((await from(next, '/health')).status).toBe(200);
  });

  it('past the limit the page says so and reloads itself; its bundle still loads', async () => {
    const ip = freshIp();
    expect(await firstThrottle(2 * PUBLIC + 2, () => from(ip, '/health'))).toBeGreaterThanOrEqual(
      PUBLIC,
    );
    const page = await from(ip, '/');
    expect(page.status).toBe(429);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await throttled(page)).toBe(true);
    // A page let through just before must get its script and stylesheet, or it would never start.
    const html = await (await exports.default.fetch(new Request(`${ORIGIN}/`))).text();
    const files = [...html.matchAll(/\/assets\/app\.[0-9a-f]{12}\.(?:js|css)/g)].map((m) => m[0]);
    expect(files).toHaveLength(2);
    for (const file of files) expect((await from(ip, file)).status).toBe(200);
    // Other names under /assets/ still count (404s cost nothing, but are not free either).
    expect(await throttled(await from(ip, '/assets/other.js'))).toBe(true);
  });

  it('RATE_LIMITS = "off" turns the limits off', async () => {
    const ip = freshIp();
    const off = { ...env, RATE_LIMITS: 'off' };
    for (let i = 0; i < 2 * PUBLIC + 2; i++) {
      const res: Response = await worker.fetch(
        new Request(`${ORIGIN}/health`, { headers: { 'cf-connecting-ip': ip } }),
        off,
      );
      expect(res.status).toBe(200);
    }
  });
});

describe('failed authentications share one per-client limit', { timeout: 60_000 }, () => {
  it('every credentialed route counts; past the limit the client is refused, valid keys too', async () => {
    const ip = freshIp();
    const wrongSecret = { ...DEMO_ADMIN, secretAccessKey: 'not-the-secret-key' };
    const failures: Array<() => Promise<Response>> = [
      async () =>
        exports.default.fetch(
          await signedRequest({ Action: 'GetCallerIdentity' }, wrongSecret, {
            headers: { 'cf-connecting-ip': ip },
          }),
        ),
      () => unsignedWebIdentity(ip, `arn:aws:iam::${DEMO_ACCOUNT}:role/demo-readonly`, 'not.a.jwt'),
      () =>
        from(ip, '/access/v1/evaluation', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        }),
      () =>
        from(ip, `/oidc/${DEMO_ACCOUNT}/github/token?api-version=2.0`, {
          headers: { authorization: 'Bearer not.a.jwt' },
        }),
      () => from(ip, `/oidc/${DEMO_ACCOUNT}/token`, { method: 'POST', body: '{}' }),
      () => from(ip, '/', { method: 'POST', body: 'Action=NoSuchThing' }),
    ];
    const first = await firstThrottle(2 * FAILURES + 4, (i) => failures[i % failures.length]!());
    expect(first).toBeGreaterThanOrEqual(FAILURES);

    // Refused for 10 s before any credential is looked at: AWS's Throttling on the query API (which
    // the SDKs retry), a JSON 429 with Retry-After on the JSON routes.
    const valid = await signed(ip, { Action: 'GetCallerIdentity' });
    expect(valid).toMatchObject({ status: 400, code: 'Throttling', message: 'Rate exceeded' });
    expect(valid.body).toContain(
      '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">',
    );
    const iamCall = await signed(ip, { Action: 'GetUser' }, DEMO_ADMIN, 'iam');
    expect(iamCall.code).toBe('Throttling');
    expect(iamCall.body).toContain(
      '<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">',
    );
    const url = new URL(`/oidc/${DEMO_ACCOUNT}/token`, ORIGIN);
    const mintHeaders = await signedPostHeaders({
      url,
      body: '{}',
      headers: { 'content-type': 'application/json', 'cf-connecting-ip': ip },
      credentials: DEMO_ADMIN,
      service: 'sts',
    });
    const minted = await exports.default.fetch(
      new Request(url, { method: 'POST', headers: mintHeaders, body: '{}' }),
    );
    expect(minted.status).toBe(429);
    expect(await throttled(minted)).toBe(true);
    // An AuthZEN answer carries the request's X-Request-ID, a throttled one too.
    const decision = await from(ip, '/access/v1/evaluation', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'r-429' },
      body: '{}',
    });
    expect([decision.status, decision.headers.get('x-request-id')]).toEqual([429, 'r-429']);
    // Another client is not concerned.
    expect((await signed(freshIp(), { Action: 'GetCallerIdentity' })).status).toBe(200);
  });

  it('admin bearer guessing is limited', async () => {
    const ip = freshIp();
    const withAdmin = { ...env, ADMIN_TOKEN: 'the-admin-token-of-this-test' };
    const first = await firstThrottle(2 * FAILURES + 2, async () =>
      worker.fetch(
        new Request(`${ORIGIN}/admin/v1/apply`, {
          method: 'POST',
          headers: { authorization: 'Bearer guess', 'cf-connecting-ip': ip },
          body: '{}',
        }),
        withAdmin,
      ),
    );
    expect(first).toBeGreaterThanOrEqual(FAILURES);
  });

  it('a percent-escaped path is counted and refused as the route it reaches', async () => {
    const ip = freshIp();
    const withAdmin = { ...env, ADMIN_TOKEN: 'the-admin-token-of-this-test' };
    const guess = async (path: string) =>
      worker.fetch(
        new Request(`${ORIGIN}${path}`, {
          method: 'POST',
          headers: { authorization: 'Bearer guess', 'cf-connecting-ip': ip },
          body: '{}',
        }),
        withAdmin,
      );
    // The router serves the escaped spelling as the admin route itself.
    const first = await guess('/%61dmin/v1/apply');
    expect(first.status).toBe(401);
    expect((await first.json()) as unknown).toMatchObject({ error: { code: 'Unauthorized' } });
    // Its failures count, and once the client is refused every spelling is.
    const throttle = await firstThrottle(2 * FAILURES + 2, () => guess('/%61dmin/v1/apply'));
    expect(throttle).toBeGreaterThanOrEqual(FAILURES - 1);
    expect(await throttled(await guess('/admin/v1/apply'))).toBe(true);
    expect(await throttled(await guess('/%61dmin/v1/%61pply'))).toBe(true);
  });
});

describe('request bodies in flight', { timeout: 60_000 }, () => {
  /** A /v1/simulate request whose body (chunked: no Content-Length) ends when `end` is called. */
  function slowBody(ip: string) {
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        controller = c;
        c.enqueue(new TextEncoder().encode('{"request":'));
      },
    });
    const response = from(ip, '/v1/simulate', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    return { response, end: () => controller.close() };
  }

  /** Answered, not refused: the body was read (and is not JSON). */
  async function read(response: Promise<Response>): Promise<void> {
    const res = await response;
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('MalformedRequest');
  }

  it('past the free bodies, one client holds at most MAX_CLIENT_BODY_BYTES at once; more are refused at once', async () => {
    const ip = freshIp();
    // The isolate's first FREE_BODIES bodies in flight are not counted per client; past them a body
    // without a length counts as the largest one a route reads (256 KiB).
    const slow = Array.from({ length: FREE_BODIES + MAX_CLIENT_BODY_BYTES / (256 * 1024) }, () =>
      slowBody(ip),
    );
    await new Promise((r) => setTimeout(r, 300));
    const more = slowBody(ip);
    expect(await throttled(await more.response)).toBe(true);
    // A request without a body, and another client's body, are not concerned.
    expect((await from(ip, '/health')).status).toBe(200);
    const other = slowBody(freshIp());
    other.end();
    await read(other.response);
    // Once the bodies have arrived and been answered, the client's budget is back.
    for (const s of slow) s.end();
    for (const s of slow) await read(s.response);
    const after = slowBody(ip);
    after.end();
    await read(after.response);
  });
});

describe('successful authenticated calls are never limited', { timeout: 120_000 }, () => {
  it('signed calls of an account that does not expire, and their authorization errors', async () => {
    const ip = freshIp();
    for (let i = 0; i < 2 * PUBLIC + 2; i++) {
      expect((await signed(ip, { Action: 'GetCallerIdentity' })).status).toBe(200);
    }
    // NoSuchEntity (as Terraform reads before it creates) follows a successful authentication.
    for (let i = 0; i < 2 * FAILURES + 2; i++) {
      const res = await signed(
        ip,
        { Action: 'GetRole', RoleName: `absent-${i}` },
        DEMO_ADMIN,
        'iam',
      );
      expect(res.code).toBe('NoSuchEntity');
    }
  });

  it('AssumeRoleWithWebIdentity for a role of an account that does not expire', async () => {
    await registerTestIssuer();
    const roleArn = await createRole(
      `limits-wi-${crypto.randomUUID().slice(0, 8)}`,
      trustFor(PROVIDER_ARN),
    );
    const token = await mint({ preset: 'github-actions', repository: 'org/app' });
    const ip = freshIp();
    // More than the demo's per-client budget (120 per 10 s): the account is not a sandbox.
    for (let i = 0; i < 130; i++) {
      const res = await unsignedWebIdentity(ip, roleArn, token, `s${i}`);
      expect(res.status, await res.text()).toBe(200);
    }
  });
});
