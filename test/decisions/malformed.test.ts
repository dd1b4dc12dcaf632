import { beforeAll, describe, expect, it } from 'vitest';
import { exports } from 'cloudflare:workers';
import { ACCOUNT } from '../iam/helpers.ts';
import { authzen, evaluation, evaluations, s3, user, seedDemo } from './helpers.ts';

beforeAll(seedDemo, 60_000);

const valid = {
  subject: user(ACCOUNT, 'admin'),
  action: { name: 's3:GetObject' },
  resource: s3('a/b'),
};

describe('malformed requests: 400 naming the field, never a 500', () => {
  const cases: Array<[string, object, string]> = [
    ['no subject', { action: valid.action, resource: valid.resource }, 'subject is required'],
    ['no action', { subject: valid.subject, resource: valid.resource }, 'action is required'],
    ['no resource', { subject: valid.subject, action: valid.action }, 'resource is required'],
    [
      'subject as text',
      { ...valid, subject: 'alice' },
      'subject must be an object with type and id',
    ],
    ['subject without type', { ...valid, subject: { id: 'x' } }, 'subject.type is required'],
    [
      'subject without id',
      { ...valid, subject: { type: 'iam_principal' } },
      'subject.id is required',
    ],
    [
      'unknown subject type',
      { ...valid, subject: { type: 'user', id: 'alice' } },
      'subject.type must be iam_principal or access_key (got "user")',
    ],
    [
      'subject properties not an object',
      { ...valid, subject: { ...valid.subject, properties: 'x' } },
      'subject.properties must be an object',
    ],
    [
      'subject ip_address not an address',
      { ...valid, subject: { ...valid.subject, properties: { ip_address: '203.0.113' } } },
      'subject.properties.ip_address must be an IPv4 or IPv6 address',
    ],
    [
      'subject ip_address with a zone index',
      { ...valid, subject: { ...valid.subject, properties: { ip_address: 'fe80::1%eth0' } } },
      'subject.properties.ip_address must be an IPv4 or IPv6 address',
    ],
    ['action without name', { ...valid, action: {} }, 'action.name is required'],
    ['action name a number', { ...valid, action: { name: 123 } }, 'action.name must be a string'],
    [
      'action not service:Action',
      { ...valid, action: { name: 'read' } },
      'action.name must be an IAM action such as s3:GetObject',
    ],
    [
      'resource without type',
      { ...valid, resource: { id: 'arn:aws:s3:::a' } },
      'resource.type is required',
    ],
    [
      'resource not an ARN',
      { ...valid, resource: { type: 'aws_resource', id: 'record-1' } },
      'resource.id must be an ARN or "*"',
    ],
    [
      'bad resource account',
      { ...valid, resource: s3('a', { account: '12' }) },
      'resource.properties.account must be a 12-digit account id',
    ],
    [
      'tag not a string',
      { ...valid, resource: s3('a', { tags: { team: 1 } }) },
      'resource.properties.tags.team must be a string',
    ],
    [
      'context not an object',
      { ...valid, context: [] },
      'context must be an object of condition keys',
    ],
    [
      'context value an object',
      { ...valid, context: { 'aws:SourceIp': { a: 1 } } },
      'context.aws:SourceIp must be a string, number, boolean, or an array of them',
    ],
    [
      'context key twice',
      { ...valid, context: { 'aws:a': '1', 'AWS:A': '2' } },
      'context.AWS:A repeats a key (condition keys are case-insensitive)',
    ],
    [
      'bad semantic',
      { ...valid, options: { evaluations_semantic: 'some' } },
      'options.evaluations_semantic must be execute_all, deny_on_first_deny or permit_on_first_permit',
    ],
    [
      'group as subject',
      { ...valid, subject: { type: 'iam_principal', id: `arn:aws:iam::${ACCOUNT}:group/g` } },
      `subject.id "arn:aws:iam::${ACCOUNT}:group/g" is not the ARN of an IAM user, role or account root (a group is not a principal).`,
    ],
    [
      'bad access key id',
      { ...valid, subject: { type: 'access_key', id: 'nope' } },
      'subject.id "nope" is not an access key id (AKIA... or ASIA...).',
    ],
    [
      'malformed resource policy',
      { ...valid, resource: s3('a', { policy: { Statement: 'x' } }) },
      'resource.properties.policy: ',
    ],
  ];
  it.each(cases)('%s', async (_, body, message) => {
    const a = await evaluation(body);
    expect(a.status, JSON.stringify(a.body)).toBe(400);
    expect(a.body.error?.message.startsWith(message), a.body.error?.message).toBe(true);
  });

  it('evaluations that is not an array, or a batch item that is not an object', async () => {
    const a = await evaluations({ ...valid, evaluations: {} });
    expect([a.status, a.body.error?.message]).toEqual([400, 'evaluations must be an array']);
    const b = await evaluations({ ...valid, evaluations: [42] });
    expect(b.body.evaluations?.[0]?.context.error).toEqual({
      status: 400,
      message: 'evaluations[0] must be an object',
    });
  });

  it('invalid JSON, an empty body, a body that is not an object, another content type', async () => {
    expect(
      (await authzen('/access/v1/evaluation', null, { raw: '{"subject":' })).body.error?.message,
    ).toBe('Request body is not valid JSON');
    expect((await authzen('/access/v1/evaluation', null, { raw: '' })).status).toBe(400);
    expect((await authzen('/access/v1/evaluation', null, { raw: '[1]' })).body.error?.message).toBe(
      'body must be a JSON object',
    );
    const text = await authzen('/access/v1/evaluation', valid, {
      headers: { 'content-type': 'text/plain' },
    });
    expect([text.status, text.body.error?.code]).toEqual([400, 'UnsupportedMediaType']);
  });

  it('a body over 256 KB is refused with 413 before it is parsed', async () => {
    const big = JSON.stringify({ ...valid, padding: 'x'.repeat(256 * 1024) });
    const a = await authzen('/access/v1/evaluation', null, { raw: big });
    expect(a.status).toBe(413);
  });

  it('unknown members are ignored, as the specification requires', async () => {
    const a = await evaluation({ ...valid, foo: 'bar', futureField: { nested: true } });
    expect([a.status, a.body.decision]).toEqual([200, true]);
  });
});

describe('HTTPS binding', () => {
  it('echoes X-Request-ID, or makes one', async () => {
    const a = await evaluation(valid, { headers: { 'x-request-id': 'bfe9eb29-ab87-4ca3' } });
    expect(a.headers.get('x-request-id')).toBe('bfe9eb29-ab87-4ca3');
    const b = await evaluation(valid);
    expect(b.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const c = await evaluation(valid, { credentials: null, headers: { 'x-request-id': 'r-401' } });
    expect([c.status, c.headers.get('x-request-id')]).toEqual([401, 'r-401']);
    expect(c.headers.get('content-type')).toBe('application/json');
    const bad = await evaluation({}, { headers: { 'x-request-id': 'r-400' } });
    expect([bad.status, bad.headers.get('x-request-id')]).toEqual([400, 'r-400']);
    expect(a.headers.get('content-type')).toBe('application/json');
    const get = await exports.default.fetch(
      new Request('http://127.0.0.1:8787/access/v1/evaluation', {
        headers: { 'x-request-id': 'r-405' },
      }),
    );
    expect([get.status, get.headers.get('x-request-id')]).toEqual([405, 'r-405']);
    const search = await exports.default.fetch(
      new Request('http://127.0.0.1:8787/access/v1/search/subject', {
        method: 'POST',
        headers: { 'x-request-id': 'r-404' },
      }),
    );
    expect([search.status, search.headers.get('x-request-id')]).toEqual([404, 'r-404']);
  });

  it('publishes the PDP metadata at /.well-known/authzen-configuration', async () => {
    const res = await exports.default.fetch(
      new Request('https://pdp.example.com/.well-known/authzen-configuration'),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toMatchObject({
      policy_decision_point: 'https://pdp.example.com',
      access_evaluation_endpoint: 'https://pdp.example.com/access/v1/evaluation',
      access_evaluations_endpoint: 'https://pdp.example.com/access/v1/evaluations',
    });
  });
});
