import { env, exports } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { COOKIE_NAME } from '../../src/demo/cookie.ts';
import { signedPostHeaders, xmlText, type Credentials } from '../helpers/aws.ts';
import { freshIp, iam, sandboxRequest, sts, visitor, type SandboxAnswer } from './helpers.ts';

const arnOf = (xml: string) => /<Arn>([^<]+)<\/Arn>/.exec(xml)?.[1];

/**
 * A cookie anyone knowing SEAL_KEY could compute for an account id: `v1.<account>.<expiry>.<MAC>`,
 * HMAC-SHA-256 with a key derived from SEAL_KEY by HKDF (the format sandboxes had before).
 */
async function macCookie(sealKey: string, account: string): Promise<string> {
  const raw = Uint8Array.from(atob(sealKey), (c) => c.charCodeAt(0));
  const ikm = await crypto.subtle.importKey('raw', raw, 'HKDF', false, ['deriveKey']);
  const key = await crypto.subtle.deriveKey(
    {
      name: 'HKDF',
      hash: 'SHA-256',
      salt: new Uint8Array(32),
      info: new TextEncoder().encode('rolecall/v1/demo-sandbox-cookie/hmac-sha256'),
    },
    ikm,
    { name: 'HMAC', hash: 'SHA-256', length: 256 },
    false,
    ['sign'],
  );
  const text = `v1.${account}.${Math.floor(Date.now() / 1000) + 3600}`;
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(text)));
  const b64 = btoa(String.fromCharCode(...mac));
  return `${text}.${b64.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')}`;
}

describe('GET /', { timeout: 30_000 }, () => {
  it('serves the playground page without a query string, with a strict CSP', async () => {
    const res = await exports.default.fetch('http://127.0.0.1:8787/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const html = await res.text();
    expect(html).toContain('What happens when you assume a role?');
    expect(html).not.toMatch(/SEAL_KEY|ADMIN_TOKEN|cm9sZWNhbGwtbG9jYWwtZGV2ZWxvcG1lbnQta2V5ISE/);
  });

  it('stays the STS query API with a query string', async () => {
    const res = await exports.default.fetch('http://127.0.0.1:8787/?Action=GetCallerIdentity');
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('<Code>MissingAuthenticationToken</Code>');
  });
});

describe('GET /assets/*', { timeout: 30_000 }, () => {
  it('serves the bundle precompressed as the client accepts, and nothing else', async () => {
    const page = await (await exports.default.fetch('http://127.0.0.1:8787/')).text();
    const script = /src="(\/assets\/app\.[0-9a-f]{12}\.js)"/.exec(page)?.[1];
    expect(script).toBeDefined();
    for (const [accept, encoding] of [
      ['gzip, deflate, br', 'br'],
      ['gzip', 'gzip'],
      ['identity', null],
    ] as const) {
      const res = await exports.default.fetch(`http://127.0.0.1:8787${script}`, {
        headers: { 'accept-encoding': accept },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(res.headers.get('cache-control')).toContain('immutable');
      expect(res.headers.get('content-encoding')).toBe(encoding);
      await res.arrayBuffer();
    }
    for (const path of [
      '/assets/app.js',
      '/assets/app.0123456789ab.js',
      '/assets/..%2Fwrangler.toml',
    ]) {
      const res = await exports.default.fetch(`http://127.0.0.1:8787${path}`);
      expect(res.status, path).toBe(404);
      await res.arrayBuffer();
    }
  });
});

describe('POST /demo/v1/sandbox', { timeout: 30_000 }, () => {
  it('creates a sandbox with its own keys, bound to an HttpOnly SameSite=Strict cookie', async () => {
    const res = await sandboxRequest();
    expect(res.status).toBe(201);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(new RegExp(`^${COOKIE_NAME}=v2\\.\\d{12}\\.[A-Za-z0-9_-]{43}; `));
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toMatch(/Max-Age=86\d{3}/);
    const body = (await res.json()) as {
      account: string;
      principals: Array<{
        name: string;
        arn: string;
        accessKeyId: string;
        secretAccessKey: string;
      }>;
    };
    expect(body.account).toMatch(/^[1-9]\d{11}$/);
    expect(body.account).not.toBe('123456789012');
    expect(body.principals.map((p) => p.name)).toEqual(['admin', 'alice', 'partner']);
    const text = JSON.stringify(body);
    expect(text).not.toContain(env.SEAL_KEY);
    expect(text).not.toContain('AKIAIOSFODNN7EXAMPLE');
    // The keys are real: STS authenticates them as the sandbox's users.
    const admin = body.principals[0];
    const who = await sts({ Action: 'GetCallerIdentity' }, admin);
    expect(who.status).toBe(200);
    expect(arnOf(who.body)).toBe(`arn:aws:iam::${body.account}:user/admin`);
  });

  it('answers the same sandbox for the same cookie, and a new one for a forged cookie', async () => {
    const a = await visitor();
    const again = await sandboxRequest({ cookie: a.cookie });
    expect(again.status).toBe(200);
    expect(again.headers.get('set-cookie')).toBeNull();
    expect(((await again.json()) as { account: string }).account).toBe(a.sandbox.account);

    const b = await visitor();
    expect(b.sandbox.account).not.toBe(a.sandbox.account);
    // b's cookie with a's account id (b's secret), a's cookie with one secret character changed,
    // and cookies made for a's account id with the deployment's SEAL_KEY (a local server's is
    // published in wrangler.toml): the old MAC'd format, and the v2 format with the key as secret.
    const [, value] = b.cookie.split('=');
    const parts = value.split('.');
    const forged = [
      `${COOKIE_NAME}=${[parts[0], a.sandbox.account, parts[2]].join('.')}`,
      `${COOKIE_NAME}=${a.cookie.split('=')[1].slice(0, -1)}${a.cookie.endsWith('A') ? 'B' : 'A'}`,
      `${COOKIE_NAME}=v1.${a.sandbox.account}.9999999999.${'A'.repeat(43)}`,
      `${COOKIE_NAME}=${await macCookie(env.SEAL_KEY, a.sandbox.account)}`,
      `${COOKIE_NAME}=v2.${a.sandbox.account}.${env.SEAL_KEY.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')}`,
    ];
    for (const cookie of forged) {
      const res = await sandboxRequest({ cookie });
      expect(res.status).toBe(201);
      const got = (await res.json()) as { account: string };
      expect(got.account).not.toBe(a.sandbox.account);
      expect(got.account).not.toBe(b.sandbox.account);
    }
  });

  it('gives a new sandbox for ?fresh=true whatever the cookie names, and leaves the old one to expire', async () => {
    const a = await visitor();
    const res = await sandboxRequest({ cookie: a.cookie }, freshIp(), '?fresh=true');
    expect(res.status).toBe(201);
    const next = (await res.json()) as SandboxAnswer;
    expect(next.account).not.toBe(a.sandbox.account);
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
    expect(cookie).toMatch(new RegExp(`^${COOKIE_NAME}=v2\\.${next.account}\\.`));
    // The new cookie names the new sandbox; the old keys still work until the old one expires.
    const again = await sandboxRequest({ cookie });
    expect(((await again.json()) as SandboxAnswer).account).toBe(next.account);
    const who = await sts({ Action: 'GetCallerIdentity' }, a.key('admin'));
    expect(arnOf(who.body)).toBe(`arn:aws:iam::${a.sandbox.account}:user/admin`);
    // fresh=false is the default; anything else is refused in words.
    const same = await sandboxRequest({ cookie: a.cookie }, freshIp(), '?fresh=false');
    expect(((await same.json()) as SandboxAnswer).account).toBe(a.sandbox.account);
    for (const [query, message] of [
      ['?fresh=yes', 'fresh must be true or false.'],
      ['?reset=true', 'Unknown query parameter: reset.'],
    ]) {
      const bad = await sandboxRequest({ cookie: a.cookie }, freshIp(), query);
      expect(bad.status).toBe(400);
      expect(await bad.json()).toEqual({ error: { code: 'InvalidInput', message } });
    }
  });

  it('refuses cross-site requests and non-JSON bodies', async () => {
    expect((await sandboxRequest({ 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    const form = await sandboxRequest({ 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(403);
    expect(await form.json()).toEqual({
      error: { code: 'Forbidden', message: 'Sandboxes are created by the demo page only.' },
    });
  });

  // Up to 21 sandboxes: more than the default 5 s on a busy machine.
  it(
    'limits sandbox creation per client IP with a JSON 429, never a 500',
    { timeout: 60_000 },
    async () => {
      const ip = `203.0.113.${Math.floor(Math.random() * 250)}`;
      // 10 per minute in fixed windows: the first refusal comes after at least 10 creations, and
      // before 21 (a window boundary may fall between the requests).
      const statuses: number[] = [];
      while (statuses.length < 21 && !statuses.includes(429)) {
        statuses.push((await sandboxRequest({}, ip)).status);
      }
      expect(statuses.indexOf(429)).toBeGreaterThanOrEqual(10);
      expect(statuses.filter((s) => s !== 201 && s !== 429)).toEqual([]);
      const res = await sandboxRequest({}, ip);
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('60');
      const body = (await res.json()) as { error: { code: string } };
      expect(body.error.code).toBe('ThrottlingException');
      // Another address is not affected.
      expect((await sandboxRequest()).status).toBe(201);
    },
  );
});

describe('sandbox isolation', { timeout: 30_000 }, () => {
  it("one visitor can neither read nor change another's sandbox through the API", async () => {
    const a = await visitor();
    const b = await visitor();
    const roleOfA = `arn:aws:iam::${a.sandbox.account}:role/ec2-ssm-instance-role`;
    // a writes a managed policy; b cannot read it, attach it, or assume a's roles.
    const created = await iam(
      {
        Action: 'CreatePolicy',
        PolicyName: 'secret-of-a',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
        }),
      },
      a.key('admin'),
    );
    expect(created.status).toBe(200);
    const policyOfA = `arn:aws:iam::${a.sandbox.account}:policy/secret-of-a`;
    const read = await iam({ Action: 'GetPolicy', PolicyArn: policyOfA }, b.key('admin'));
    expect(read.status).toBeGreaterThanOrEqual(400);
    const attach = await iam(
      { Action: 'AttachRolePolicy', RoleName: 'ec2-ssm-instance-role', PolicyArn: policyOfA },
      b.key('admin'),
    );
    expect(attach.status).toBeGreaterThanOrEqual(400);
    for (const who of ['admin', 'alice', 'partner']) {
      const assumed = await sts(
        { Action: 'AssumeRole', RoleArn: roleOfA, RoleSessionName: 'intruder' },
        b.key(who),
      );
      expect(assumed.code).toBe('AccessDenied');
    }
    // b's IAM calls name b's own entities: a's role is untouched by b's update.
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }],
    });
    const updated = await iam(
      {
        Action: 'UpdateAssumeRolePolicy',
        RoleName: 'ec2-ssm-instance-role',
        PolicyDocument: trust,
      },
      b.key('admin'),
    );
    expect(updated.status).toBe(200);
    const roleA = await iam(
      { Action: 'GetRole', RoleName: 'ec2-ssm-instance-role' },
      a.key('admin'),
    );
    expect(decodeURIComponent(/<AssumeRolePolicyDocument>([^<]+)</.exec(roleA.body)![1])).toContain(
      'ec2.amazonaws.com',
    );
    // a's cookie is not b's: the page endpoint answers each its own keys.
    const viaCookie = await sandboxRequest({ cookie: b.cookie });
    const seen = (await viaCookie.json()) as {
      account: string;
      principals: Array<{ accessKeyId: string }>;
    };
    expect(seen.account).toBe(b.sandbox.account);
    expect(seen.principals.map((p) => p.accessKeyId)).not.toContain(a.key('admin').accessKeyId);
  });
});

describe('sandbox lifetime', { timeout: 30_000 }, () => {
  it('puts a KV expiration of 24 h on every key of the sandbox, including keys written later', async () => {
    const a = await visitor();
    const expires = Date.parse(a.sandbox.expiresAt);
    expect(expires - Date.now()).toBeGreaterThan(24 * 3600_000 - 60_000);
    expect(expires - Date.now()).toBeLessThanOrEqual(24 * 3600_000);
    const created = await iam(
      {
        Action: 'CreateRole',
        RoleName: 'written-later',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'ec2.amazonaws.com' },
              Action: 'sts:AssumeRole',
            },
          ],
        }),
      },
      a.key('admin'),
    );
    expect(created.status).toBe(200);
    const key = await iam({ Action: 'CreateAccessKey', UserName: 'alice' }, a.key('admin'));
    expect(key.status).toBe(200);
    const newKeyId = /<AccessKeyId>([^<]+)</.exec(key.body)![1];

    for (const account of [a.sandbox.account, a.sandbox.partnerAccount]) {
      const listed = await env.IAM.list({ prefix: `acct/${account}` });
      expect(listed.keys.length).toBeGreaterThan(account === a.sandbox.account ? 10 : 2);
      for (const k of listed.keys) {
        expect(k.expiration, k.name).toBe(Math.ceil(expires / 1000));
      }
    }
    expect(
      (await env.IAM.list({ prefix: `acct/${a.sandbox.account}/role/written-later` })).keys,
    ).toHaveLength(1);
    const keyIds = [...a.sandbox.principals.map((p) => p.accessKeyId), newKeyId];
    for (const id of keyIds) {
      const listed = await env.IAM.list({ prefix: `akey/${id}` });
      expect(listed.keys).toHaveLength(1);
      expect(listed.keys[0].expiration).toBe(Math.ceil(expires / 1000));
    }
    // The account's Durable Object (where its IAM writes run) is deleted at the same instant.
    const stub = env.ACCOUNTS.get(env.ACCOUNTS.idFromName(a.sandbox.account));
    const alarm = await runInDurableObject(stub, (_o, state) => state.storage.getAlarm());
    expect(alarm).toBe(expires);
    // The demo account does not expire.
    const demo = await env.IAM.list({ prefix: 'akey/AKIAIOSFODNN7EXAMPLE' });
    for (const k of demo.keys) expect(k.expiration).toBeUndefined();
  });

  it('caps sessions at one hour, even when the role allows 12', async () => {
    const a = await visitor();
    const raised = await iam(
      { Action: 'UpdateRole', RoleName: 'ci-deployer', MaxSessionDuration: '43200' },
      a.key('admin'),
    );
    expect(raised.status).toBe(200);
    const before = Date.now();
    const assumed = await sts(
      {
        Action: 'AssumeRole',
        RoleArn: `arn:aws:iam::${a.sandbox.account}:role/ci-deployer`,
        RoleSessionName: 'long',
        DurationSeconds: '43200',
        ExternalId: 'rolecall-demo',
      },
      a.key('admin'),
    );
    expect(assumed.status, assumed.body).toBe(200);
    const expiration = Date.parse(/<Expiration>([^<]+)</.exec(assumed.body)![1]);
    expect(expiration - before).toBeLessThanOrEqual(3600_000 + 1000);
    expect(expiration - before).toBeGreaterThan(3600_000 - 5000);
    // Over the role's own maximum it is still AWS's ValidationError.
    const sandboxRole = await sts(
      {
        Action: 'AssumeRole',
        RoleArn: `arn:aws:iam::${a.sandbox.account}:role/demo-readonly`,
        RoleSessionName: 'long',
        DurationSeconds: '7200',
      },
      a.key('admin'),
    );
    expect(sandboxRole.code).toBe('ValidationError');
  });
});

describe('demo API rate limit', { timeout: 30_000 }, () => {
  it(
    'throttles calls made with sandbox keys per client IP (AWS Throttling), not the demo account',
    { timeout: 60_000 },
    async () => {
      const a = await visitor();
      const ip = `192.0.2.${Math.floor(Math.random() * 250)}`;
      const codes: Array<string | undefined> = [];
      const { call } = await import('../helpers/worker.ts');
      // 120 per 10 s in fixed windows: at least 120 pass before the first refusal.
      for (let i = 0; i < 245 && !codes.includes('Throttling'); i++) {
        const r = await call({ Action: 'GetCallerIdentity' }, a.key('admin'), {
          headers: { 'cf-connecting-ip': ip },
        });
        codes.push(r.status === 200 ? 'ok' : r.code);
        if (r.status !== 200) {
          expect(r.status).toBe(400);
          expect(r.message).toBe('Rate exceeded');
        }
      }
      expect(codes.indexOf('Throttling')).toBeGreaterThanOrEqual(120);
      expect(codes.filter((c) => c !== 'ok' && c !== 'Throttling')).toEqual([]);
      // Unsigned calls naming a sandbox's role share the budget. (Windows are fixed: if one just
      // ended, the budget is spent again and the call retried.)
      const unsigned = async () => {
        const res = await exports.default.fetch(
          new Request('http://127.0.0.1:8787/', {
            method: 'POST',
            headers: {
              'content-type': 'application/x-www-form-urlencoded',
              'cf-connecting-ip': ip,
            },
            body: new URLSearchParams({
              Action: 'AssumeRoleWithWebIdentity',
              Version: '2011-06-15',
              RoleArn: `arn:aws:iam::${a.sandbox.account}:role/demo-readonly`,
              RoleSessionName: 'limits',
              WebIdentityToken: 'not-a-token',
            }).toString(),
          }),
        );
        return xmlText(await res.text(), 'Code');
      };
      let code = await unsigned();
      for (let i = 0; i < 245 && code !== 'Throttling'; i++) {
        const r = await call({ Action: 'GetCallerIdentity' }, a.key('admin'), {
          headers: { 'cf-connecting-ip': ip },
        });
        if (r.code === 'Throttling') code = await unsigned();
      }
      expect(code).toBe('Throttling');
      // The demo account's fixed keys (not a sandbox) are not limited.
      const { DEMO_ADMIN } = await import('../helpers/aws.ts');
      const demo = await call({ Action: 'GetCallerIdentity' }, DEMO_ADMIN, {
        headers: { 'cf-connecting-ip': ip },
      });
      expect(demo.status).toBe(200);
    },
  );
});

describe('demo limits on the JSON routes', { timeout: 60_000 }, () => {
  /** A SigV4-signed JSON POST (scope sts) from `ip`. */
  async function post(path: string, who: Credentials, ip: string): Promise<Response> {
    const url = new URL(path, 'http://127.0.0.1:8787');
    const headers = await signedPostHeaders({
      url,
      body: '{}',
      headers: { 'content-type': 'application/json', 'cf-connecting-ip': ip },
      credentials: who,
      service: 'sts',
    });
    return exports.default.fetch(new Request(url, { method: 'POST', headers, body: '{}' }));
  }

  async function firstRefusal(cap: number, send: () => Promise<Response>) {
    for (let i = 0; i < cap; i++) {
      const res = await send();
      if (res.status === 429) {
        const body = (await res.json()) as { error: { code: string } };
        expect(body.error.code).toBe('ThrottlingException');
        return { index: i, retryAfter: res.headers.get('retry-after') };
      }
      expect(res.status, await res.text()).toBe(200);
    }
    return { index: -1, retryAfter: null };
  }

  it('minting with a sandbox key counts as a demo API call (JSON 429, Retry-After)', async () => {
    const a = await visitor();
    const ip = `192.0.2.${Math.floor(Math.random() * 250)}`;
    const path = `/oidc/${a.sandbox.account}/token`;
    const refused = await firstRefusal(245, () => post(path, a.key('admin'), ip));
    expect(refused.index).toBeGreaterThanOrEqual(120);
    expect(refused.retryAfter).toBe('10');
  });

  it('rotating a sandbox issuer key: 10 a minute', async () => {
    const a = await visitor();
    const ip = `192.0.2.${Math.floor(Math.random() * 250)}`;
    const path = `/oidc/${a.sandbox.account}/keys/rotate`;
    const refused = await firstRefusal(25, () => post(path, a.key('admin'), ip));
    expect(refused.index).toBeGreaterThanOrEqual(10);
    expect(refused.retryAfter).toBe('60');
  });
});
