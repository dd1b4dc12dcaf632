import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { app } from '../../src/app.ts';
import { ACCOUNT, doc, unique, userWithKey } from '../iam/helpers.ts';
import { evaluation, evaluations, s3, user, seedDemo } from './helpers.ts';

beforeAll(seedDemo, 60_000);

const body = (subject: object) => ({
  subject,
  action: { name: 's3:GetObject' },
  resource: s3('a/b'),
});

describe('who may ask', () => {
  it('no signature: 401 with a JSON error and WWW-Authenticate', async () => {
    const a = await evaluation(body(user(ACCOUNT, 'admin')), { credentials: null });
    expect(a.status).toBe(401);
    expect(a.body.error?.code).toBe('MissingAuthenticationToken');
    expect(a.headers.get('www-authenticate')).toMatch(/^AWS4-HMAC-SHA256/);
  });

  it('a bad signature, an unknown key or a scope other than iam: 401', async () => {
    const wrongSecret = {
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEX',
    };
    const unknown = { accessKeyId: 'AKIAZZZZZZZZZZZZZZZZ', secretAccessKey: 'x'.repeat(40) };
    const cases: Array<[object, string]> = [
      [{ credentials: wrongSecret }, 'SignatureDoesNotMatch'],
      [{ credentials: unknown }, 'InvalidClientTokenId'],
      [{ service: 'sts' }, 'SignatureDoesNotMatch'],
    ];
    for (const [options, code] of cases) {
      const a = await evaluation(body(user(ACCOUNT, 'admin')), options);
      expect([a.status, a.body.error?.code]).toEqual([401, code]);
    }
  });

  it('any region is accepted', async () => {
    const a = await evaluation(body(user(ACCOUNT, 'admin')), { region: 'eu-west-3' });
    expect(a.status).toBe(200);
  });

  it('a caller without iam:SimulatePrincipalPolicy on the subject: 403', async () => {
    const target = await userWithKey(doc([{ Effect: 'Allow', Action: 's3:*', Resource: '*' }]));
    const targetArn = `arn:aws:iam::${ACCOUNT}:user/${target.userName}`;
    const pep = await userWithKey(
      doc([{ Effect: 'Allow', Action: 'iam:SimulatePrincipalPolicy', Resource: targetArn }]),
    );
    const allowed = await evaluation(body({ type: 'iam_principal', id: targetArn }), {
      credentials: pep,
    });
    expect(allowed.status, JSON.stringify(allowed.body)).toBe(200);
    expect(allowed.body.decision).toBe(true);
    const other = body(user(ACCOUNT, 'admin'));
    const denied = await evaluation(other, { credentials: pep });
    expect(denied.status).toBe(403);
    expect(denied.body.error?.code).toBe('AccessDenied');
    expect(denied.body.error?.message).toContain('iam:SimulatePrincipalPolicy');
    // Unknown subjects are refused before their absence is revealed.
    const ghost = await evaluation(body(user(ACCOUNT, unique('ghost'))), { credentials: pep });
    expect(ghost.status).toBe(403);
    // In a batch only the items about that subject fail.
    const mixed = await evaluations(
      {
        action: { name: 's3:GetObject' },
        resource: s3('a/b'),
        evaluations: [
          { subject: user(ACCOUNT, 'admin') },
          { subject: { type: 'iam_principal', id: targetArn } },
        ],
      },
      { credentials: pep },
    );
    expect(mixed.status).toBe(200);
    expect(mixed.body.evaluations?.map((e) => [e.decision, e.context.error?.status])).toEqual([
      [false, 403],
      [true, undefined],
    ]);
  });

  it("another account's subject: 403", async () => {
    const a = await evaluation(body(user('210987654321', 'alice')));
    expect(a.status).toBe(403);
    expect(a.body.error?.message).toMatch(/account 210987654321/);
    const root = await evaluation(
      body({ type: 'iam_principal', id: 'arn:aws:iam::210987654321:root' }),
    );
    expect(root.status).toBe(403);
  });

  it('bearer mode: the deployment token answers for its one account only', async () => {
    const bearerEnv = { ...env, AUTHZEN_TOKEN: 'a-long-random-secret', AUTHZEN_ACCOUNT: ACCOUNT };
    const send = (token: string, subject: object) =>
      app.fetch(
        new Request('http://127.0.0.1:8787/access/v1/evaluation', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(body(subject)),
        }),
        bearerEnv,
      );
    const good = await send('a-long-random-secret', user(ACCOUNT, 'admin'));
    expect(good.status).toBe(200);
    expect(((await good.json()) as { decision: boolean }).decision).toBe(true);
    expect((await send('wrong', user(ACCOUNT, 'admin'))).status).toBe(401);
    expect((await send('a-long-random-secret', user('210987654321', 'x'))).status).toBe(403);
    // Without the secret configured, bearer tokens are refused.
    const off = await evaluation(body(user(ACCOUNT, 'admin')), {
      credentials: null,
      headers: { authorization: 'Bearer a-long-random-secret' },
    });
    expect(off.status).toBe(401);
  });
});
