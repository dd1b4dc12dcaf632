import {
  AssumeRoleCommand,
  GetCallerIdentityCommand,
  GetSessionTokenCommand,
  STSClient,
  STSServiceException,
} from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_ENV, run, startServer, type Server } from './server.ts';

let server: Server;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

const role = (name: string) => `arn:aws:iam::123456789012:role/${name}`;
const admin = {
  accessKeyId: ADMIN_ENV.AWS_ACCESS_KEY_ID,
  secretAccessKey: ADMIN_ENV.AWS_SECRET_ACCESS_KEY,
};

function client(
  credentials = admin as { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
  region = 'eu-west-1',
) {
  return new STSClient({ endpoint: server.url, region, credentials, maxAttempts: 1 });
}

async function failure(p: Promise<unknown>): Promise<STSServiceException> {
  try {
    await p;
  } catch (e) {
    if (e instanceof STSServiceException) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}

describe('@aws-sdk/client-sts', () => {
  it('assumes a role and uses the session', async () => {
    const out = await client().send(
      new AssumeRoleCommand({ RoleArn: role('demo-readonly'), RoleSessionName: 'sdk' }),
    );
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA/);
    expect(out.Credentials?.Expiration).toBeInstanceOf(Date);
    const me = await client({
      accessKeyId: out.Credentials!.AccessKeyId!,
      secretAccessKey: out.Credentials!.SecretAccessKey!,
      sessionToken: out.Credentials!.SessionToken!,
    }).send(new GetCallerIdentityCommand({}));
    expect(me.Arn).toBe('arn:aws:sts::123456789012:assumed-role/demo-readonly/sdk');
  });

  it('a clock 20 minutes slow: Signature expired, and the SDK takes the server time from Date', async () => {
    const sdk = new STSClient({
      endpoint: server.url,
      region: 'us-east-1',
      credentials: admin,
      maxAttempts: 1,
      systemClockOffset: -20 * 60_000,
    });
    const stale = await failure(sdk.send(new GetCallerIdentityCommand({})));
    expect(stale.name).toBe('SignatureDoesNotMatch');
    expect(stale.$metadata.httpStatusCode).toBe(403);
    expect(stale.message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than /);
    // The answer's Date header corrected the client's offset: the next call is signed on time.
    expect(Math.abs(sdk.config.systemClockOffset)).toBeLessThan(60_000);
    const me = await sdk.send(new GetCallerIdentityCommand({}));
    expect(me.Arn).toBe('arn:aws:iam::123456789012:user/admin');
  });

  it('typed errors: AccessDenied, ValidationError, MalformedPolicyDocument, SignatureDoesNotMatch', async () => {
    const denied = await failure(
      client().send(
        new AssumeRoleCommand({ RoleArn: role('ec2-ssm-instance-role'), RoleSessionName: 'sdk' }),
      ),
    );
    expect(denied.name).toBe('AccessDenied');
    expect(denied.$metadata.httpStatusCode).toBe(403);
    // The JS SDK validates nothing client-side: the server must.
    const shortDuration = await failure(
      client().send(
        new AssumeRoleCommand({
          RoleArn: role('demo-readonly'),
          RoleSessionName: 'sdk',
          DurationSeconds: 60,
        }),
      ),
    );
    expect(shortDuration.name).toBe('ValidationError');
    const malformed = await failure(
      client().send(
        new AssumeRoleCommand({
          RoleArn: role('demo-readonly'),
          RoleSessionName: 'sdk',
          Policy: '{',
        }),
      ),
    );
    // The SDK maps the wire code MalformedPolicyDocument to its typed exception class.
    expect(malformed.name).toBe('MalformedPolicyDocumentException');
    const badSig = await failure(
      client({ ...admin, secretAccessKey: 'z'.repeat(40) }).send(new GetCallerIdentityCommand({})),
    );
    expect(badSig.name).toBe('SignatureDoesNotMatch');
  });

  it('session policies and tags (PackedPolicySize)', async () => {
    const out = await client().send(
      new AssumeRoleCommand({
        RoleArn: role('demo-readonly'),
        RoleSessionName: 'sdk-tags',
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
        }),
        Tags: [{ Key: 'team', Value: 'platform' }],
        TransitiveTagKeys: ['team'],
      }),
    );
    expect(out.PackedPolicySize).toBeGreaterThan(0);
  });

  it('PackedPolicySize: tags fill the packed space long before their 50-tag limit', async () => {
    const tag = (i: number) => ({ Key: `k${i}`.padEnd(128, 'k'), Value: `v${i}`.padEnd(256, 'v') });
    const one = await client().send(
      new AssumeRoleCommand({
        RoleArn: role('demo-readonly'),
        RoleSessionName: 'sdk-one-tag',
        Tags: [tag(1)],
      }),
    );
    expect(one.PackedPolicySize).toBe(87);
    const two = await failure(
      client().send(
        new AssumeRoleCommand({
          RoleArn: role('demo-readonly'),
          RoleSessionName: 'sdk-two-tags',
          Tags: [tag(1), tag(2)],
        }),
      ),
    );
    // The exception aws-actions/configure-aws-credentials retries on with fewer tags.
    expect(two.name).toBe('PackedPolicyTooLargeException');
    expect(two.message).toBe('Packed size of session tags consumes 174% of allotted space.');
  });

  it('GetSessionToken credentials sign the next call as the user', async () => {
    const out = await client().send(new GetSessionTokenCommand({ DurationSeconds: 900 }));
    const c = out.Credentials!;
    const me = await client({
      accessKeyId: c.AccessKeyId!,
      secretAccessKey: c.SecretAccessKey!,
      sessionToken: c.SessionToken!,
    }).send(new GetCallerIdentityCommand({}));
    expect(me.Arn).toBe('arn:aws:iam::123456789012:user/admin');
    expect(c.AccessKeyId).toMatch(/^ASIA/);
  });
});

describe('boto3 (Debian python3-boto3)', () => {
  it('assume_role, chained get_caller_identity, and typed errors', async () => {
    const script = `
import json, sys, boto3, botocore, botocore.config
url = sys.argv[1]
sts = boto3.client('sts', endpoint_url=url, region_name='us-east-1',
    aws_access_key_id='${admin.accessKeyId}', aws_secret_access_key='${admin.secretAccessKey}')
out = {}
r = sts.assume_role(RoleArn='${role('demo-readonly')}', RoleSessionName='boto3')
c = r['Credentials']
out['arn'] = r['AssumedRoleUser']['Arn']
s2 = boto3.client('sts', endpoint_url=url, region_name='us-east-1', aws_access_key_id=c['AccessKeyId'],
    aws_secret_access_key=c['SecretAccessKey'], aws_session_token=c['SessionToken'])
out['me'] = s2.get_caller_identity()['Arn']
for name, kwargs in [('missing', dict(RoleArn='${role('nope')}', RoleSessionName='boto3')),
                     ('name', dict(RoleArn='${role('demo-readonly')}', RoleSessionName='bad name'))]:
    try:
        sts.assume_role(**kwargs)
        out[name] = 'no error'
    except botocore.exceptions.ClientError as e:
        out[name] = [e.response['Error']['Code'], e.response['ResponseMetadata']['HTTPStatusCode']]
# botocore checks required members itself; without that check the server must.
raw = boto3.client('sts', endpoint_url=url, region_name='us-east-1',
    aws_access_key_id='${admin.accessKeyId}', aws_secret_access_key='${admin.secretAccessKey}',
    config=botocore.config.Config(parameter_validation=False))
try:
    raw.assume_role(RoleArn='${role('demo-readonly')}')
except botocore.exceptions.ClientError as e:
    out['unnamed'] = e.response['Error']['Message']
try:
    raw.assume_role()
except botocore.exceptions.ClientError as e:
    out['nothing'] = e.response['Error']['Message']
try:
    raw.assume_role(RoleArn='${role('demo-readonly')}', RoleSessionName='boto3', Tags=[{'Key': 'team'}])
except botocore.exceptions.ClientError as e:
    out['valueless'] = e.response['Error']['Message']
print(json.dumps(out))
`;
    const r = await run('/usr/bin/python3', ['-c', script, server.url], {});
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(out.arn).toBe('arn:aws:sts::123456789012:assumed-role/demo-readonly/boto3');
    expect(out.me).toBe('arn:aws:sts::123456789012:assumed-role/demo-readonly/boto3');
    expect(out.missing).toEqual(['AccessDenied', 403]);
    expect(out.name).toEqual(['ValidationError', 400]);
    expect(out.nothing).toBe(
      "2 validation errors detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null; " +
        "Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null",
    );
    expect(out.valueless).toBe(
      "1 validation error detected: Value null at 'tags.1.member.value' failed to satisfy constraint: Member must not be null",
    );
    expect(out.unnamed).toBe(
      "1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null",
    );
  });
});
