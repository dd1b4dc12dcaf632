import { describe, expect, it } from 'vitest';
import { evaluation, s3, user } from '../decisions/helpers.ts';
import { call } from '../helpers/worker.ts';
import { ACCOUNT, doc, ok, unique, userWithKey } from '../iam/helpers.ts';

/**
 * aws:RequestedRegion: IAM has one endpoint, in us-east-1, so IAM calls are us-east-1 whatever
 * Region the client signs for; STS is regional and the signing Region is the one requested.
 */
const onlyIn = (region: string, action: string) =>
  doc([
    {
      Effect: 'Allow',
      Action: action,
      Resource: '*',
      Condition: { StringEquals: { 'aws:RequestedRegion': region } },
    },
  ]);

describe('aws:RequestedRegion', () => {
  it('an IAM call signed for eu-west-1 is still a us-east-1 request', async () => {
    const name = unique('region');
    await ok({ Action: 'CreateUser', UserName: name });
    const euOnly = await userWithKey(onlyIn('eu-west-1', 'iam:GetUser'));
    const usOnly = await userWithKey(onlyIn('us-east-1', 'iam:GetUser'));
    const opts = { service: 'iam', region: 'eu-west-1' } as const;
    const eu = await call({ Action: 'GetUser', UserName: name }, euOnly, opts);
    expect({ status: eu.status, code: eu.code }, eu.body).toEqual({
      status: 403,
      code: 'AccessDenied',
    });
    const us = await call({ Action: 'GetUser', UserName: name }, usOnly, opts);
    expect(us.status, us.body).toBe(200);
  });

  it('an STS call is a request to the Region it is signed for', async () => {
    const role = unique('region-role');
    await ok({
      Action: 'CreateRole',
      RoleName: role,
      AssumeRolePolicyDocument: doc([
        { Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'sts:AssumeRole' },
      ]),
    });
    const euOnly = await userWithKey(onlyIn('eu-west-1', 'sts:AssumeRole'));
    const assume = { Action: 'AssumeRole', RoleArn: `arn:aws:iam::${ACCOUNT}:role/${role}` };
    const eu = await call({ ...assume, RoleSessionName: 'eu' }, euOnly, { region: 'eu-west-1' });
    expect(eu.status, eu.body).toBe(200);
    const us = await call({ ...assume, RoleSessionName: 'us' }, euOnly, { region: 'us-east-1' });
    expect(us.code, us.body).toBe('AccessDenied');
  });

  it('an AuthZEN PEP signing for eu-west-1 makes an IAM (us-east-1) request', async () => {
    const subject = await userWithKey(doc([{ Effect: 'Allow', Action: 's3:*', Resource: '*' }]));
    const euPep = await userWithKey(onlyIn('eu-west-1', 'iam:SimulatePrincipalPolicy'));
    const usPep = await userWithKey(onlyIn('us-east-1', 'iam:SimulatePrincipalPolicy'));
    const ask = {
      subject: user(ACCOUNT, subject.userName),
      action: { name: 's3:GetObject' },
      resource: s3('bucket/key'),
    };
    const eu = await evaluation(ask, { credentials: euPep, region: 'eu-west-1' });
    expect(eu.status, JSON.stringify(eu.body)).toBe(403);
    const us = await evaluation(ask, { credentials: usPep, region: 'eu-west-1' });
    expect(us.status, JSON.stringify(us.body)).toBe(200);
    expect(us.body.decision).toBe(true);
  });
});
