import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { adminRoutes } from '../../src/routes/admin.ts';
import { assumeRole, call, role } from '../sts/helpers.ts';

const TOKEN = 'admin-routes-test-token';

function post(path: string, body: unknown, auth: string | null = `Bearer ${TOKEN}`) {
  return adminRoutes.request(
    path,
    {
      method: 'POST',
      body: typeof body === 'string' ? body : JSON.stringify(body),
      headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
    },
    { ...env, ADMIN_TOKEN: TOKEN },
  );
}

async function errorOf(res: Response) {
  return ((await res.json()) as { error: { code: string; message: string } }).error;
}

describe('admin routes answer errors in the one JSON shape', () => {
  it('a missing token is 401 Unauthorized with a WWW-Authenticate challenge', async () => {
    const res = await post('/sessions/revoke', { sessionToken: 'x' }, null);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="rolecall-admin"');
    expect((await errorOf(res)).code).toBe('Unauthorized');
  });

  it('a token rolecall did not issue is 403 InvalidClientTokenId, as the error table says', async () => {
    const res = await post('/sessions/revoke', { sessionToken: 'not-a-token' });
    expect(res.status).toBe(403);
    expect(await errorOf(res)).toEqual({
      code: 'InvalidClientTokenId',
      message: 'The security token included in the request is invalid.',
    });
  });

  it('a body that is not a JSON object is 400 InvalidJson', async () => {
    const res = await post('/sessions/revoke', '[1]');
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe('InvalidJson');
  });

  it('a wrong field type is 400 InvalidInput naming the field', async () => {
    const res = await post('/roles/revoke-sessions', { roleArn: 42 });
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toEqual({
      code: 'InvalidInput',
      message: 'roleArn must be a string.',
    });
  });

  it('revoking a real session ends it: its credentials stop authenticating', async () => {
    const creds = await assumeRole({ RoleArn: role('demo-readonly'), RoleSessionName: 'admin' });
    const res = await post('/sessions/revoke', { sessionToken: creds.sessionToken });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ revoked: true });
    expect((await call({ Action: 'GetCallerIdentity' }, creds)).code).toBe('InvalidClientTokenId');
  });
});
