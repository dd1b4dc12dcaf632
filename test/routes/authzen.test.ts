import { env, exports } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { app } from '../../src/app.ts';
import { ACCOUNT } from '../iam/helpers.ts';
import { authzen, evaluation, evaluations, s3, seedDemo, user } from '../decisions/helpers.ts';

/**
 * The HTTPS binding of the OpenID AuthZEN Authorization API 1.0 (docs/authzen.md), checked point by
 * point against the specification: the PDP metadata, the request shapes its information model
 * requires, the methods each endpoint takes, X-Request-ID and the 401 challenge.
 */

beforeAll(seedDemo, 60_000);

const ORIGIN = 'http://127.0.0.1:8787';
const valid = {
  subject: user(ACCOUNT, 'admin'),
  action: { name: 's3:GetObject' },
  resource: s3('a/b'),
};

const send = (path: string, init: RequestInit = {}, origin = ORIGIN) =>
  exports.default.fetch(new Request(origin + path, init));

describe('PDP metadata (Policy Decision Point Metadata)', () => {
  it('has the required members, absolute URLs from the request origin, and no search endpoints', async () => {
    for (const origin of ['https://pdp.example.com', 'http://localhost:8787']) {
      const res = await send('/.well-known/authzen-configuration', {}, origin);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const meta = (await res.json()) as Record<string, unknown>;
      // policy_decision_point and access_evaluation_endpoint are REQUIRED; the identifier must be
      // identical to the one the well-known URI was built from (no path, query or trailing slash).
      expect(meta.policy_decision_point).toBe(origin);
      expect(meta.access_evaluation_endpoint).toBe(`${origin}/access/v1/evaluation`);
      expect(meta.access_evaluations_endpoint).toBe(`${origin}/access/v1/evaluations`);
      // "the absence of any of these parameters is sufficient for the PEP to determine that the PDP
      // is not capable": no search API is offered, so none is named; parameters without values
      // are omitted.
      for (const name of [
        'search_subject_endpoint',
        'search_action_endpoint',
        'search_resource_endpoint',
        'capabilities',
        'signed_metadata',
      ]) {
        expect(meta).not.toHaveProperty(name);
      }
      for (const value of Object.values(meta)) expect(value).not.toBeNull();
    }
  });

  it('echoes X-Request-ID, and says so to caches (the answer is cacheable)', async () => {
    const res = await send('/.well-known/authzen-configuration', {
      headers: { 'x-request-id': 'meta-1' },
    });
    expect(res.headers.get('x-request-id')).toBe('meta-1');
    expect(res.headers.get('cache-control')).toBe('public, max-age=3600');
    expect(res.headers.get('vary')).toBe('X-Request-ID');
  });

  it('echoes an X-Request-ID of up to 1024 characters; a longer one is replaced, or refused by an evaluation', async () => {
    const longest = 'r'.repeat(1024);
    const meta = await send('/.well-known/authzen-configuration', {
      headers: { 'x-request-id': longest },
    });
    expect(meta.headers.get('x-request-id')).toBe(longest);
    const ok = await evaluation(valid, { headers: { 'x-request-id': longest } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-request-id')).toBe(longest);

    const tooLong = longest + 'r';
    for (const path of ['/.well-known/authzen-configuration', '/access/v1/nowhere']) {
      const res = await send(path, { headers: { 'x-request-id': tooLong } });
      expect(res.headers.get('x-request-id'), path).toMatch(/^[0-9a-f-]{36}$/);
    }
    for (const ask of [evaluation, evaluations]) {
      const res = await ask(ask === evaluation ? valid : { evaluations: [valid] }, {
        headers: { 'x-request-id': tooLong },
      });
      expect(res.status).toBe(400);
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.body.error).toEqual({
        code: 'InvalidRequest',
        message: 'X-Request-ID is longer than 1024 characters.',
      });
    }
  });

  it('answers HEAD like GET, without a body; other methods are 405 with Allow', async () => {
    const head = await send('/.well-known/authzen-configuration', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
      const res = await send('/.well-known/authzen-configuration', {
        method,
        headers: { 'x-request-id': `meta-${method}` },
      });
      expect(res.status, method).toBe(405);
      expect(res.headers.get('allow')).toBe('GET, HEAD');
      expect(res.headers.get('x-request-id')).toBe(`meta-${method}`);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
        'MethodNotAllowed',
      );
    }
  });
});

describe('methods: the evaluation APIs are POST only', () => {
  it('another method is 405 with Allow: POST, a JSON error and the request id', async () => {
    for (const path of ['/access/v1/evaluation', '/access/v1/evaluations']) {
      for (const method of ['GET', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
        const res = await send(path, { method, headers: { 'x-request-id': `${method}-${path}` } });
        expect(res.status, `${method} ${path}`).toBe(405);
        expect(res.headers.get('allow')).toBe('POST');
        expect(res.headers.get('x-request-id')).toBe(`${method}-${path}`);
        expect(res.headers.get('content-type')).toMatch(/^application\/json/);
        expect(await res.json()).toEqual({
          error: {
            code: 'MethodNotAllowed',
            message: `${method} is not allowed on ${path} (allowed: POST)`,
          },
        });
      }
      const head = await send(path, { method: 'HEAD' });
      expect([head.status, head.headers.get('allow'), await head.text()]).toEqual([
        405,
        'POST',
        '',
      ]);
    }
  });

  it('the search APIs, which the metadata does not name, are not found', async () => {
    for (const kind of ['subject', 'resource', 'action']) {
      const res = await authzen(`/access/v1/search/${kind}`, valid);
      expect(res.status).toBe(404);
    }
  });
});

describe('requests: the information model', () => {
  const missing: Array<[string, object, string]> = [
    ['no subject', { action: valid.action, resource: valid.resource }, 'subject is required'],
    ['no action', { subject: valid.subject, resource: valid.resource }, 'action is required'],
    ['no resource', { subject: valid.subject, action: valid.action }, 'resource is required'],
    [
      'subject without type',
      { ...valid, subject: { id: valid.subject.id } },
      'subject.type is required',
    ],
    [
      'subject id a number',
      { ...valid, subject: { ...valid.subject, id: 7 } },
      'subject.id must be a string',
    ],
    ['action without name', { ...valid, action: {} }, 'action.name is required'],
    ['action name a number', { ...valid, action: { name: 1 } }, 'action.name must be a string'],
    [
      'action properties an array',
      { ...valid, action: { ...valid.action, properties: [] } },
      'action.properties must be an object',
    ],
    [
      'resource without id',
      { ...valid, resource: { type: 'aws_resource' } },
      'resource.id is required',
    ],
    [
      'resource properties a string',
      { ...valid, resource: { ...valid.resource, properties: 'x' } },
      'resource.properties must be an object',
    ],
    [
      'subject properties null',
      { ...valid, subject: { ...valid.subject, properties: null } },
      'subject.properties must be an object',
    ],
    ['context an array', { ...valid, context: [] }, 'context must be an object of condition keys'],
    [
      'context value null',
      { ...valid, context: { 'aws:SourceIp': null } },
      'context.aws:SourceIp must be a string, number, boolean, or an array of them',
    ],
  ];
  it.each(missing)('%s: 400 naming the member, on both endpoints', async (_, body, message) => {
    // Without items, the evaluations endpoint is a single evaluation and answers the same.
    for (const send of [evaluation, evaluations]) {
      const a = await send(body);
      expect([a.status, a.body.error?.code, a.body.error?.message]).toEqual([
        400,
        'InvalidRequest',
        message,
      ]);
    }
    const empty = await evaluations({ ...body, evaluations: [] });
    expect([empty.status, empty.body.error?.message]).toEqual([400, message]);
  });

  it('application/json with parameters is JSON; a missing Content-Type is refused', async () => {
    const a = await evaluation(valid, {
      headers: { 'content-type': 'Application/JSON; charset=utf-8' },
    });
    expect([a.status, a.body.decision]).toEqual([200, true]);
    const b = await evaluation(valid, { headers: { 'content-type': '' } });
    expect([b.status, b.body.error?.code]).toEqual([400, 'UnsupportedMediaType']);
  });

  it('answers are a boolean decision and an optional context object, nothing else', async () => {
    const a = await evaluation(valid);
    expect(Object.keys(a.body).sort()).toEqual(['context', 'decision']);
    expect(typeof a.body.decision).toBe('boolean');
    const b = await evaluations({ ...valid, evaluations: [{}, { action: { name: 'iam:Nope' } }] });
    // "it is RECOMMENDED that the decision key of the response be omitted".
    expect(Object.keys(b.body)).toEqual(['evaluations']);
    for (const item of b.body.evaluations ?? []) {
      expect(typeof item.decision).toBe('boolean');
      expect(typeof item.context).toBe('object');
    }
  });
});

describe('authentication failures (Sender Authentication Failure)', () => {
  it('SigV4 only: one challenge, AWS4-HMAC-SHA256', async () => {
    const a = await evaluation(valid, { credentials: null });
    expect(a.status).toBe(401);
    expect(a.headers.get('www-authenticate')).toBe(
      'AWS4-HMAC-SHA256 realm="rolecall", service="iam"',
    );
  });

  it('bearer mode also names the Bearer scheme, with the JSON error unchanged', async () => {
    const bearerEnv = { ...env, AUTHZEN_TOKEN: 'a-long-random-secret', AUTHZEN_ACCOUNT: ACCOUNT };
    for (const authorization of ['Bearer wrong', undefined]) {
      const res = await app.fetch(
        new Request(`${ORIGIN}/access/v1/evaluation`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-request-id': 'r-bearer',
            ...(authorization ? { authorization } : {}),
          },
          body: JSON.stringify(valid),
        }),
        bearerEnv,
      );
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe(
        'AWS4-HMAC-SHA256 realm="rolecall", service="iam", Bearer realm="rolecall"',
      );
      expect(res.headers.get('x-request-id')).toBe('r-bearer');
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(typeof body.error.code).toBe('string');
      expect(typeof body.error.message).toBe('string');
    }
  });
});
