import { env } from 'cloudflare:workers';
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openSessionToken } from '../../src/auth/token.ts';
import { deriveKeys } from '../../src/auth/secret-keys.ts';
import { revokeRoleSessions } from '../../src/iam/roles/revoke-sessions.ts';
import { revokeSession } from '../../src/sessions/revoke.ts';
import { migrateSessionTables, type SessionStore } from '../../src/sessions/session-store.ts';
import type { SessionRecord } from '../../src/sessions/types.ts';
import { KvIamStore } from '../../src/store/kv.ts';
import { xmlText, type Credentials } from '../helpers/aws.ts';
import { assumeRole, call, role } from '../sts/helpers.ts';

/** The Durable Object itself (these tests exercise its alarm and row count, below the client). */
async function stubFor(creds: Credentials) {
  const keys = await deriveKeys(env.SEAL_KEY);
  const claims = (await openSessionToken(keys.mac, creds.sessionToken!))!;
  return {
    stub: env.SESSIONS.get(env.SESSIONS.idFromName(claims.shard)),
    key: claims.accessKeyId,
    id: claims.sessionId,
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('session expiry', () => {
  it('credentials work until Expiration and answer ExpiredToken from then on', async () => {
    const creds = await assumeRole({
      RoleArn: role('demo-readonly'),
      RoleSessionName: 'short',
      DurationSeconds: '900',
    });
    const expiration = Date.parse(xmlText(creds.answer.body, 'Expiration')!);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(expiration - 2000);
    expect((await call({ Action: 'GetCallerIdentity' }, creds)).status).toBe(200);
    vi.setSystemTime(expiration + 1000);
    const res = await call({ Action: 'GetCallerIdentity' }, creds);
    expect(res.status).toBe(403);
    expect(res.code).toBe('ExpiredToken');
    expect(res.message).toBe('The security token included in the request is expired');
  });

  it('the Durable Object answers expired at Expiration whatever its alarm has done', async () => {
    const creds = await assumeRole({
      RoleArn: role('demo-readonly'),
      RoleSessionName: 'do',
      DurationSeconds: '900',
    });
    const { stub, key, id } = await stubFor(creds);
    const found = await stub.get(key, id, Date.now());
    expect(found.status).toBe('active');
    if (found.status !== 'active') return;
    const { expiresAt } = JSON.parse(found.record) as SessionRecord;
    expect((await stub.get(key, id, expiresAt - 1)).status).toBe('active');
    expect((await stub.get(key, id, expiresAt)).status).toBe('expired');
  });

  it('the alarm deletes expired sessions and keeps live ones', async () => {
    const short = await assumeRole({
      RoleArn: role('demo-readonly'),
      RoleSessionName: 'short',
      DurationSeconds: '900',
    });
    const { stub, key, id } = await stubFor(short);
    const before = await stub.count();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 901_000);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await stub.get(key, id, Date.now())).status).toBe('unknown');
    expect(await stub.count()).toBeLessThan(before);
  });

  it('the alarm is set for the earliest expiry; a later session leaves it where it is', async () => {
    const creds = await assumeRole({ RoleArn: role('demo-readonly'), RoleSessionName: 'alarm' });
    const { stub, key, id } = await stubFor(creds);
    const found = await stub.get(key, id, Date.now());
    if (found.status !== 'active') throw new Error('no session');
    const session = JSON.parse(found.record) as SessionRecord;
    const shard = env.SESSIONS.get(env.SESSIONS.idFromName(`alarm-test-${crypto.randomUUID()}`));
    const t = session.issuedAt;
    const alarm = () => runInDurableObject(shard, (_o, state) => state.storage.getAlarm());
    const row = (id: string, expiresAt: number) => ({
      accessKeyId: `${session.accessKeyId}-${id}`,
      id,
      expiresAt,
      record: JSON.stringify({ ...session, id, expiresAt }),
    });
    await shard.put(row('a', t + 3_600_000));
    expect(await alarm()).toBe(t + 3_600_000);
    await shard.put(row('b', t + 900_000));
    expect(await alarm()).toBe(t + 900_000);
    await shard.put(row('c', t + 7_200_000));
    expect(await alarm()).toBe(t + 900_000);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(t + 901_000);
    expect(await runDurableObjectAlarm(shard)).toBe(true);
    expect(await alarm()).toBe(t + 3_600_000);
    expect(await shard.count()).toBe(2);
  });

  it('a revoked session stops authenticating', async () => {
    const creds = await assumeRole({
      RoleArn: role('demo-readonly'),
      RoleSessionName: 'revoke-me',
    });
    const { stub, key, id } = await stubFor(creds);
    expect(await stub.revoke(key, id)).toBe(true);
    const res = await call({ Action: 'GetCallerIdentity' }, creds);
    expect(res.code).toBe('InvalidClientTokenId');
  });
});

describe('session rows', () => {
  it('a second session with a live access key id is refused and the first is kept', async () => {
    const creds = await assumeRole({ RoleArn: role('demo-readonly'), RoleSessionName: 'first' });
    const { stub, key, id } = await stubFor(creds);
    const found = await stub.get(key, id, Date.now());
    if (found.status !== 'active') throw new Error('no session');
    const clash = { accessKeyId: key, id: 'other', expiresAt: Date.now() + 60_000, record: '{}' };
    expect(await stub.put(clash)).toBe(false);
    expect(await stub.get(key, id, Date.now())).toEqual(found);
    expect((await call({ Action: 'GetCallerIdentity' }, creds)).status).toBe(200);
  });

  it('a token naming the right key but another session id finds nothing', async () => {
    const creds = await assumeRole({ RoleArn: role('demo-readonly'), RoleSessionName: 'ids' });
    const { stub, key } = await stubFor(creds);
    expect((await stub.get(key, crypto.randomUUID(), Date.now())).status).toBe('unknown');
    expect(await stub.revoke(key, crypto.randomUUID())).toBe(false);
    expect((await call({ Action: 'GetCallerIdentity' }, creds)).status).toBe(200);
  });

  it.each([
    [
      'sessions (keyed by session id)',
      `CREATE TABLE sessions (id TEXT PRIMARY KEY, access_key_id TEXT NOT NULL,
        source_arn TEXT NOT NULL, issued_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,
        record TEXT NOT NULL)`,
      'INSERT INTO sessions (id, access_key_id, source_arn, issued_at, expires_at, record) VALUES (?, ?, ?, ?, ?, ?)',
    ],
    [
      'live_sessions (keyed by access key id, with an expiry index)',
      `CREATE TABLE live_sessions (access_key_id TEXT PRIMARY KEY, id TEXT NOT NULL,
        expires_at INTEGER NOT NULL, record TEXT NOT NULL)`,
      'INSERT INTO live_sessions (id, access_key_id, expires_at, record) VALUES (?, ?, ?, ?)',
    ],
  ])(
    'sessions stored by an earlier table, %s, move to the current one',
    async (_, create, insert) => {
      const creds = await assumeRole({ RoleArn: role('demo-readonly'), RoleSessionName: 'moved' });
      const { stub, key, id } = await stubFor(creds);
      const before = await stub.get(key, id, Date.now());
      if (before.status !== 'active') throw new Error('no session');
      const { expiresAt } = JSON.parse(before.record) as SessionRecord;
      await runInDurableObject(stub, (_o, state) => {
        const sql = state.storage.sql;
        // The earlier version's table, holding this session; the current table without it.
        sql.exec(create);
        const values = insert.startsWith('INSERT INTO sessions')
          ? [id, key, role('demo-readonly'), Date.now(), expiresAt, before.record]
          : [id, key, expiresAt, before.record];
        sql.exec(insert, ...values);
        sql.exec('DELETE FROM session_rows WHERE access_key_id = ?', key);
      });
      expect((await call({ Action: 'GetCallerIdentity' }, creds)).code).toBe(
        'InvalidClientTokenId',
      );
      await runInDurableObject(stub, (_o, state) => migrateSessionTables(state.storage.sql));
      expect((await call({ Action: 'GetCallerIdentity' }, creds)).status).toBe(200);
      expect(await stub.get(key, id, expiresAt - 1)).toEqual(before);
      expect((await stub.get(key, id, expiresAt)).status).toBe('expired');
      const tables = await runInDurableObject(stub, (_o, state) =>
        state.storage.sql
          .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
          .toArray()
          .map((t) => t.name),
      );
      expect(tables).toContain('session_rows');
      expect(tables).not.toContain('sessions');
      expect(tables).not.toContain('live_sessions');
    },
  );

  it('sessions expiring in the same millisecond are all kept, and the alarm removes exactly the expired', async () => {
    const shard = env.SESSIONS.get(env.SESSIONS.idFromName(`slots-${crypto.randomUUID()}`));
    const t = Date.now() + 60_000;
    const rows = Array.from({ length: 200 }, (_, i) => ({
      accessKeyId: `ASIAEXAMPLE${i}`,
      id: `id-${i}`,
      expiresAt: i < 150 ? t : t + 1,
      record: '{}',
    }));
    for (const row of rows) expect(await shard.put(row)).toBe(true);
    expect(await shard.count()).toBe(200);
    expect((await shard.get('ASIAEXAMPLE7', 'id-7', t - 1)).status).toBe('active');
    expect((await shard.get('ASIAEXAMPLE7', 'id-7', t)).status).toBe('expired');
    expect((await shard.get('ASIAEXAMPLE170', 'id-170', t)).status).toBe('active');
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(t);
    expect(await runDurableObjectAlarm(shard)).toBe(true);
    expect(await shard.count()).toBe(50);
    expect(await runInDurableObject(shard, (_o, state) => state.storage.getAlarm())).toBe(t + 1);
  });
});

describe('group commit', () => {
  it('sessions arriving together share storage commits, each with its own answer', async () => {
    const shard = env.SESSIONS.get(env.SESSIONS.idFromName(`batch-${crypto.randomUUID()}`));
    const t = Date.now() + 60_000;
    const rows = Array.from({ length: 40 }, (_, i) => ({
      accessKeyId: `ASIABATCH${i}`,
      id: `id-${i}`,
      expiresAt: t + i,
      record: `{"n":${i}}`,
    }));
    // Two of them name a key another of them has: the first to arrive keeps it.
    const clashes = [rows[5], rows[6]].map((r) => ({ ...r, id: `${r.id}-again` }));
    const answers = await Promise.all([...rows, ...clashes].map((r) => shard.put(r)));
    expect(answers).toEqual([...rows.map(() => true), false, false]);
    expect(await shard.count()).toBe(40);
    for (const r of rows) {
      expect(await shard.get(r.accessKeyId, r.id, Date.now())).toEqual({
        status: 'active',
        id: r.id,
        record: r.record,
      });
    }
    const commits = await runInDurableObject(shard, (o: SessionStore) => o.commits);
    expect(commits).toBeGreaterThan(0);
    expect(commits).toBeLessThan(rows.length);
    // The alarm is set for the earliest expiry of the whole batch.
    expect(await runInDurableObject(shard, (_o, state) => state.storage.getAlarm())).toBe(t);
  });

  it('sessions issued by one isolate land in one shard, where they can share a commit', async () => {
    const keys = await deriveKeys(env.SEAL_KEY);
    const shards = new Set<string>();
    for (const name of ['one', 'two', 'three', 'four', 'five']) {
      const creds = await assumeRole({ RoleArn: role('demo-readonly'), RoleSessionName: name });
      shards.add((await openSessionToken(keys.mac, creds.sessionToken!))!.shard);
    }
    expect(shards.size).toBe(1);
  });
});

describe('revocation', () => {
  it('revokeSession ends one session by its token', async () => {
    const creds = await assumeRole({ RoleArn: role('demo-readonly'), RoleSessionName: 'one' });
    expect(await revokeSession(env, creds.sessionToken!)).toBe(true);
    expect((await call({ Action: 'GetCallerIdentity' }, creds)).code).toBe('InvalidClientTokenId');
  });

  it("revoking a role's older sessions denies them everything, as AWSRevokeOlderSessions does", async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const t0 = Date.now();
    const old = await assumeRole({ RoleArn: role('demo-readonly'), RoleSessionName: 'old' });
    vi.setSystemTime(t0 + 2000);
    await revokeRoleSessions(new KvIamStore(env.IAM), role('demo-readonly'), t0 + 1000);
    vi.setSystemTime(t0 + 3000);
    const fresh = await assumeRole({ RoleArn: role('demo-readonly'), RoleSessionName: 'fresh' });

    // Still authenticates (GetCallerIdentity cannot be denied) but may not act.
    expect((await call({ Action: 'GetCallerIdentity' }, old)).status).toBe(200);
    const denied = await call(
      { Action: 'AssumeRole', RoleArn: role('auditor'), RoleSessionName: 'hop' },
      old,
    );
    expect(denied.status).toBe(403);
    expect(denied.code).toBe('AccessDenied');
    const allowed = await call(
      { Action: 'AssumeRole', RoleArn: role('auditor'), RoleSessionName: 'hop' },
      fresh,
    );
    expect(allowed.status, allowed.body).toBe(200);
  });
});

describe('GetSessionToken, GetFederationToken, GetAccessKeyInfo', () => {
  it('GetSessionToken gives the user temporary credentials of their own', async () => {
    const res = await call({ Action: 'GetSessionToken', DurationSeconds: '900' });
    expect(res.status, res.body).toBe(200);
    const creds = {
      accessKeyId: xmlText(res.body, 'AccessKeyId')!,
      secretAccessKey: xmlText(res.body, 'SecretAccessKey')!,
      sessionToken: xmlText(res.body, 'SessionToken')!,
    };
    expect(creds.accessKeyId).toMatch(/^ASIA/);
    const me = await call({ Action: 'GetCallerIdentity' }, creds);
    expect(xmlText(me.body, 'Arn')).toBe('arn:aws:iam::123456789012:user/admin');
    const again = await call({ Action: 'GetSessionToken' }, creds);
    expect(again.status).toBe(403);
    expect(again.code).toBe('AccessDenied');
  });

  it('GetSessionToken rejects a duration over 36 hours', async () => {
    const res = await call({ Action: 'GetSessionToken', DurationSeconds: '129601' });
    expect(res.code).toBe('ValidationError');
  });

  it('GetFederationToken names a federated user', async () => {
    const res = await call({
      Action: 'GetFederationToken',
      Name: 'bob',
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
      }),
    });
    expect(res.status, res.body).toBe(200);
    expect(xmlText(res.body, 'Arn')).toBe('arn:aws:sts::123456789012:federated-user/bob');
    expect(xmlText(res.body, 'FederatedUserId')).toBe('123456789012:bob');
  });

  it('GetAccessKeyInfo reads the account from an issued key id alone', async () => {
    const creds = await assumeRole({ RoleArn: role('demo-readonly'), RoleSessionName: 'info' });
    const res = await call({ Action: 'GetAccessKeyInfo', AccessKeyId: creds.accessKeyId });
    expect(res.status, res.body).toBe(200);
    expect(xmlText(res.body, 'Account')).toBe('123456789012');
    const fixed = await call({ Action: 'GetAccessKeyInfo', AccessKeyId: 'AKIAIOSFODNN7EXAMPLE' });
    expect(xmlText(fixed.body, 'Account')).toBe('123456789012');
  });
});
