import { env } from 'cloudflare:workers';
import { beforeAll, afterEach, describe, expect, it, vi } from 'vitest';
import { openSessionToken } from '../../src/auth/token.ts';
import { deriveKeys } from '../../src/auth/secret-keys.ts';
import { revokeRoleSessions } from '../../src/iam/roles/revoke-sessions.ts';
import { KvIamStore } from '../../src/store/kv.ts';
import type { Credentials } from '../helpers/aws.ts';
import { ACCOUNT, doc, ok, unique, userWithKey } from '../iam/helpers.ts';
import { assumeRole } from '../sts/helpers.ts';
import { evaluation, s3, seedDemo } from './helpers.ts';

beforeAll(seedDemo, 60_000);

afterEach(() => {
  vi.useRealTimers();
});

const ask = (subject: { type: string; id: string }, action: string, key: string, context = {}) =>
  evaluation({ subject, action: { name: action }, resource: s3(key), context });

const TRUST_ACCOUNT = doc([
  {
    Effect: 'Allow',
    Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
    Action: ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'],
  },
]);

/** A role whose policy allows S3 only to sessions tagged team=blue with source identity alice. */
async function abacRole(): Promise<string> {
  const name = unique('abac');
  await ok({ Action: 'CreateRole', RoleName: name, AssumeRolePolicyDocument: TRUST_ACCOUNT });
  await ok({
    Action: 'PutRolePolicy',
    RoleName: name,
    PolicyName: 'abac',
    PolicyDocument: doc([
      {
        Effect: 'Allow',
        Action: 's3:*',
        Resource: '*',
        Condition: {
          StringEquals: { 'aws:PrincipalTag/team': 'blue', 'aws:SourceIdentity': 'alice' },
        },
      },
    ]),
  });
  return `arn:aws:iam::${ACCOUNT}:role/${name}`;
}

async function session(roleArn: string, extra: Record<string, string> = {}): Promise<Credentials> {
  return assumeRole({
    RoleArn: roleArn,
    RoleSessionName: 'app',
    'Tags.member.1.Key': 'team',
    'Tags.member.1.Value': 'blue',
    SourceIdentity: 'alice',
    Policy: doc([{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/*' }]),
    ...extra,
  });
}

describe('subjects', () => {
  it.each(['user', 'role'])(
    'a %s name longer than any key KV holds is not found (not a 500)',
    async (kind) => {
      const res = await ask(
        { type: 'iam_principal', id: `arn:aws:iam::${ACCOUNT}:${kind}/${'a'.repeat(600)}` },
        's3:GetObject',
        'k',
      );
      expect(res.status).toBe(200);
      expect(res.body.decision).toBe(false);
      expect(res.body.context?.error?.status).toBe(404);
    },
  );

  it('a role by ARN: its own policies, no session', async () => {
    const roleArn = await abacRole();
    const subject = { type: 'iam_principal', id: roleArn };
    // The role's policy needs a tag and a source identity only a session has: given as context.
    expect((await ask(subject, 's3:GetObject', 'x/y')).body.context?.reason).toBe('implicitDeny');
    const a = await ask(subject, 's3:PutObject', 'x/y', {
      'aws:PrincipalTag/team': 'blue',
      'aws:SourceIdentity': 'alice',
    });
    expect(a.body.decision).toBe(true);
  });

  it('the account root: full access within its account', async () => {
    const a = await ask(
      { type: 'iam_principal', id: `arn:aws:iam::${ACCOUNT}:root` },
      'iam:DeleteRole',
      'anything',
    );
    expect(a.body.decision).toBe(true);
    expect(a.body.context?.explanation).toMatch(/root/);
  });

  it('a long-term access key stands for its user; an inactive key is an error', async () => {
    const u = await userWithKey(doc([{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }]));
    const subject = { type: 'access_key', id: u.accessKeyId };
    expect((await ask(subject, 's3:GetObject', 'a/b')).body.decision).toBe(true);
    expect((await ask(subject, 's3:PutObject', 'a/b')).body.decision).toBe(false);
    await ok({
      Action: 'UpdateAccessKey',
      UserName: u.userName,
      AccessKeyId: u.accessKeyId,
      Status: 'Inactive',
    });
    const a = await ask(subject, 's3:GetObject', 'a/b');
    expect(a.body.decision).toBe(false);
    expect(a.body.context?.error).toEqual({
      status: 401,
      message: `The access key ${u.accessKeyId} is inactive.`,
    });
  });

  it("a session's key: session policies, tags, source identity and aws:TokenIssueTime apply", async () => {
    const roleArn = await abacRole();
    const creds = await session(roleArn);
    const subject = { type: 'access_key', id: creds.accessKeyId };
    const allowed = await ask(subject, 's3:GetObject', 'reports/q3.csv');
    expect(allowed.body.decision, JSON.stringify(allowed.body)).toBe(true);
    // The role allows s3:*, the session policy only GetObject on reports/*.
    const put = await ask(subject, 's3:PutObject', 'reports/q3.csv');
    expect(put.body.context?.reason).toBe('implicitDeny');
    expect(put.body.context?.explanation).toMatch(/session policy/);
    // Without the session tag the role's own policy does not allow.
    const untagged = await session(roleArn, { 'Tags.member.1.Value': 'red' });
    expect(
      (await ask({ type: 'access_key', id: untagged.accessKeyId }, 's3:GetObject', 'reports/a'))
        .body.decision,
    ).toBe(false);
    // Revoking older sessions (a Deny on aws:TokenIssueTime) denies this one explicitly.
    await revokeRoleSessions(new KvIamStore(env.IAM), roleArn, Date.now() + 1000);
    const revoked = await ask(subject, 's3:GetObject', 'reports/q3.csv');
    expect(revoked.body.context?.reason).toBe('explicitDeny');
  });

  it('an expired, revoked or unknown session key is an error, never a silent deny', async () => {
    const roleArn = await abacRole();
    const creds = await session(roleArn, { DurationSeconds: '900' });
    const subject = { type: 'access_key', id: creds.accessKeyId };
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 901_000);
    const expired = await ask(subject, 's3:GetObject', 'reports/a');
    expect(expired.body.decision).toBe(false);
    expect(expired.body.context?.error?.status).toBe(401);
    expect(expired.body.context?.error?.message).toMatch(/expired/);
    vi.useRealTimers();

    const live = await session(roleArn);
    const keys = await deriveKeys(env.SEAL_KEY);
    const claims = (await openSessionToken(keys.mac, live.sessionToken!))!;
    await env.SESSIONS.get(env.SESSIONS.idFromName(claims.shard)).revoke(
      claims.accessKeyId,
      claims.sessionId,
    );
    const revoked = await ask({ type: 'access_key', id: live.accessKeyId }, 's3:GetObject', 'r/a');
    expect(revoked.body.context?.error?.status).toBe(401);
    expect(revoked.body.context?.error?.message).toMatch(/unknown, expired or revoked/);
  });

  it("a deleted role's session is an error", async () => {
    const name = unique('gone');
    await ok({ Action: 'CreateRole', RoleName: name, AssumeRolePolicyDocument: TRUST_ACCOUNT });
    const creds = await assumeRole({
      RoleArn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
      RoleSessionName: 'gone',
    });
    await ok({ Action: 'DeleteRole', RoleName: name });
    const a = await ask({ type: 'access_key', id: creds.accessKeyId }, 's3:GetObject', 'a/b');
    expect(a.body.decision).toBe(false);
    expect(a.body.context?.error?.status).toBe(404);
  });

  it('a user in a group gets the group policies; a deleted user is an error', async () => {
    const group = unique('readers');
    await ok({ Action: 'CreateGroup', GroupName: group });
    await ok({
      Action: 'PutGroupPolicy',
      GroupName: group,
      PolicyName: 'read',
      PolicyDocument: doc([{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }]),
    });
    const name = unique('member');
    await ok({ Action: 'CreateUser', UserName: name });
    const subject = { type: 'iam_principal', id: `arn:aws:iam::${ACCOUNT}:user/${name}` };
    expect((await ask(subject, 's3:GetObject', 'x/y')).body.decision).toBe(false);
    await ok({ Action: 'AddUserToGroup', GroupName: group, UserName: name });
    const a = await ask(subject, 's3:GetObject', 'x/y');
    expect(a.body.decision).toBe(true);
    expect(a.body.context?.matchedStatements?.[0]?.source).toBe(
      `arn:aws:iam::${ACCOUNT}:group/${group} inline policy read`,
    );
    await ok({ Action: 'RemoveUserFromGroup', GroupName: group, UserName: name });
    await ok({ Action: 'DeleteUser', UserName: name });
    const gone = await ask(subject, 's3:GetObject', 'x/y');
    expect(gone.body.context?.error?.status).toBe(404);
  });

  it('a managed policy change is seen at the next decision', async () => {
    const policy = unique('mp');
    const created = await ok({
      Action: 'CreatePolicy',
      PolicyName: policy,
      PolicyDocument: doc([{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }]),
    });
    expect(created).toContain(policy);
    const arn = `arn:aws:iam::${ACCOUNT}:policy/${policy}`;
    const name = unique('mpuser');
    await ok({ Action: 'CreateUser', UserName: name });
    await ok({ Action: 'AttachUserPolicy', UserName: name, PolicyArn: arn });
    const subject = { type: 'iam_principal', id: `arn:aws:iam::${ACCOUNT}:user/${name}` };
    expect((await ask(subject, 's3:PutObject', 'x/y')).body.decision).toBe(false);
    await ok({
      Action: 'CreatePolicyVersion',
      PolicyArn: arn,
      SetAsDefault: 'true',
      PolicyDocument: doc([{ Effect: 'Allow', Action: 's3:*', Resource: '*' }]),
    });
    const a = await ask(subject, 's3:PutObject', 'x/y');
    expect(a.body.decision).toBe(true);
    expect(a.body.context?.matchedStatements?.[0]?.source).toBe(arn);
  });

  it('derived keys are filled in unless given: resource tags, account, principal tags', async () => {
    const name = unique('tagged');
    await ok({
      Action: 'CreateUser',
      UserName: name,
      'Tags.member.1.Key': 'team',
      'Tags.member.1.Value': 'blue',
    });
    await ok({
      Action: 'PutUserPolicy',
      UserName: name,
      PolicyName: 'abac',
      PolicyDocument: doc([
        {
          Effect: 'Allow',
          Action: 's3:GetObject',
          Resource: '*',
          Condition: {
            StringEquals: {
              'aws:ResourceTag/team': '${aws:PrincipalTag/team}',
              'aws:username': name,
            },
          },
        },
      ]),
    });
    const subject = { type: 'iam_principal', id: `arn:aws:iam::${ACCOUNT}:user/${name}` };
    const resource = (team: string) => s3('data/x', { tags: { team } });
    const decide = (team: string, context = {}) =>
      evaluation({ subject, action: { name: 's3:GetObject' }, resource: resource(team), context });
    expect((await decide('blue')).body.decision).toBe(true);
    expect((await decide('red')).body.decision).toBe(false);
    // Given keys win over derived ones (compared case-insensitively).
    expect((await decide('red', { 'AWS:PrincipalTag/team': 'red' })).body.decision).toBe(true);
    const missing = await evaluation({
      subject,
      action: { name: 's3:GetObject' },
      resource: s3('data/x'),
    });
    expect(missing.body.context?.missingContextKeys).toContain('aws:ResourceTag/team');
  });
});
