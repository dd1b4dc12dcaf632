import {
  CreateUserCommand,
  IAMClient,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { AwsClient } from 'aws4fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedPostHeaders } from '../helpers/aws.ts';
import {
  ACCOUNT,
  FIXTURE_POLICIES,
  recordArn,
  translate,
  VECTORS,
} from '../fixtures/authzen/certification.ts';
import { ADMIN_ENV, run, startServer, type Server } from './server.ts';

let server: Server;
const admin = {
  accessKeyId: ADMIN_ENV.AWS_ACCESS_KEY_ID,
  secretAccessKey: ADMIN_ENV.AWS_SECRET_ACCESS_KEY,
};

beforeAll(async () => {
  server = await startServer();
  const iam = new IAMClient({ endpoint: server.url, region: 'us-east-1', credentials: admin });
  for (const [name, { tags, policy }] of Object.entries(FIXTURE_POLICIES)) {
    await iam.send(
      new CreateUserCommand({
        UserName: name,
        Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
      }),
    );
    await iam.send(
      new PutUserPolicyCommand({
        UserName: name,
        PolicyName: 'records',
        PolicyDocument: JSON.stringify(policy),
      }),
    );
  }
});
afterAll(async () => {
  await server?.stop();
});

interface Reply {
  status: number;
  headers: Headers;
  text: string;
}

/** A request signed by the AWS SDK's SigV4 signer (service iam), sent over the real port. */
async function send(
  path: string,
  body: string,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): Promise<Reply> {
  const url = new URL(path, server.url);
  const signed = await signedPostHeaders({
    url,
    body,
    headers,
    credentials: admin,
    service: 'iam',
    region: 'eu-central-1',
  });
  const res = await fetch(url, { method: 'POST', headers: signed, body });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

interface Decision {
  decision?: boolean;
  evaluations?: Array<{ decision: boolean; context?: object }>;
  error?: { code: string; message: string };
}

describe('AuthZEN 1.0 certification scenario (Basic, Batch, Discovery), over a real port', () => {
  it.each(VECTORS.map((v) => [v.name, v] as const))('%s', async (_, v) => {
    const r = await send(`/access/v1/${v.endpoint}`, JSON.stringify(translate(v.body)));
    expect(r.status, r.text).toBe(v.status);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    const body = JSON.parse(r.text) as Decision;
    if (v.status !== 200) {
      expect(typeof body.error?.message).toBe('string');
      return;
    }
    if (v.decisions !== undefined) {
      expect(body.evaluations).toHaveLength(v.decisions.length);
      body.evaluations!.forEach((e, i) => {
        expect(typeof e.decision).toBe('boolean');
        if (v.decisions![i] !== null) expect(e.decision, `item ${i}`).toBe(v.decisions![i]);
        if (e.context !== undefined) expect(typeof e.context).toBe('object');
      });
    } else {
      expect(body.decision).toBe(v.decision);
      expect(body.evaluations).toBeUndefined();
    }
  });

  const simple = JSON.stringify(
    translate({
      subject: { type: 'user', id: 'alice' },
      action: { name: 'read' },
      resource: { type: 'record', id: 'record-1' },
    }),
  );

  it('c-2-4-3/4/5: another content type, malformed JSON, an empty body: 400', async () => {
    expect(
      (await send('/access/v1/evaluation', simple, { 'content-type': 'text/plain' })).status,
    ).toBe(400);
    expect((await send('/access/v1/evaluation', '{"subject": {')).status).toBe(400);
    expect((await send('/access/v1/evaluation', '')).status).toBe(400);
  });

  it('c-2-5: X-Request-ID is echoed, or made when absent', async () => {
    const id = 'bfe9eb29-ab87-4ca3-be83-a1d5d8305716';
    const echoed = await send('/access/v1/evaluation', simple, {
      'content-type': 'application/json',
      'x-request-id': id,
    });
    expect([echoed.status, echoed.headers.get('x-request-id')]).toEqual([200, id]);
    const made = await send('/access/v1/evaluation', simple);
    expect(made.status).toBe(200);
    expect(made.headers.get('x-request-id')).toBeTruthy();
  });

  it('c-2-6: the same request answers the same decision each time', async () => {
    const answers = new Set<string>();
    for (let i = 0; i < 5; i++) answers.add((await send('/access/v1/evaluation', simple)).text);
    expect(answers.size).toBe(1);
    expect(JSON.parse([...answers][0]!).decision).toBe(true);
  });

  it('c-6: discovery metadata names this PDP and its endpoints', async () => {
    const res = await fetch(new URL('/.well-known/authzen-configuration', server.url));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const origin = new URL(server.url).origin;
    const meta = (await res.json()) as Record<string, unknown>;
    expect(meta.policy_decision_point).toBe(origin);
    expect(meta.access_evaluation_endpoint).toBe(`${origin}/access/v1/evaluation`);
    expect(meta.access_evaluations_endpoint).toBe(`${origin}/access/v1/evaluations`);
    expect(meta.search_subject_endpoint).toBeUndefined();
    const head = await fetch(new URL('/.well-known/authzen-configuration', server.url), {
      method: 'HEAD',
    });
    expect([head.status, await head.text()]).toEqual([200, '']);
  });

  it('another method is 405 with Allow, the request id echoed', async () => {
    for (const [path, method, allow] of [
      ['/access/v1/evaluation', 'GET', 'POST'],
      ['/access/v1/evaluations', 'PUT', 'POST'],
      ['/.well-known/authzen-configuration', 'POST', 'GET, HEAD'],
    ] as const) {
      const res = await fetch(new URL(path, server.url), {
        method,
        headers: { 'x-request-id': `e2e-${method}` },
      });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get('allow')).toBe(allow);
      expect(res.headers.get('x-request-id')).toBe(`e2e-${method}`);
      expect(((await res.json()) as Decision).error?.code).toBe('MethodNotAllowed');
    }
  });
});

describe('clients from docs/authzen.md', () => {
  const body = {
    subject: { type: 'iam_principal', id: `arn:aws:iam::${ACCOUNT}:user/alice` },
    action: { name: 'records:Read' },
    resource: { type: 'aws_resource', id: recordArn('record-1') },
  };

  it('aws4fetch', async () => {
    const client = new AwsClient({ ...admin, service: 'iam', region: 'us-east-1' });
    const res = await client.fetch(new URL('/access/v1/evaluation', server.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Decision).decision).toBe(true);
  });

  it('curl --aws-sigv4', async () => {
    const r = await run(
      '/usr/bin/curl',
      [
        '-sS',
        '--aws-sigv4',
        'aws:amz:us-east-1:iam',
        '--user',
        `${admin.accessKeyId}:${admin.secretAccessKey}`,
        '-H',
        'content-type: application/json',
        '--data',
        JSON.stringify({ ...body, options: { trace: true } }),
        new URL('/access/v1/evaluation', server.url).toString(),
      ],
      {},
    );
    expect(r.code, r.stderr).toBe(0);
    const answer = JSON.parse(r.stdout) as Decision & {
      context: { trace: { policies: object[] } };
    };
    expect(answer.decision).toBe(true);
    expect(answer.context.trace.policies).toHaveLength(1);
  });

  it("a session's access key, from AssumeRole with the AWS SDK", async () => {
    const iam = new IAMClient({ endpoint: server.url, region: 'us-east-1', credentials: admin });
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: 'demo-readonly',
        PolicyName: 'records',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'records:*', Resource: '*' }],
        }),
      }),
    );
    const sts = new STSClient({ endpoint: server.url, region: 'us-east-1', credentials: admin });
    const out = await sts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${ACCOUNT}:role/demo-readonly`,
        RoleSessionName: 'pep',
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'records:Read', Resource: '*' }],
        }),
      }),
    );
    const key = out.Credentials!.AccessKeyId!;
    const r = await send(
      '/access/v1/evaluations',
      JSON.stringify({
        subject: { type: 'access_key', id: key },
        resource: { type: 'aws_resource', id: recordArn('record-1') },
        evaluations: [{ action: { name: 'records:Read' } }, { action: { name: 'records:Write' } }],
      }),
    );
    expect(r.status, r.text).toBe(200);
    const answer = JSON.parse(r.text) as Decision;
    expect(answer.evaluations?.map((e) => e.decision)).toEqual([true, false]);
  });
});
