import { describe, expect, it } from 'vitest';
import { xmlText, type Credentials } from '../helpers/aws.ts';
import { call, role } from './helpers.ts';
import { allowAll } from './seed-roles.ts';

describe('which temporary credentials may call which STS action', () => {
  async function tokens(action: 'GetSessionToken' | 'GetFederationToken'): Promise<Credentials> {
    const extra: Record<string, string> =
      action === 'GetFederationToken' ? { Name: 'fed', Policy: JSON.stringify(allowAll) } : {};
    const res = await call({ Action: action, ...extra });
    expect(res.status, res.body).toBe(200);
    return {
      accessKeyId: xmlText(res.body, 'AccessKeyId')!,
      secretAccessKey: xmlText(res.body, 'SecretAccessKey')!,
      sessionToken: xmlText(res.body, 'SessionToken')!,
    };
  }

  it('a federated-user session may only call GetCallerIdentity', async () => {
    const fed = await tokens('GetFederationToken');
    expect((await call({ Action: 'GetCallerIdentity' }, fed)).status).toBe(200);
    const res = await call(
      { Action: 'AssumeRole', RoleArn: role('demo-readonly'), RoleSessionName: 'x1' },
      fed,
    );
    expect(res.status).toBe(403);
    expect(res.code).toBe('AccessDenied');
    expect(
      (await call({ Action: 'GetAccessKeyInfo', AccessKeyId: 'AKIAIOSFODNN7EXAMPLE' }, fed)).status,
    ).toBe(403);
  });

  it('a GetSessionToken session may AssumeRole but not mint more tokens', async () => {
    const user = await tokens('GetSessionToken');
    expect(
      (
        await call(
          { Action: 'AssumeRole', RoleArn: role('demo-readonly'), RoleSessionName: 'x1' },
          user,
        )
      ).status,
    ).toBe(200);
    expect((await call({ Action: 'GetFederationToken', Name: 'fed' }, user)).status).toBe(403);
    expect(
      (await call({ Action: 'GetAccessKeyInfo', AccessKeyId: 'AKIAIOSFODNN7EXAMPLE' }, user))
        .status,
    ).toBe(403);
  });
});
