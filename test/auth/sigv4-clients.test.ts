import { describe, expect, it } from 'vitest';
import { parseSigV4, verifySigV4, type SigV4Input } from '../../src/auth/sigv4.ts';
import {
  awsErrorOf,
  presignWithSmithy,
  signWithSmithy,
  withHeader,
  type Creds,
  type Shape,
} from './helpers.ts';

const user: Creds = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};
const session: Creds = {
  accessKeyId: 'ASIARZPUZDIKGHCJYQYC',
  secretAccessKey: 'Jz7sWq4T0sY0c3+v5Kk8nq9yQe1Dz2n6P3mWb8x/',
  sessionToken:
    'AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeM',
};
const date = new Date('2026-11-28T12:34:56Z');
const form = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
/** The extra headers the JS SDK v3 signs besides host and x-amz-date (amz-sdk-* and x-amz-user-agent). */
const jsSdk = {
  'amz-sdk-invocation-id': '3f0c1f9e-5d2b-4b5e-9d38-1c2f7b9a0e11',
  'amz-sdk-request': 'attempt=1; max=3',
  'x-amz-user-agent':
    'aws-sdk-js/3.1177.0 ua/2.1 os/linux#6.1 lang/js md/nodejs#22.23.3 api/sts#3.1177.0',
};

function body(params: Record<string, string>): string {
  // botocore's form encoding: spaces as '+'.
  return new URLSearchParams(params).toString();
}

const shapes: { name: string; shape: Shape; creds: Creds; region?: string; service?: string }[] = [
  {
    name: 'awscli GetCallerIdentity',
    shape: {
      host: '127.0.0.1:8787',
      headers: form,
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    },
    creds: user,
  },
  {
    name: 'AssumeRole with spaces encoded as +',
    shape: {
      host: '127.0.0.1:8787',
      headers: form,
      body: body({
        Action: 'AssumeRole',
        Version: '2011-06-15',
        RoleArn: 'arn:aws:iam::123456789012:role/demo',
        RoleSessionName: 'alice session',
        'Tags.member.1.Key': 'team name',
        'Tags.member.1.Value': 'data & ml',
      }),
    },
    creds: user,
  },
  {
    name: 'session credentials with X-Amz-Security-Token',
    shape: {
      host: 'localhost:8787',
      headers: form,
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    },
    creds: session,
  },
  {
    name: 'JS SDK v3 headers, content-length and x-amz-content-sha256',
    shape: {
      host: '127.0.0.1:8787',
      headers: { ...form, ...jsSdk, 'content-length': '43', 'x-amz-content-sha256': '' },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    },
    creds: user,
  },
  {
    name: 'unicode in the body and a session policy',
    shape: {
      host: 'sts.eu-west-1.amazonaws.com',
      headers: form,
      body: body({
        Action: 'AssumeRole',
        Version: '2011-06-15',
        RoleSessionName: 'zoë',
        Policy:
          '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Sid":"ÄÖÜ"}]}',
      }),
    },
    creds: session,
    region: 'eu-west-1',
  },
  {
    name: 'IAM in ap-southeast-2',
    shape: {
      host: 'iam.amazonaws.com',
      headers: form,
      body: 'Action=ListRoles&Version=2010-05-08',
    },
    creds: user,
    region: 'ap-southeast-2',
    service: 'iam',
  },
  {
    name: 'GET with a query string',
    shape: {
      method: 'GET',
      host: '127.0.0.1:8787',
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15', Note: 'a b+c/d' },
    },
    creds: user,
    region: 'us-west-2',
  },
  {
    name: 'empty body',
    shape: { host: '127.0.0.1:8787', headers: form, body: '' },
    creds: user,
    region: 'cn-north-1',
  },
];

async function sign(c: (typeof shapes)[number]): Promise<SigV4Input> {
  const shape = { ...c.shape };
  if (shape.headers?.['x-amz-content-sha256'] === '') {
    const digest = await crypto.subtle.digest(
      'SHA-256',
      new TextEncoder().encode(shape.body ?? ''),
    );
    const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
    shape.headers = { ...shape.headers, 'x-amz-content-sha256': hex };
  }
  return signWithSmithy(shape, c.creds, { region: c.region, service: c.service, date });
}

async function codeOf(req: SigV4Input, secret: string, at = date): Promise<string> {
  const err = await awsErrorOf(async () => {
    const parsed = parseSigV4(req);
    if (!parsed) throw new Error('no signature found');
    await verifySigV4(parsed, secret, at);
  });
  return err.code;
}

describe('requests signed by the AWS JS signer verify', () => {
  it.each(shapes)('$name', async (c) => {
    const req = await sign(c);
    const parsed = parseSigV4(req, { now: date });
    expect(parsed?.accessKeyId).toBe(c.creds.accessKeyId);
    expect(parsed?.scope.region).toBe(c.region ?? 'us-east-1');
    expect(parsed?.scope.service).toBe(c.service ?? 'sts');
    expect(parsed?.securityToken).toBe(c.creds.sessionToken);
    await expect(verifySigV4(parsed!, c.creds.secretAccessKey, date)).resolves.toBeUndefined();
  });

  it.each(shapes)('$name: verify fails with another secret', async (c) => {
    const req = await sign(c);
    expect(await codeOf(req, user.secretAccessKey.replace('E', 'F'))).toBe('SignatureDoesNotMatch');
  });
});

describe('tampering with a signed request', () => {
  const jsShape = shapes[3];

  it('every signed header changed fails', async () => {
    const req = await sign(jsShape);
    const signed = parseSigV4(req)!.signedHeaders.split(';');
    expect(signed).toEqual(
      expect.arrayContaining([
        'host',
        'x-amz-date',
        'content-type',
        'amz-sdk-request',
        'x-amz-user-agent',
      ]),
    );
    for (const name of signed) {
      const value = req.headers.get(name) ?? '';
      const changed = name === 'x-amz-date' ? '20261128T123457Z' : `${value}x`;
      expect([name, await codeOf(withHeader(req, name, changed), user.secretAccessKey)]).toEqual([
        name,
        'SignatureDoesNotMatch',
      ]);
    }
  });

  it('every signed header removed fails', async () => {
    const req = await sign(jsShape);
    for (const name of parseSigV4(req)!.signedHeaders.split(';')) {
      if (name === 'host' || name === 'x-amz-date') continue;
      expect([name, await codeOf(withHeader(req, name, null), user.secretAccessKey)]).toEqual([
        name,
        'SignatureDoesNotMatch',
      ]);
    }
  });

  it('an unsigned extra header does not matter', async () => {
    const req = withHeader(await sign(shapes[0]), 'user-agent', 'something else entirely');
    await expect(
      verifySigV4(parseSigV4(req)!, user.secretAccessKey, date),
    ).resolves.toBeUndefined();
  });

  it('the body changed by one byte fails, also when x-amz-content-sha256 is signed', async () => {
    for (const c of [shapes[0], jsShape]) {
      const req = await sign(c);
      const body = new Uint8Array(req.body);
      body[body.length - 1] ^= 1;
      expect(await codeOf({ ...req, body }, user.secretAccessKey)).toBe('SignatureDoesNotMatch');
    }
  });

  it('the path or query changed fails', async () => {
    const req = await sign(shapes[6]);
    expect(
      await codeOf({ ...req, url: req.url.replace('Note=', 'Nota=') }, user.secretAccessKey),
    ).toBe('SignatureDoesNotMatch');
    expect(await codeOf({ ...req, url: req.url.replace('/?', '/x?') }, user.secretAccessKey)).toBe(
      'SignatureDoesNotMatch',
    );
    expect(await codeOf({ ...req, method: 'POST' }, user.secretAccessKey)).toBe(
      'SignatureDoesNotMatch',
    );
  });

  it.each([
    ['region', (a: string) => a.replace('/us-east-1/', '/us-east-2/')],
    ['service', (a: string) => a.replace('/sts/', '/iam/')],
    ['signed header list', (a: string) => a.replace('SignedHeaders=', 'SignedHeaders=accept;')],
  ])('the %s changed in the Authorization header fails', async (_name, change) => {
    const req = await sign(shapes[0]);
    const tampered = withHeader(req, 'authorization', change(req.headers.get('authorization')!));
    expect(await codeOf(tampered, user.secretAccessKey)).toBe('SignatureDoesNotMatch');
  });

  it('a changed access key id is the one looked up, and its own secret does not verify', async () => {
    // The key id is not in the string to sign: it selects the secret, which is what binds it.
    const req = await sign(shapes[0]);
    const auth = req.headers.get('authorization')!.replace(user.accessKeyId, session.accessKeyId);
    const parsed = parseSigV4(withHeader(req, 'authorization', auth))!;
    expect(parsed.accessKeyId).toBe(session.accessKeyId);
    const err = await awsErrorOf(() => verifySigV4(parsed, session.secretAccessKey, date));
    expect(err.code).toBe('SignatureDoesNotMatch');
  });

  it('the scope date changed is reported as a scope mismatch', async () => {
    const req = await sign(shapes[0]);
    const auth = req.headers.get('authorization')!.replace('/20261128/', '/20261127/');
    const err = await awsErrorOf(() => parseSigV4(withHeader(req, 'authorization', auth)));
    expect(err.code).toBe('SignatureDoesNotMatch');
    expect(err.message).toBe(
      "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20261127' != '20261128', from '20261128T123456Z'.",
    );
  });

  it('the session token changed fails', async () => {
    const req = await sign(shapes[2]);
    const changed = withHeader(req, 'x-amz-security-token', `${session.sessionToken}A`);
    expect(await codeOf(changed, session.secretAccessKey)).toBe('SignatureDoesNotMatch');
  });
});

describe('clock skew (SignatureDoesNotMatch "Signature expired" beyond 15 minutes)', () => {
  const minutes = (m: number) => new Date(date.getTime() + m * 60_000);

  it.each([
    [-15, true],
    [15, true],
    [0, true],
  ])('a request %i minutes from now is accepted', async (m) => {
    const req = await sign(shapes[0]);
    await expect(
      verifySigV4(parseSigV4(req)!, user.secretAccessKey, minutes(-m)),
    ).resolves.toBeUndefined();
  });

  it('a request signed 15 minutes and 1 second ago has expired', async () => {
    const req = await sign(shapes[0]);
    const now = new Date(date.getTime() + 15 * 60_000 + 1000);
    const err = await awsErrorOf(() => verifySigV4(parseSigV4(req)!, user.secretAccessKey, now));
    // As STS and IAM answer it (not the RequestExpired of "Common Errors").
    expect(err.code).toBe('SignatureDoesNotMatch');
    expect(err.status).toBe(403);
    expect(err.message).toBe(
      'Signature expired: 20261128T123456Z is now earlier than 20261128T123457Z (20261128T124957Z - 15 min.)',
    );
  });

  it('a request signed more than 15 minutes in the future is not yet current', async () => {
    const req = await sign(shapes[0]);
    const now = new Date(date.getTime() - 15 * 60_000 - 1000);
    const err = await awsErrorOf(() => parseSigV4(req, { now }));
    expect(err.code).toBe('SignatureDoesNotMatch');
    expect(err.message).toBe(
      'Signature not yet current: 20261128T123456Z is still later than 20261128T123455Z (20261128T121955Z + 15 min.)',
    );
  });
});

describe('presigned URLs', () => {
  const shape: Shape = {
    method: 'GET',
    host: '127.0.0.1:8787',
    query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
  };

  it('verify with and without a session token', async () => {
    for (const creds of [user, session]) {
      const req = await presignWithSmithy(shape, creds, { date, expiresIn: 60 });
      const parsed = parseSigV4(req, { now: date })!;
      expect(parsed.kind).toBe('presigned');
      expect(parsed.expiresIn).toBe(60);
      expect(parsed.securityToken).toBe(creds.sessionToken);
      await expect(verifySigV4(parsed, creds.secretAccessKey, date)).resolves.toBeUndefined();
    }
  });

  it('a changed query parameter fails', async () => {
    const req = await presignWithSmithy(shape, user, { date });
    const url = req.url.replace('GetCallerIdentity', 'GetSessionToken');
    expect(await codeOf({ ...req, url }, user.secretAccessKey)).toBe('SignatureDoesNotMatch');
  });

  it('past X-Amz-Expires the URL has expired', async () => {
    const req = await presignWithSmithy(shape, user, { date, expiresIn: 60 });
    const parsed = parseSigV4(req)!;
    await expect(
      verifySigV4(parsed, user.secretAccessKey, new Date(date.getTime() + 60_000)),
    ).resolves.toBeUndefined();
    const err = await awsErrorOf(() =>
      verifySigV4(parsed, user.secretAccessKey, new Date(date.getTime() + 61_000)),
    );
    expect(err.code).toBe('RequestExpired');
  });

  it('an X-Amz-Expires longer than 15 minutes does not extend the clock-skew window', async () => {
    const req = await presignWithSmithy(shape, user, { date, expiresIn: 3600 });
    const err = await awsErrorOf(() =>
      verifySigV4(parseSigV4(req)!, user.secretAccessKey, new Date(date.getTime() + 16 * 60_000)),
    );
    expect(err.code).toBe('SignatureDoesNotMatch');
    expect(err.message).toMatch(/^Signature expired: /);
  });
});
