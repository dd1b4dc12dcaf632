import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { openSessionToken } from '../../src/auth/token.ts';
import { deriveKeys } from '../../src/auth/secret-keys.ts';
import { SessionsClient } from '../../src/sessions/client.ts';
import type { SessionRecord } from '../../src/sessions/types.ts';
import { xmlText, type Credentials } from '../helpers/aws.ts';
import { assumeRole, call, role } from './helpers.ts';

/** Reads the live session behind a set of credentials through the sessions client. */
async function sessionOf(creds: Credentials): Promise<SessionRecord> {
  const keys = await deriveKeys(env.SEAL_KEY);
  const claims = await openSessionToken(keys.mac, creds.sessionToken!);
  const found = await new SessionsClient(env.SESSIONS).get(claims!, Date.now());
  if (found.status !== 'active') throw new Error(`session ${found.status}`);
  return found.session;
}

describe('role chaining', () => {
  it('a role session may assume a role that trusts its role', async () => {
    const first = await assumeRole({ RoleArn: role('demo-readonly'), RoleSessionName: 'hop1' });
    const second = await assumeRole({ RoleArn: role('auditor'), RoleSessionName: 'hop2' }, first);
    const me = await call({ Action: 'GetCallerIdentity' }, second);
    expect(xmlText(me.body, 'Arn')).toBe('arn:aws:sts::123456789012:assumed-role/auditor/hop2');
    expect((await sessionOf(second)).chainDepth).toBe(1);
  });

  it('caps chained sessions at one hour with AWS message', async () => {
    const first = await assumeRole({ RoleArn: role('demo-readonly'), RoleSessionName: 'hop1' });
    const res = await call(
      {
        Action: 'AssumeRole',
        RoleArn: role('auditor'),
        RoleSessionName: 'hop2',
        DurationSeconds: '3601',
      },
      first,
    );
    expect(res.status).toBe(400);
    expect(res.code).toBe('ValidationError');
    expect(res.message).toBe(
      'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    );
  });

  it('a role session is denied a role that does not trust it', async () => {
    const first = await assumeRole({ RoleArn: role('demo-readonly'), RoleSessionName: 'hop1' });
    const res = await call(
      {
        Action: 'AssumeRole',
        RoleArn: role('ci-deployer'),
        RoleSessionName: 'xx',
        ExternalId: 'rolecall-demo',
      },
      first,
    );
    expect(res.status).toBe(403);
    expect(res.message).toBe(
      `User: arn:aws:sts::123456789012:assumed-role/demo-readonly/hop1 is not authorized to perform: sts:AssumeRole on resource: ${role('ci-deployer')}`,
    );
  });

  it('transitive tags carry through the chain and cannot be overridden', async () => {
    const first = await assumeRole({
      RoleArn: role('demo-readonly'),
      RoleSessionName: 'tagged',
      'Tags.member.1.Key': 'project',
      'Tags.member.1.Value': 'apollo',
      'Tags.member.2.Key': 'cost-center',
      'Tags.member.2.Value': '42',
      'TransitiveTagKeys.member.1': 'project',
    });
    expect(Number(xmlText(first.answer.body, 'PackedPolicySize'))).toBeGreaterThan(0);
    const second = await assumeRole({ RoleArn: role('auditor'), RoleSessionName: 'hop2' }, first);
    const s = await sessionOf(second);
    expect(s.tags).toEqual({ project: 'apollo' });
    expect(s.transitiveTagKeys).toEqual(['project']);

    const override = await call(
      {
        Action: 'AssumeRole',
        RoleArn: role('auditor'),
        RoleSessionName: 'hop2',
        'Tags.member.1.Key': 'Project',
        'Tags.member.1.Value': 'x',
      },
      first,
    );
    expect(override.status).toBe(400);
    expect(override.code).toBe('InvalidParameterValue');
  });

  it('SourceIdentity is set when the trust policy allows sts:SetSourceIdentity and sticks across the chain', async () => {
    const first = await assumeRole({
      RoleArn: role('demo-readonly'),
      RoleSessionName: 'si',
      SourceIdentity: 'alice@example.com',
    });
    expect(xmlText(first.answer.body, 'SourceIdentity')).toBe('alice@example.com');
    const second = await assumeRole({ RoleArn: role('auditor'), RoleSessionName: 'hop2' }, first);
    expect(xmlText(second.answer.body, 'SourceIdentity')).toBe('alice@example.com');
    const changed = await call(
      {
        Action: 'AssumeRole',
        RoleArn: role('auditor'),
        RoleSessionName: 'hop2',
        SourceIdentity: 'mallory',
      },
      first,
    );
    expect(changed.status).toBe(403);
  });

  it('SourceIdentity needs sts:SetSourceIdentity in the trust policy', async () => {
    const res = await call({
      Action: 'AssumeRole',
      RoleArn: role('ci-deployer'),
      RoleSessionName: 'si',
      ExternalId: 'rolecall-demo',
      SourceIdentity: 'alice',
    });
    expect(res.status).toBe(403);
    expect(res.message).toContain('sts:SetSourceIdentity');
  });

  it.each([
    ['aws: prefix', { SourceIdentity: 'aws:me' }],
    [
      'duplicate tag keys differing by case',
      {
        'Tags.member.1.Key': 'team',
        'Tags.member.1.Value': 'a',
        'Tags.member.2.Key': 'Team',
        'Tags.member.2.Value': 'b',
      },
    ],
    [
      'a transitive key not among the tags',
      {
        'Tags.member.1.Key': 'team',
        'Tags.member.1.Value': 'a',
        'TransitiveTagKeys.member.1': 'env',
      },
    ],
  ])('rejects %s', async (_, extra) => {
    const res = await call({
      Action: 'AssumeRole',
      RoleArn: role('demo-readonly'),
      RoleSessionName: 'bad',
      ...extra,
    });
    expect(res.status).toBe(400);
  });

  it('tags need sts:TagSession in the trust policy', async () => {
    const res = await call({
      Action: 'AssumeRole',
      RoleArn: role('auditor'),
      RoleSessionName: 'xx',
      'Tags.member.1.Key': 'team',
      'Tags.member.1.Value': 'a',
    });
    // auditor trusts only the demo-readonly role: the admin user is refused before tags matter.
    expect(res.status).toBe(403);
  });

  it('PackedPolicyTooLarge when 50 long tags overflow the packed budget', async () => {
    const tags: Record<string, string> = {};
    for (let i = 1; i <= 50; i++) {
      tags[`Tags.member.${i}.Key`] = `key-${i}-${crypto.randomUUID()}`;
      tags[`Tags.member.${i}.Value`] = Array.from({ length: 6 }, () => crypto.randomUUID())
        .join('')
        .slice(0, 256);
    }
    const res = await call({
      Action: 'AssumeRole',
      RoleArn: role('demo-readonly'),
      RoleSessionName: 'big',
      ...tags,
    });
    expect(res.status).toBe(400);
    expect(res.code).toBe('PackedPolicyTooLarge');
    expect(res.message).toMatch(/^Packed size of session tags consumes \d+% of allotted space\.$/);
  });
});
